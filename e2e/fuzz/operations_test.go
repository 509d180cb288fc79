package fuzz

import (
	"os"
	"slices"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/validator/rules"
)

// schemaFile is the API contract, relative to this package.
const schemaFile = "../../schema.graphqls"

// Selections of every field, so every field resolver runs.
const (
	userFields  = `id email name accountType`
	tokenFields = `id name scopes createdAt expiresAt lastUsedAt status revokedAt hint
  owner { ` + userFields + ` } revokedBy { ` + userFields + ` }`
	pageFields     = `pageInfo { hasNextPage endCursor hasPreviousPage startCursor }`
	webhookFields  = `id url eventTypes status failingSince lastSuccessAt previousSecretExpiresAt createdAt updatedAt createdBy { ` + userFields + ` }`
	deliveryFields = `id eventId eventType test status attempts lastHttpStatus lastError durationMs nextAttemptAt createdAt finishedAt`
	settingsFields = `enabled maxLifespanDays revokeUnusedAfterDays updatedAt updatedBy { ` + userFields + ` }`
	auditFields    = `id action occurredAt actor { ` + userFields + ` }
  token { id name owner { ` + userFields + ` } scopes expiresAt hint }
  revocationSource
  settingsChange { previousEnabled enabled previousMaxLifespanDays maxLifespanDays }
  requestId clientIp userAgent`
)

// operation is one document FuzzGraphQLOperations sends with fuzzed
// variables.
type operation struct {
	name     string
	document string
	mutation bool
}

// operations covers every root field of the schema (TestOperationsCoverSchema
// fails otherwise). Append new ones at the end: corpus entries pick an
// operation by its index.
var operations = []operation{
	{"updatePatSettings", `mutation($input: UpdatePatSettingsInput!) { updatePatSettings(input: $input) { ` + settingsFields + ` } }`, true},
	{"revokeTokens", `mutation($ids: [ID!]!) { revokeTokens(ids: $ids) { revokedCount tokens { ` + tokenFields + ` } } }`, true},
	{"revokeTokenByValue", `mutation($token: String!) { revokeTokenByValue(token: $token) { outcome token { ` + tokenFields + ` } } }`, true},
	{"createPersonalAccessToken", `mutation($input: CreatePersonalAccessTokenInput!) { createPersonalAccessToken(input: $input) { token personalAccessToken { ` + tokenFields + ` } } }`, true},
	{"personalAccessTokens", `query($first: Int, $after: String, $filter: PersonalAccessTokenFilter, $orderBy: PersonalAccessTokenOrder) {
  personalAccessTokens(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
    totalCount edges { cursor node { id } } nodes { ` + tokenFields + ` } ` + pageFields + ` } }`, false},
	{"users", `query($first: Int, $after: String, $search: String) {
  users(first: $first, after: $after, search: $search) { edges { cursor node { id } } nodes { ` + userFields + ` } ` + pageFields + ` } }`, false},
	{"auditEvents", `query($first: Int, $after: String, $filter: AuditEventFilter) {
  auditEvents(first: $first, after: $after, filter: $filter) { edges { cursor node { id } } nodes { ` + auditFields + ` } ` + pageFields + ` } }`, false},
	{"argumentless", `query { viewer { ` + userFields + ` } viewerRole organizationPatSettings { ` + settingsFields + ` } availableScopes }`, false},
	{"revokeTokensByValue", `mutation($tokens: [String!]!) { revokeTokensByValue(tokens: $tokens) { revokedCount results { index outcome token { ` + tokenFields + ` } } } }`, true},
	{"tokenRevocationPreview", `query($filter: PersonalAccessTokenFilter!) {
  tokenRevocationPreview(filter: $filter) { matchingCount ownerCount confirmation expiresAt sample { ` + tokenFields + ` } } }`, false},
	{"revokeTokensMatching", `mutation($filter: PersonalAccessTokenFilter!, $confirmation: String!) {
  revokeTokensMatching(filter: $filter, confirmation: $confirmation) { ` + jobFields + ` } }`, true},
	{"revocationJob", `query($id: ID!) { revocationJob(id: $id) { ` + jobFields + ` } }`, false},
	{"patSettingsImpact", `query($input: UpdatePatSettingsInput!) { patSettingsImpact(input: $input) {
  tokensExpiring tokensRestored tokensBlocked tokensRevokedAsUnused affectedOwners sample { ` + tokenFields + ` } } }`, false},
	{"rotatePersonalAccessToken", `mutation($id: ID!, $expiresAt: Time) { rotatePersonalAccessToken(id: $id, expiresAt: $expiresAt) {
  token personalAccessToken { ` + tokenFields + ` rotatedFrom { id } rotatedTo { id } } } }`, true},
	{"emailNotifications", `query($first: Int, $after: String) { emailNotifications(first: $first, after: $after) {
  nodes { id eventId eventType to subject text status attempts lastError createdAt finishedAt recipient { ` + userFields + ` } } ` + pageFields + ` } }`, false},
	{"webhookEndpoints", `query { webhookEndpoints { ` + webhookFields + ` } }`, false},
	{"createWebhookEndpoint", `mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { secret endpoint { ` + webhookFields + ` } } }`, true},
	{"updateWebhookEndpoint", `mutation($id: ID!, $input: UpdateWebhookEndpointInput!) { updateWebhookEndpoint(id: $id, input: $input) { ` + webhookFields + ` } }`, true},
	{"deleteWebhookEndpoint", `mutation($id: ID!) { deleteWebhookEndpoint(id: $id) }`, true},
	{"rotateWebhookSecret", `mutation($id: ID!) { rotateWebhookSecret(id: $id) { secret endpoint { ` + webhookFields + ` } } }`, true},
	{"sendTestWebhook", `mutation($id: ID!) { sendTestWebhook(id: $id) { ` + deliveryFields + ` } }`, true},
	{"redeliverWebhook", `mutation($id: ID!) { redeliverWebhook(deliveryId: $id) { ` + deliveryFields + ` } }`, true},
	{"webhookDeliveries", `query($id: ID!, $first: Int, $after: String, $filter: WebhookDeliveryFilter) {
  webhookDeliveries(endpointId: $id, first: $first, after: $after, filter: $filter) { edges { cursor node { id } } nodes { ` + deliveryFields + ` } ` + pageFields + ` } }`, false},
}

