package export

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/patgov/pats/internal/seed"
	"github.com/patgov/pats/internal/store"
	"github.com/patgov/pats/internal/testenv"
)

var columns = []string{"id", "name", "owner_id", "owner_name", "owner_email", "scopes", "created_at",
	"last_used_at", "expires_at", "status", "revoked_at", "revoked_by", "revocation_source", "hint"}

// download posts body to the export endpoint as bearer.
func download(t *testing.T, env *testenv.Env, bearer, body string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, env.URL+"/export/tokens", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read the export: %v", err)
	}
	return resp, out
}

// csvRows parses an export as RFC 4180 CSV and checks its header.
func csvRows(t *testing.T, body []byte) []map[string]string {
	t.Helper()
	records, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatalf("parse CSV: %v\n%s", err, body)
	}
	if len(records) == 0 || !slices.Equal(records[0], columns) {
		t.Fatalf("CSV header: got %v, want %v", records, columns)
	}
	var out []map[string]string
	for _, r := range records[1:] {
		row := map[string]string{}
		for i, c := range columns {
			row[c] = r[i]
		}
		out = append(out, row)
	}
	return out
}

// TestExportCSV: admins download the organization's tokens (members their
// own) as RFC 4180 CSV, with every column, names that a spreadsheet would
// run as formulas defused, quotes and line breaks kept; the export is
// audited with its format and filter.
func TestExportCSV(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		org := testenv.UniqueOrg("export")
		admin, alice := env.Admin(t, org, "boss"), env.Member(t, org, "alice")
		// Names are trimmed by the API, so a tab or carriage return can lead
		// only a user's name (from the identity provider).
		bob := env.As(t, testenv.Identity{Org: org, Subject: "bob", Role: "member", Email: "bob@example.com", Name: "\t=cmd|' /C calc'!A0\nsecond line", AccountType: "local"})
		names := []string{"=HYPERLINK(\"http://x\")", "+1+1", "-2", "@SUM(A1)", `say "hi", then`, "plain"}
		byName := map[string]string{}
		for _, n := range names {
			byName[n] = alice.MustCreateToken(map[string]any{"name": n, "scopes": []string{"OR.Jobs", "OR.Queues.Read"}}).PersonalAccessToken.ID
		}
		bobs := bob.MustCreateToken(map[string]any{"name": "bob's", "scopes": []string{"OR.Jobs"}})
		admin.MustDo(`mutation($ids: [ID!]!) { revokeTokens(ids: $ids) { revokedCount } }`, map[string]any{"ids": []string{bobs.PersonalAccessToken.ID}})

		resp, body := download(t, env, admin.Bearer, `{"format":"csv","filter":{"status":["ACTIVE","EXPIRED","REVOKED"]},"orderBy":{"field":"NAME","direction":"ASC"}}`)
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/csv; charset=utf-8" ||
			!strings.HasPrefix(resp.Header.Get("Content-Disposition"), `attachment; filename="tokens-`) ||
			resp.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("export: got HTTP %d, headers %v: %s", resp.StatusCode, resp.Header, body)
		}
		rows := csvRows(t, body)
		if len(rows) != len(names)+1 {
			t.Fatalf("rows: got %d, want %d (every token of the organization)", len(rows), len(names)+1)
		}
		got := map[string]map[string]string{}
		for _, r := range rows {
			got[r["id"]] = r
		}
		for n, id := range byName {
			r := got[id]
			want := n
			if strings.ContainsRune("=+-@\t\r", rune(n[0])) {
				want = "'" + n
			}
			if r["name"] != want {
				t.Errorf("name %q: got cell %q, want %q", n, r["name"], want)
			}
			if r["owner_id"] != "alice" || r["owner_email"] != "alice@example.test" || r["scopes"] != "OR.Jobs OR.Queues.Read" ||
				r["status"] != "ACTIVE" || r["created_at"] == "" || r["expires_at"] == "" || r["revoked_at"] != "" || !strings.HasPrefix(r["hint"], "opat_") {
				t.Errorf("token %q: got %v", n, r)
			}
		}
		if r := got[bobs.PersonalAccessToken.ID]; r["status"] != "REVOKED" || r["revoked_by"] != "boss" || r["revocation_source"] != "ADMIN" || r["revoked_at"] == "" {
			t.Errorf("revoked token: got %v, want REVOKED by boss (ADMIN)", r)
		}
		if r := got[bobs.PersonalAccessToken.ID]; r["owner_name"] != "'\t=cmd|' /C calc'!A0\nsecond line" {
			t.Errorf("an owner name that a spreadsheet would run: got cell %q, want it quoted", r["owner_name"])
		}
		// NAME ascending: by the lower-cased name (the defusing quote is not
		// part of it), as the inventory orders.
		wantOrder := slices.Clone(append(names, "bob's"))
		slices.SortFunc(wantOrder, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) })
		for i, n := range wantOrder {
			id := byName[n]
			if n == "bob's" {
				id = bobs.PersonalAccessToken.ID
			}
			if rows[i]["id"] != id {
				t.Errorf("row %d: got %s (%q), want %s (%q): not in NAME order", i, rows[i]["id"], rows[i]["name"], id, n)
			}
		}
		if n := strings.Count(string(body), "opat_"); n != len(rows) {
			t.Errorf("the export mentions opat_ %d times, want once per row (the hint): no secret", n)
		}

		_, mine := download(t, env, bob.Bearer, `{"format":"csv","filter":{"status":["REVOKED"]}}`)
		if own := csvRows(t, mine); len(own) != 1 || own[0]["id"] != bobs.PersonalAccessToken.ID {
			t.Errorf("a member's export: got %v, want only their own token", own)
		}

		var trail struct {
			AuditEvents testenv.Connection[struct {
				Actor  struct{ ID string }
				Export *struct{ Format, Filter string }
			}]
		}
		admin.MustDoInto(`{ auditEvents(filter: { actions: [TOKENS_EXPORTED] }) { nodes { actor { id } export { format filter } } } }`, nil, &trail)
		events := trail.AuditEvents.Nodes
		if len(events) != 2 || events[0].Actor.ID != "bob" || events[1].Actor.ID != "boss" || events[1].Export == nil ||
			events[1].Export.Format != "csv" || !strings.Contains(events[1].Export.Filter, `"status":["ACTIVE","EXPIRED","REVOKED"]`) ||
			!strings.Contains(events[1].Export.Filter, `"field":"NAME"`) {
			t.Errorf("audit: got %+v, want bob's then boss's export, with format and filter", events)
		}
	})
}

