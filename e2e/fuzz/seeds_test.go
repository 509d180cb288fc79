package fuzz

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
)

// variableSeeds are variables worth starting from, per operation name; the
// first of each is valid and is also sent as every caller. Placeholders
// (@ADMIN_ID, @MEMBER_SECRET, @OTHER_ID, @CURSOR, @FUTURE, ...: see
// target.seed and target.replace) stand for the fixture's values.
var variableSeeds = map[string][]string{
	"webhookEndpoints":   {`{}`},
	"emailNotifications": {`{"first":10}`, `{"first":0}`, `{"after":"@CURSOR"}`},
	"rotatePersonalAccessToken": {
		`{"id":"@OTHER_ID"}`, `{"id":""}`, `{"id":"x","expiresAt":"@FUTURE"}`, `{"id":"x","expiresAt":"not a time"}`,
	},
	"createWebhookEndpoint": {
		`{"input":{"url":"http://127.0.0.1:9/fuzz","eventTypes":["TOKEN_CREATED"]}}`,
		`{"input":{"url":"https://169.254.169.254/latest","eventTypes":["TOKEN_CREATED"]}}`,
		`{"input":{"url":"","eventTypes":[]}}`,
		`{"input":{"url":"javascript:alert(1)","eventTypes":["TOKEN_REVOKED"]}}`,
	},
	"updateWebhookEndpoint": {`{"id":"@OTHER_ID","input":{"url":"https://x.example"}}`, `{"id":"","input":{}}`},
	"deleteWebhookEndpoint": {`{"id":"@OTHER_ID"}`, `{"id":""}`},
	"rotateWebhookSecret":   {`{"id":"@OTHER_ID"}`},
	"sendTestWebhook":       {`{"id":"@OTHER_ID"}`},
	"redeliverWebhook":      {`{"id":"@OTHER_ID"}`},
	"webhookDeliveries":     {`{"id":"@OTHER_ID","first":1}`, `{"id":"x","first":0}`, `{"id":"x","first":101}`},
	"patSettingsImpact": {
		`{"input":{"maxLifespanDays":30}}`,
		`{"input":{"enabled":false,"revokeUnusedAfterDays":90}}`,
		`{"input":{"revokeUnusedAfterDays":6}}`,
		`{"input":{"revokeUnusedAfterDays":731}}`,
		`{"input":{}}`,
	},
	"updatePatSettings": {
		`{"input":{"revokeUnusedAfterDays":7}}`,
		`{"input":{"revokeUnusedAfterDays":0}}`,
		`{"input":{"revokeUnusedAfterDays":-1}}`,
		`{"input":{"enabled":true,"maxLifespanDays":30}}`,
		`{"input":{"enabled":false}}`,
		`{"input":{"maxLifespanDays":1}}`,
		`{"input":{"maxLifespanDays":730}}`,
		`{"input":{"maxLifespanDays":0}}`,
		`{"input":{"maxLifespanDays":731}}`,
		`{"input":{"maxLifespanDays":-2147483648}}`,
		`{"input":{"maxLifespanDays":2147483648}}`,
		`{"input":{"maxLifespanDays":1e3}}`,
		`{"input":{"maxLifespanDays":30.5}}`,
		`{"input":{"maxLifespanDays":"30"}}`,
		`{"input":{}}`,
		`{"input":{"enabled":null,"maxLifespanDays":null}}`,
		`{"input":{"enabled":"true"}}`,
		`{"input":{"enabled":true,"organization":"@ORG"}}`,
		`{"input":[{"enabled":true}]}`,
	},
	"revokeTokens": {
		`{"ids":["@MEMBER_ID"]}`,
		`{"ids":["@ADMIN_ID"]}`,
		`{"ids":["@MEMBER_ID","@REVOKED_ID"]}`,
		`{"ids":"@MEMBER_ID"}`,
		`{"ids":["@OTHER_ID"]}`,
		`{"ids":["@MEMBER_ID","@OTHER_ID"]}`,
		`{"ids":["@REVOKED_ID","@REVOKED_ID"]}`,
		`{"ids":["@MEMBER_SECRET"]}`,
		`{"ids":[]}`,
		`{"ids":[null]}`,
		`{"ids":[1,2.5,true]}`,
		`{"ids":[9007199254740993]}`,
		`{"ids":[""]}`,
		`{"ids":["' OR '1'='1"]}`,
		`{"ids":["%","_","\\","!"]}`,
		`{"ids":["\u0000","\ud800","🔑"]}`,
		`{"ids":[["@ADMIN_ID"]]}`,
	},
	"tokenRevocationPreview": {
		`{"filter":{"ownerIds":["@MEMBER_ID"]}}`,
		`{"filter":{}}`,
		`{"filter":{"status":["REVOKED"],"neverUsed":true}}`,
		`{"filter":{"ownerIds":["@OTHER_ID"],"search":"%_"}}`,
	},
	"revokeTokensMatching": {
		`{"filter":{"ownerIds":["@MEMBER_ID"]},"confirmation":"AAAA"}`,
		`{"filter":{},"confirmation":""}`,
		`{"filter":{"status":[]},"confirmation":"@CURSOR"}`,
	},
	"revocationJob": {
		`{"id":"01J00000000000000000000000"}`,
		`{"id":""}`,
		`{"id":"\u0000"}`,
	},
	"revokeTokensByValue": {
		`{"tokens":["@MEMBER_SECRET","@MEMBER_SECRET","Bearer @ADMIN_SECRET"]}`,
		`{"tokens":[" \t@REVOKED_SECRET\n","@OTHER_SECRET","opat_"]}`,
		`{"tokens":[]}`,
		`{"tokens":[""]}`,
		`{"tokens":null}`,
		`{"tokens":"@MEMBER_SECRET"}`,
		`{"tokens":[123,true,null]}`,
		`{"tokens":[["@MEMBER_SECRET"]]}`,
		`{"tokens":["\u0000@MEMBER_SECRET","ОРАТ_кириллица","@MEMBER_ID"]}`,
	},
	"revokeTokenByValue": {
		`{"token":"@MEMBER_SECRET"}`,
		`{"token":"Bearer @ADMIN_SECRET"}`,
		`{"token":" \t@REVOKED_SECRET\n"}`,
		`{"token":"@OTHER_SECRET"}`,
		`{"token":"bearer @MEMBER_SECRET"}`,
		`{"token":"Bearer Bearer @MEMBER_SECRET"}`,
		`{"token":"BEARER\t@MEMBER_SECRET"}`,
		`{"token":"opat_0000000000000000000000000000000000000000000000000"}`,
		`{"token":"opat_"}`,
		`{"token":"OPAT_"}`,
		`{"token":""}`,
		`{"token":"Bearer "}`,
		`{"token":"@MEMBER_ID"}`,
		`{"token":"\u0000@MEMBER_SECRET"}`,
		`{"token":"@MEMBER_SECRET\u0000"}`,
		`{"token":"ОРАТ_кириллица"}`,
		`{"token":123}`,
		`{"token":null}`,
		`{"token":["@MEMBER_SECRET"]}`,
	},
	"createPersonalAccessToken": {
		`{"input":{"name":"ci","scopes":["OR.Jobs"]}}`,
		`{"input":{"name":"ci","scopes":["OR.Queues.Read","OR.Jobs"],"expiresAt":"@FUTURE"}}`,
		`{"input":{"name":"ci","scopes":["OR.Jobs"],"expiresAt":"@PAST"}}`,
		`{"input":{"name":"ci","scopes":["OR.Jobs"],"expiresAt":"2026-02-30T00:00:00Z"}}`,
		`{"input":{"name":"ci","scopes":["OR.Jobs"],"expiresAt":"not a time"}}`,
		`{"input":{"name":"ci","scopes":["OR.Jobs"],"expiresAt":"9999-12-31T23:59:59.999999999Z"}}`,
		`{"input":{"name":"ci","scopes":["OR.Jobs"],"expiresAt":"0001-01-01T00:00:00Z"}}`,
		`{"input":{"name":"ci","scopes":["OR.Jobs"],"expiresAt":"2026-01-01T00:00:00+25:00"}}`,
		`{"input":{"name":"ci","scopes":["OR.Jobs"],"expiresAt":1700000000}}`,
		`{"input":{"name":"ci","scopes":["OR.Jobs"],"expiresAt":""}}`,
		`{"input":{"name":"ci","scopes":["OR.Jobs"],"expiresAt":null}}`,
		`{"input":{"name":"","scopes":["OR.Jobs"]}}`,
		`{"input":{"name":" \t\n ","scopes":["OR.Jobs"]}}`,
		`{"input":{"name":"` + strings.Repeat("n", 101) + `","scopes":["OR.Jobs"]}}`,
		`{"input":{"name":"` + strings.Repeat("é", 100) + `","scopes":["OR.Jobs"]}}`,
		`{"input":{"name":"` + strings.Repeat("🔑", 100) + `","scopes":["OR.Jobs"]}}`,
		`{"input":{"name":"a\u0000b","scopes":["OR.Jobs"]}}`,
		`{"input":{"name":"a\u0007b","scopes":["OR.Jobs"]}}`,
		`{"input":{"name":"\u202egnp.exe","scopes":["OR.Jobs"]}}`,
		`{"input":{"name":"\ud800","scopes":["OR.Jobs"]}}`,
		`{"input":{"name":"Robert'); DROP TABLE tokens;--","scopes":["OR.Jobs"]}}`,
		`{"input":{"name":"%_\\'\"","scopes":["OR.Jobs"]}}`,
		`{"input":{"name":"ci","scopes":[]}}`,
		`{"input":{"name":"ci","scopes":["OR.JOBS"]}}`,
		`{"input":{"name":"ci","scopes":["nope"]}}`,
		`{"input":{"name":"ci","scopes":[" OR.Jobs"]}}`,
		`{"input":{"name":"ci","scopes":["OR.Jobs","OR.Jobs"]}}`,
		`{"input":{"name":"ci","scopes":[""]}}`,
		`{"input":{"name":"ci","scopes":[null]}}`,
		`{"input":{"name":"ci","scopes":"OR.Jobs"}}`,
		`{"input":{"name":"ci","scopes":["OR.Jobs\u0000"]}}`,
		`{"input":{"scopes":["OR.Jobs"]}}`,
		`{"input":{"name":"ci"}}`,
		`{"input":{"name":"ci","scopes":["OR.Jobs"],"owner":"fuzz-admin"}}`,
	},
	"personalAccessTokens": {
		`{"first":1}`,
		`{"first":100}`,
		`{"first":0}`,
		`{"first":101}`,
		`{"first":-1}`,
		`{"first":2147483647}`,
		`{"first":-2147483648}`,
		`{"first":2147483648}`,
		`{"first":null}`,
		`{"first":1,"after":"@CURSOR"}`,
		`{"after":"@CURSOR","orderBy":{"field":"NAME","direction":"ASC"}}`,
		`{"after":"@CURSOR","filter":{"search":"fuzz"}}`,
		`{"after":"@AUDIT_CURSOR"}`,
		`{"after":""}`,
		`{"after":"garbage"}`,
		`{"filter":{"status":["ACTIVE","EXPIRED","REVOKED"],"ownerIds":["fuzz-member"],"search":"fuzz","scopes":["OR.Jobs"],"expiresBefore":"@FUTURE","expiresAfter":"@PAST","lastUsedBefore":"@FUTURE","neverUsed":true}}`,
		`{"filter":{"status":[]}}`,
		`{"filter":{"ownerIds":[]}}`,
		`{"filter":{"status":["DELETED"]}}`,
		`{"filter":{"search":"%"}}`,
		`{"filter":{"search":"_"}}`,
		`{"filter":{"search":"\\"}}`,
		`{"filter":{"search":"!%"}}`,
		`{"filter":{"search":"' OR 1=1 --"}}`,
		`{"filter":{"search":"\u0000"}}`,
		`{"filter":{"search":"İß"}}`,
		`{"filter":{"search":""}}`,
		`{"filter":{"scopes":["OR.Jobs"," "]}}`,
		`{"filter":{"scopes":[]}}`,
		`{"filter":{"ownerIds":["@OTHER_ID","bystander-fuzz-admin"]}}`,
		`{"filter":{"expiresBefore":"0001-01-01T00:00:00Z","expiresAfter":"9999-12-31T23:59:59Z"}}`,
		`{"filter":{"lastUsedBefore":"not a time"}}`,
		`{"filter":{"neverUsed":false}}`,
		`{"orderBy":{"field":"CREATED_AT","direction":"ASC"}}`,
		`{"orderBy":{"field":"EXPIRES_AT","direction":"DESC"}}`,
		`{"orderBy":{"field":"LAST_USED_AT","direction":"ASC"}}`,
		`{"orderBy":{"field":"NAME","direction":"DESC"}}`,
		`{"orderBy":{"field":"NAME"}}`,
		`{"orderBy":{"field":"ID","direction":"ASC"}}`,
		`{"orderBy":null}`,
	},
	"auditEvents": {
		`{"first":10}`,
		`{"first":1,"after":"@AUDIT_CURSOR"}`,
		`{"after":"@CURSOR"}`,
		`{"first":0}`,
		`{"first":101}`,
		`{"filter":{"actions":["TOKEN_CREATED","TOKEN_REVOKED","SETTINGS_UPDATED"],"actorIds":["fuzz-admin"],"tokenIds":["@ADMIN_ID"],"since":"@PAST","until":"@FUTURE"}}`,
		`{"filter":{"actions":[]}}`,
		`{"filter":{"tokenIds":["@OTHER_ID"]}}`,
		`{"filter":{"since":"@FUTURE","until":"@PAST"}}`,
		`{"filter":{"actorIds":["%","bystander-fuzz-admin"]}}`,
		`{"filter":{"since":"0000-01-01T00:00:00Z"}}`,
	},
	"users": {
		`{"first":10}`,
		`{"first":1,"after":"@CURSOR"}`,
		`{"first":0}`,
		`{"first":101}`,
		`{"search":"fuzz"}`,
		`{"search":"%_"}`,
		`{"search":""}`,
		`{"search":"bystander"}`,
	},
	"argumentless": {`{}`},
}

