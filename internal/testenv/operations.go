package testenv

// The operations most end-to-end tests need, with one selection each so
// that a decoded Token or Settings has every field filled.

// TokenFields selects every non-secret field of a PersonalAccessToken.
const TokenFields = `id name scopes createdAt expiresAt lastUsedAt status revokedAt revocationSource hint
  owner { id email name accountType }
  revokedBy { id email name accountType }`

// CreateMutation creates a token from $input.
const CreateMutation = `mutation Create($input: CreatePersonalAccessTokenInput!) {
  createPersonalAccessToken(input: $input) { token personalAccessToken { ` + TokenFields + ` } } }`

// SettingsFields selects every field of OrganizationPatSettings.
const SettingsFields = `enabled maxLifespanDays revokeUnusedAfterDays updatedAt updatedBy { id email name accountType }`

// SettingsQuery reads the organization's policy.
const SettingsQuery = `{ organizationPatSettings { ` + SettingsFields + ` } }`

// UpdateSettingsMutation changes the organization's policy to $input.
const UpdateSettingsMutation = `mutation Settings($input: UpdatePatSettingsInput!) {
  updatePatSettings(input: $input) { ` + SettingsFields + ` } }`

// CreateToken asks the API to create a token from input, errors and all.
func (c *Client) CreateToken(input map[string]any) *Response {
	c.t.Helper()
	return c.Do(CreateMutation, map[string]any{"input": input})
}

// MustCreateToken creates a token from input, failing the test on any error.
func (c *Client) MustCreateToken(input map[string]any) CreatePayload {
	c.t.Helper()
	var out struct{ CreatePersonalAccessToken CreatePayload }
	c.MustDoInto(CreateMutation, map[string]any{"input": input}, &out)
	return out.CreatePersonalAccessToken
}

// Settings reads the organization's policy, failing the test on any error.
func (c *Client) Settings() Settings {
	c.t.Helper()
	var out struct{ OrganizationPatSettings Settings }
	c.MustDoInto(SettingsQuery, nil, &out)
	return out.OrganizationPatSettings
}

// UpdateSettings asks the API to change the policy to input, errors and all.
func (c *Client) UpdateSettings(input map[string]any) *Response {
	c.t.Helper()
	return c.Do(UpdateSettingsMutation, map[string]any{"input": input})
}

// MustUpdateSettings changes the policy to input and returns the new
// settings, failing the test on any error.
func (c *Client) MustUpdateSettings(input map[string]any) Settings {
	c.t.Helper()
	var out struct{ UpdatePatSettings Settings }
	c.MustDoInto(UpdateSettingsMutation, map[string]any{"input": input}, &out)
	return out.UpdatePatSettings
}

// RevocationJobFields selects every field of a RevocationJob.
const RevocationJobFields = `id state total revoked createdAt finishedAt createdBy { id email name accountType }`

// PreviewQuery previews the revocation of the tokens matching $filter.
const PreviewQuery = `query Preview($filter: PersonalAccessTokenFilter!) {
  tokenRevocationPreview(filter: $filter) { matchingCount ownerCount confirmation expiresAt sample { ` + TokenFields + ` } } }`

// RevokeMatchingMutation revokes the tokens matching $filter, confirmed.
const RevokeMatchingMutation = `mutation RevokeMatching($filter: PersonalAccessTokenFilter!, $confirmation: String!) {
  revokeTokensMatching(filter: $filter, confirmation: $confirmation) { ` + RevocationJobFields + ` } }`

// RevocationJobQuery reads the revocation job $id.
const RevocationJobQuery = `query Job($id: ID!) { revocationJob(id: $id) { ` + RevocationJobFields + ` } }`

// MustPreview previews the revocation of filter's tokens, failing the test
// on any error.
func (c *Client) MustPreview(filter map[string]any) RevocationPreview {
	c.t.Helper()
	var out struct{ TokenRevocationPreview RevocationPreview }
	c.MustDoInto(PreviewQuery, map[string]any{"filter": filter}, &out)
	return out.TokenRevocationPreview
}

// RevokeMatching asks the API to revoke filter's tokens, errors and all.
func (c *Client) RevokeMatching(filter map[string]any, confirmation string) *Response {
	c.t.Helper()
	return c.Do(RevokeMatchingMutation, map[string]any{"filter": filter, "confirmation": confirmation})
}

// MustRevokeMatching revokes filter's tokens, failing the test on any
// error.
func (c *Client) MustRevokeMatching(filter map[string]any, confirmation string) RevocationJob {
	c.t.Helper()
	var out struct{ RevokeTokensMatching RevocationJob }
	c.MustDoInto(RevokeMatchingMutation, map[string]any{"filter": filter, "confirmation": confirmation}, &out)
	return out.RevokeTokensMatching
}

// RevocationJob reads a revocation job (nil: none), failing the test on
// any error.
func (c *Client) RevocationJob(id string) *RevocationJob {
	c.t.Helper()
	var out struct{ RevocationJob *RevocationJob }
	c.MustDoInto(RevocationJobQuery, map[string]any{"id": id}, &out)
	return out.RevocationJob
}