// TestExportNDJSONAcrossBatches: a large organization's export streams
// every matching token once, in the list's order, across the export's
// internal batches, as one JSON object per line.
func TestExportNDJSONAcrossBatches(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		org := testenv.UniqueOrg("export-big")
		const tokens = 1234
		if err := seed.Run(context.Background(), store.New(env.DB.DB, env.DB.Dialect), seed.Options{
			Org: org, Users: 30, Tokens: tokens, Batch: 500, Writers: 1, Now: env.Clock.Now(), Seed: 3,
		}, &strings.Builder{}); err != nil {
			t.Fatalf("seed: %v", err)
		}
		admin := env.Admin(t, org, "export-admin")
		resp, body := download(t, env, admin.Bearer, `{"format":"ndjson","filter":{"status":["ACTIVE","EXPIRED","REVOKED"]},"orderBy":{"field":"EXPIRES_AT","direction":"DESC"}}`)
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/x-ndjson" {
			t.Fatalf("export: got HTTP %d %v", resp.StatusCode, resp.Header)
		}
		var ids []string
		prev := "9999"
		// The owners' names come from the first batch that names them (the
		// export keeps its users between batches): the same on every row,
		// on either side of a batch's end.
		owners := map[string]string{}
		sc := bufio.NewScanner(bytes.NewReader(body))
		for sc.Scan() {
			var row map[string]string
			if err := json.Unmarshal(sc.Bytes(), &row); err != nil || len(row) != len(columns) {
				t.Fatalf("line %d: got %s (%v), want an object of the %d columns", len(ids)+1, sc.Bytes(), err, len(columns))
			}
			if row["expires_at"] > prev {
				t.Fatalf("line %d: expires_at %s after %s, want descending", len(ids)+1, row["expires_at"], prev)
			}
			prev = row["expires_at"]
			ids = append(ids, row["id"])
			owner := row["owner_name"] + " <" + row["owner_email"] + ">"
			if row["owner_id"] == "" || row["owner_name"] == "" || row["owner_email"] == "" {
				t.Fatalf("line %d: got owner %q %s, want the owner's subject, name and email", len(ids), row["owner_id"], owner)
			}
			if seen, ok := owners[row["owner_id"]]; ok && seen != owner {
				t.Fatalf("line %d: owner %s is %s, was %s on an earlier line", len(ids), row["owner_id"], owner, seen)
			}
			owners[row["owner_id"]] = owner
		}
		sorted := slices.Clone(ids)
		slices.Sort(sorted)
		if len(ids) != tokens || len(slices.Compact(sorted)) != tokens {
			t.Fatalf("exported %d rows (%d distinct), want each of the %d tokens once", len(ids), len(slices.Compact(sorted)), tokens)
		}
		if len(owners) < 20 {
			t.Fatalf("exported tokens of %d owners, want most of the 30 seeded users", len(owners))
		}
	})
}