// genericVariableSeeds are sent to every operation: wrong shapes, nulls,
// huge numbers, deep nesting, unicode and very long strings.
func genericVariableSeeds() []string {
	deep := func(open, close string, n int) string {
		return strings.Repeat(open, n) + `1` + strings.Repeat(close, n)
	}
	return []string{
		``,
		`null`,
		`{}`,
		`[]`,
		`"x"`,
		`0`,
		`{"input":null,"ids":null,"token":null,"first":null,"after":null,"filter":null,"orderBy":null}`,
		`{"input":{"input":{"input":{}}}}`,
		`{"first":1e999,"input":{"maxLifespanDays":-1e999}}`,
		`{"first":1.0,"ids":{"0":"@ADMIN_ID"},"token":{"$ne":null}}`,
		`{"first":"1","after":1,"filter":"ACTIVE"}`,
		`{"input":`,
		`{"token":"@MEMBER_SECRET","token":null}`,
		"\xff\xfe{\"token\":\"\xff\"}",
		`{"input":` + deep(`{"a":`, `}`, 500) + `,"ids":` + deep(`[`, `]`, 500) + `}`,
		`{"token":"🔑 ключ 鍵 \u202e\u0301","input":{"name":"日本語のトークン","scopes":["OR.Jobs"]},"filter":{"search":"日本"}}`,
		`{"token":"` + strings.Repeat("A", 1<<13) + `","ids":["` + strings.Repeat("9", 1<<12) + `"],"after":"` + strings.Repeat("Q", 1<<12) + `"}`,
		`{"ids":[` + strings.TrimSuffix(strings.Repeat(`"@MEMBER_ID",`, 1001), ",") + `],"input":{"name":"ci","scopes":[` + strings.TrimSuffix(strings.Repeat(`"OR.Jobs",`, 1000), ",") + `]}}`,
	}
}