// jobFields selects every field of a RevocationJob.
const jobFields = `id state total revoked createdAt finishedAt createdBy { ` + userFields + ` }`

// loadSchema parses the contract.
func loadSchema(tb testing.TB) *ast.Schema {
	tb.Helper()
	src, err := os.ReadFile(schemaFile)
	if err != nil {
		tb.Fatalf("read schema: %v", err)
	}
	schema, err := gqlparser.LoadSchema(&ast.Source{Name: "schema.graphqls", Input: string(src)})
	if err != nil {
		tb.Fatalf("load schema: %v", err)
	}
	return schema
}

// errorCodes returns the values of the schema's ErrorCode enum: the only
// codes a response may carry.
func errorCodes(tb testing.TB, schema *ast.Schema) map[string]bool {
	tb.Helper()
	enum := schema.Types["ErrorCode"]
	if enum == nil || enum.Kind != ast.Enum {
		tb.Fatalf("schema has no ErrorCode enum")
	}
	codes := map[string]bool{}
	for _, v := range enum.EnumValues {
		codes[v.Name] = true
	}
	return codes
}

// TestOperationsCoverSchema: every root field of the schema (queries and
// mutations) is sent by some fuzzed operation, and every operation is
// valid against the schema, so a new or renamed field cannot escape the
// fuzzer.
func TestOperationsCoverSchema(t *testing.T) {
	schema := loadSchema(t)
	covered := map[string]bool{}
	for _, op := range operations {
		doc, errs := gqlparser.LoadQueryWithRules(schema, op.document, rules.NewDefaultRules())
		if len(errs) > 0 {
			t.Errorf("operation %s: got %v, want a valid document", op.name, errs)
			continue
		}
		if got := len(doc.Operations); got != 1 {
			t.Errorf("operation %s: got %d operations, want 1", op.name, got)
			continue
		}
		if got, want := doc.Operations[0].Operation == ast.Mutation, op.mutation; got != want {
			t.Errorf("operation %s: got mutation %v, want %v", op.name, got, want)
		}
		for _, sel := range doc.Operations[0].SelectionSet {
			if f, ok := sel.(*ast.Field); ok {
				covered[f.Name] = true
			}
		}
	}
	for _, root := range []*ast.Definition{schema.Query, schema.Mutation} {
		if root == nil {
			continue
		}
		for _, f := range root.Fields {
			if !covered[f.Name] && !slices.Contains([]string{"__schema", "__type", "__typename"}, f.Name) {
				t.Errorf("%s.%s: no fuzzed operation sends it; add a line to operations", root.Name, f.Name)
			}
		}
	}
}