// TestExportRefusals: bad input is answered as GraphQL answers it (HTTP
// 400 with the same codes), before any row.
func TestExportRefusals(t *testing.T) {
	testenv.ForEachDialect(t, func(t *testing.T, env *testenv.Env) {
		org := testenv.UniqueOrg("export-refuse")
		admin := env.Admin(t, org, "boss")
		tooMany := `["` + strings.Repeat(`u", "`, 1000) + `u"]`
		for _, tc := range []struct {
			name, bearer, body string
			status             int
			code               string
		}{
			{"no session", "", `{"format":"csv"}`, http.StatusUnauthorized, "UNAUTHENTICATED"},
			{"unknown format", admin.Bearer, `{"format":"xlsx"}`, http.StatusBadRequest, "BAD_USER_INPUT"},
			{"no format", admin.Bearer, `{}`, http.StatusBadRequest, "BAD_USER_INPUT"},
			{"unknown field", admin.Bearer, `{"format":"csv","filter":{"owner":"x"}}`, http.StatusBadRequest, "BAD_USER_INPUT"},
			{"bad status", admin.Bearer, `{"format":"csv","filter":{"status":["GONE"]}}`, http.StatusBadRequest, "BAD_USER_INPUT"},
			{"bad time", admin.Bearer, `{"format":"csv","filter":{"expiresBefore":"yesterday"}}`, http.StatusBadRequest, "BAD_USER_INPUT"},
			{"bad order", admin.Bearer, `{"format":"csv","orderBy":{"field":"OWNER","direction":"ASC"}}`, http.StatusBadRequest, "BAD_USER_INPUT"},
			{"too many owners", admin.Bearer, `{"format":"csv","filter":{"ownerIds":` + tooMany + `}}`, http.StatusBadRequest, "BAD_USER_INPUT"},
			{"wrong type", admin.Bearer, `{"format":7}`, http.StatusBadRequest, "BAD_USER_INPUT"},
			{"repeated key", admin.Bearer, `{"format":"csv","format":"ndjson"}`, http.StatusBadRequest, "BAD_REQUEST"},
			{"repeated key in another case", admin.Bearer, `{"format":"csv","FORMAT":"ndjson"}`, http.StatusBadRequest, "BAD_REQUEST"},
			{"not JSON", admin.Bearer, `format=csv`, http.StatusBadRequest, "BAD_REQUEST"},
		} {
			resp, body := download(t, env, tc.bearer, tc.body)
			r := testenv.NewResponse(t, resp.StatusCode, resp.Header, body)
			if resp.StatusCode != tc.status || r.Code() != tc.code {
				t.Errorf("%s: got HTTP %d %s, want %d %s", tc.name, resp.StatusCode, body, tc.status, tc.code)
			}
		}
		if n := env.AuditRows(t, org); n != 0 {
			t.Errorf("refused exports wrote %d audit events, want 0", n)
		}
	})
}
