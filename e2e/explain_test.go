package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/golang-jwt/jwt/v5"
	"gorm.io/gorm"

	"github.com/patgov/pats/internal/auth"
	"github.com/patgov/pats/internal/entity"
	"github.com/patgov/pats/internal/pat"
	"github.com/patgov/pats/internal/seed"
	"github.com/patgov/pats/internal/store"
	"github.com/patgov/pats/internal/testenv"
	"github.com/patgov/pats/model"
)

// TestKeysetPlansOnMySQL proves, on MySQL/MariaDB, that a page deep in a
// large organization's inventory costs what the first page costs, for
// every order field and direction: EXPLAIN must show a range scan of the
// order field's index for the page's IDs (not a prefix-only ref plan that
// reads every row before the cursor, nor a sort), and the handler
// counters must show that the page read about a page of index entries.
func TestKeysetPlansOnMySQL(t *testing.T) {
	if !containsString(testenv.Dialects(t), "mysql") {
		t.Skip("MySQL only: set PATS_TEST_MYSQL_DSN")
	}
	env := testenv.New(t, "mysql")
	ctx := context.Background()
	org := testenv.UniqueOrg("explain")
	const tokens, deep = 12_000, 8_000
	if err := seed.Run(ctx, store.New(env.DB.DB, env.DB.Dialect), seed.Options{
		Org: org, Users: 40, Tokens: tokens, Batch: 2000, Writers: 2, Now: env.Clock.Now(), Seed: 7,
	}, &strings.Builder{}); err != nil {
		t.Fatalf("seed: %v", err)
	}
	if err := env.DB.Exec("ANALYZE TABLE personal_access_tokens").Error; err != nil {
		t.Fatalf("analyze: %v", err)
	}
	admin := principal(t, env, org)

	check := func(t *testing.T, order pat.TokenOrderField, desc bool, deep int) {
		req := pat.ListRequest{PageRequest: pat.PageRequest{First: testenv.Ptr(100)}, Order: &pat.TokenOrder{Field: order, Descending: desc},
			Filter: &pat.TokenFilter{Statuses: []entity.TokenStatus{entity.TokenStatusActive, entity.TokenStatusExpired, entity.TokenStatusRevoked}}}
		for seen := 0; seen < deep; seen += 100 {
			// (walked 100 at a time)
			page, err := env.Service.ListTokens(ctx, admin, req)
			if err != nil {
				t.Fatalf("walk: %v", err)
			}
			req.After = &page.Cursors[len(page.Cursors)-1]
		}
		req.First = testenv.Ptr(50)
		stmts := env.Statements.RecordStatements(func() {
			if _, err := env.Service.ListTokens(ctx, admin, req); err != nil {
				t.Fatalf("deep page: %v", err)
			}
		})
		if len(stmts) != 1 {
			t.Fatalf("deep page: got %d statements, want 1", len(stmts))
		}
		page := stmts[0]
		err := env.DB.Connection(func(conn *gorm.DB) error {
			var plan []map[string]any
			if err := conn.Raw("EXPLAIN "+page.SQL, page.Vars...).Scan(&plan).Error; err != nil {
				return err
			}
			indexScans := 0
			for _, row := range plan {
				if row["table"] != "k" {
					continue // the page's IDs (at most two pages) and the join by primary key
				}
				key, _ := row["key"].(string)
				keyLen := fmt.Sprint(row["key_len"])
				extra, _ := row["Extra"].(string)
				// A range scan, or a ref on more than the organization
				// prefix (never-used tokens: organization and NULL), of an
				// order index, reading the index only, without a sort.
				scan := row["type"] == "range" || (row["type"] == "ref" && keyLen != "8")
				if !scan || !strings.HasPrefix(key, "ix_pat_org_") || !strings.Contains(extra, "Using index") || strings.Contains(extra, "filesort") {
					t.Errorf("index scan of the page: got type=%v key=%v key_len=%v extra=%q, want an index-only range scan of an order index without a sort\nSQL: %s",
						row["type"], row["key"], keyLen, extra, page.SQL)
				}
				indexScans++
			}
			if indexScans == 0 {
				t.Errorf("plan has no index-only scan for the page's IDs:\n%v\nSQL: %s", plan, page.SQL)
			}
			if err := conn.Exec("FLUSH STATUS").Error; err != nil {
				return err
			}
			rows, err := conn.Raw(page.SQL, page.Vars...).Rows()
			if err != nil {
				return err
			}
			for rows.Next() { // read the page as the service does
			}
			if err := rows.Close(); err != nil {
				return err
			}
			var status []struct {
				VariableName string `gorm:"column:Variable_name"`
				Value        int64  `gorm:"column:Value"`
			}
			if err := conn.Raw("SHOW SESSION STATUS LIKE 'Handler_read%'").Scan(&status).Error; err != nil {
				return err
			}
			reads := int64(0)
			for _, s := range status {
				if s.VariableName != "Handler_read_rnd_next" { // the derived table's own rows
					reads += s.Value
				}
			}
			// Two index scans of a page each, the joins, and slack: far
			// below the thousands of rows before the cursor.
			if reads > 600 {
				t.Errorf("page at %d read %d index entries and rows, want at most 600 (proportional to the page, not the position)\n%v", deep, reads, status)
			}
			return nil
		})
		if err != nil {
			t.Fatalf("explain: %v", err)
		}
	}
	for _, capped := range []bool{false, true} {
		if capped {
			// Lowering the maximum lifespan caps some tokens: EXPIRES_AT
			// then merges two index scans.
			if _, err := env.Service.UpdateSettings(ctx, admin, pat.SettingsChange{MaxLifespanDays: testenv.Ptr(60)}); err != nil {
				t.Fatalf("lower lifespan: %v", err)
			}
		}
		for _, order := range model.AllPersonalAccessTokenOrderField {
			for _, dir := range model.AllOrderDirection {
				t.Run(fmt.Sprintf("%s_%s_capped=%v", order, dir, capped), func(t *testing.T) {
					check(t, pat.TokenOrderField(order), dir == model.OrderDirectionDesc, deep)
				})
			}
		}
		// Deep among the never-used tokens, which sort last.
		t.Run(fmt.Sprintf("LAST_USED_AT_ASC_among_never_used_capped=%v", capped), func(t *testing.T) {
			check(t, pat.OrderLastUsedAt, false, tokens-500)
		})
	}
}

// principal provisions and returns an admin of org.
func principal(t *testing.T, env *testenv.Env, org string) *auth.Principal {
	t.Helper()
	p, err := env.Service.Provision(context.Background(), &auth.Claims{
		RegisteredClaims: jwt.RegisteredClaims{Subject: "explain-admin"},
		Org:              org, Role: auth.RoleAdmin, Email: "admin@example.test", Name: "Admin", AccountType: entity.AccountTypeLocal,
	})
	if err != nil {
		t.Fatalf("provision: %v", err)
	}
	return p
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