// requestSeed is one input of FuzzGraphQLRequest.
type requestSeed struct {
	caller  uint8
	headers string
	body    string
}

// requestSeeds are whole bodies and headers worth starting from.
func requestSeeds() []requestSeed {
	q := func(query string) string {
		b, _ := json.Marshal(map[string]string{"query": query})
		return string(b)
	}
	valid := q(`{ viewer { id } }`)
	hash := sha256.Sum256([]byte(`{ viewer { id } }`))
	apq := func(version, h any, withQuery bool) string {
		body := map[string]any{"extensions": map[string]any{"persistedQuery": map[string]any{"version": version, "sha256Hash": h}}}
		if withQuery {
			body["query"] = `{ viewer { id } }`
		}
		b, _ := json.Marshal(body)
		return string(b)
	}
	aliases := "{"
	for i := range 21 {
		aliases += fmt.Sprintf(" a%d: viewer { id }", i)
	}
	aliases += " }"
	var seeds []requestSeed
	for i, op := range operations {
		vars := variableSeeds[op.name][0]
		for c := range callers {
			seeds = append(seeds, requestSeed{uint8(c), "", string(operationBody(op.document, vars))})
		}
		if i == 3 { // token creation stores the User-Agent in the audit trail
			for _, ua := range []string{
				"\xff\xfe" + strings.Repeat("é", 300),
				strings.Repeat("a", 511) + "é",
				strings.Repeat("🔑", 200),
				"Mozilla/5.0 '); DROP TABLE audit_events;--",
			} {
				seeds = append(seeds, requestSeed{0, "User-Agent: " + ua + "\nX-Forwarded-For: 203.0.113.7, ::1, garbage, 999.1.1.1\nX-Real-IP: not-an-ip", string(operationBody(op.document, vars))})
			}
		}
	}
	for _, h := range []string{
		"Content-Type: text/plain",
		"Content-Type: application/graphql",
		"Content-Type: application/json; charset=utf-16",
		"Content-Type: multipart/form-data; boundary=x",
		"Content-Type: application/x-www-form-urlencoded",
		"Content-Type:",
		"X-Request-ID: forged\tvalue\nAccept: text/html",
		"X-Request-ID: " + strings.Repeat("a", 65),
		"Forwarded: for=\"[::1]:80\";proto=https\nContent-Encoding: gzip",
		"Accept: application/graphql-response+json",
		"Accept: text/html, application/xhtml+xml",
		"Upgrade: websocket",
	} {
		seeds = append(seeds, requestSeed{0, h, valid})
	}
	seeds = append(seeds,
		requestSeed{0, "Accept: application/graphql-response+json", q(`{ nope }`)},
		requestSeed{0, "Accept: text/html", `{"query":"query($x: Int) { personalAccessTokens(first: $x) { totalCount } }","variables":{"x":"a"}}`},
	)
	for _, b := range []string{
		`{"query":"query Q { viewer { id } } query R { availableScopes }","operationName":"R"}`,
		`{"query":"query Q { viewer { id } } query R { availableScopes }","operationName":"Nope"}`,
		`{"query":"query Q { viewer { id } }","operationName":5}`,
		q(`query Q { viewer { id } } query R { availableScopes }`),
		q(`mutation { a: createPersonalAccessToken(input: {name: "a", scopes: ["OR.Jobs"]}) { token } b: updatePatSettings(input: {}) { enabled } }`),
		q(`mutation { revokeTokenByValue(token: "@MEMBER_SECRET") { outcome } revokeTokens(ids: ["@MEMBER_ID"]) { revokedCount } }`),
		q(`mutation { updatePatSettings(input: {maxLifespanDays: 99999999999999999999}) { enabled } }`),
		q(`{ personalAccessTokens(first: 99999999999999999999) { totalCount } }`),
		q(`{ personalAccessTokens(first: 1.5) { totalCount } }`),
		q(`{ personalAccessTokens(filter: {expiresBefore: "garbage"}) { totalCount } }`),
		q(`{ personalAccessTokens(filter: {expiresBefore: 5}) { totalCount } }`),
		q(`{ personalAccessTokens(after: "@CURSOR", first: 1) { nodes { id } } }`),
		q(`{ __schema { types { name } } }`),
		q(`{ __type(name: "ErrorCode") { enumValues { name } } }`),
		q(`{ __typename }`),
		q(`subscription { viewer { id } }`),
		q(`{ viewer { ...A } } fragment A on User { ...B } fragment B on User { ...A }`),
		q(`{ viewer @include(if: "yes") { id } }`),
		q(`query($x: Int = "a") { personalAccessTokens(first: $x) { totalCount } }`),
		`{"query":"query($x: Int) { personalAccessTokens(first: $x) { totalCount } }","variables":{"x":1e100}}`,
		`{"query":"query($t: Time) { personalAccessTokens(filter: {expiresBefore: $t}) { totalCount } }","variables":{"t":"nope"}}`,
		`{"query":"query($t: Time!) { personalAccessTokens(filter: {expiresBefore: $t}) { totalCount } }","variables":{"t":null}}`,
		`{"query":"query($b: Boolean!) { viewer @skip(if: $b) { id } }","variables":{"b":"no"}}`,
		q(aliases),
		q(`{ ` + strings.Repeat("viewer { id } ", 1500) + `}`),
		q(`"""unterminated`),
		q(`{ viewer { id } `),
		q("\x00"),
		q(`{ viewer(x: 1) { id } }`),
		q(`{ nope }`),
		q(`{ personalAccessTokens { edges { node { owner { id } revokedBy { id } } } } }`),
		apq(1, "0000000000000000000000000000000000000000000000000000000000000000", false),
		apq(1, hex.EncodeToString(hash[:]), true),
		apq(1, hex.EncodeToString(hash[:]), false),
		apq(1, strings.Repeat("f", 64), true),
		apq(2, hex.EncodeToString(hash[:]), true),
		apq("1", 5, true),
		`{"query":"{ viewer { id } }","extensions":{"persistedQuery":"x"}}`,
		`{"query":null}`,
		`{"query":123}`,
		`{}`,
		`{"variables":[]}`,
		`{"query":"{ viewer { id } }","variables":"x"}`,
		`{"query":"{ viewer { id } }","variables":null,"extensions":null}`,
		`{"query":"{ viewer { id } }","extensions":[]}`,
		`{"query":"{ viewer { id } }","query":"mutation { updatePatSettings(input: {enabled: false}) { enabled } }"}`,
		``,
		` `,
		`[]`,
		`[` + valid + `]`,
		`null`,
		`"x"`,
		`{`,
		valid + ` trailing`,
		valid + valid,
		"\xef\xbb\xbf" + valid,
		"\xff\xfe{\x00}\x00",
		`{"query":"` + strings.Repeat("{", 5000) + `"}`,
		`{"query":"{ viewer { id } }","variables":{"x":` + strings.Repeat("[", 10001) + strings.Repeat("]", 10001) + `}}`,
	} {
		seeds = append(seeds, requestSeed{0, "", b})
	}
	return seeds
}
