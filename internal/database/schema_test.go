package database_test

// Schema drift: the GORM models and the SQL migrations are written by
// hand, separately. This test opens a freshly migrated database (SQLite
// always, MariaDB/MySQL when PATS_TEST_MYSQL_DSN is set, which CI requires)
// and checks, in both directions, that every DB-backed model field has a
// column, every column has a field, and nullability agrees.

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	mysqldriver "github.com/go-sql-driver/mysql"
	"gorm.io/gorm/schema"

	"github.com/patgov/pats/internal/database"
	"github.com/patgov/pats/internal/entity"
	"github.com/patgov/pats/migrations"
)

const mysqlEnv = "PATS_TEST_MYSQL_DSN"

// models are the GORM table structs the migrations must match.
var models = []any{&entity.Organization{}, &entity.User{}, &entity.PersonalAccessToken{}, &entity.AuditEvent{},
	&entity.OutboxEvent{}, &entity.WorkerLease{}, &entity.WebhookEndpoint{}, &entity.Delivery{}}

func TestSchemaMatchesModels(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		url := "sqlite:" + filepath.Join(t.TempDir(), "schema.db")
		checkSchema(t, url)
	})
	t.Run("mysql", func(t *testing.T) {
		base := os.Getenv(mysqlEnv)
		if base == "" {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s must be set in CI: the MySQL schema check may not be skipped", mysqlEnv)
			}
			t.Skipf("%s not set", mysqlEnv)
		}
		checkSchema(t, freshMySQLDatabase(t, base))
	})
}

// checkSchema opens and migrates the database at rawURL and compares each
// model with its table.
func checkSchema(t *testing.T, rawURL string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	db, err := database.Open(ctx, rawURL)
	if err != nil {
		t.Fatalf("database.Open: got %v, want nil", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	for _, m := range models {
		sch, err := schema.Parse(m, &sync.Map{}, db.NamingStrategy)
		if err != nil {
			t.Fatalf("schema.Parse(%T): got %v, want nil", m, err)
		}
		t.Run(sch.Table, func(t *testing.T) {
			problems, err := modelProblems(db, m)
			if err != nil {
				t.Fatalf("compare %T: got %v, want nil", m, err)
			}
			for _, problem := range problems {
				t.Errorf("%s (%T): %s", sch.Table, m, problem)
			}
		})
	}
}

// modelProblems compares model m with its table in db.
func modelProblems(db *database.DB, m any) ([]string, error) {
	sch, err := schema.Parse(m, &sync.Map{}, db.NamingStrategy)
	if err != nil {
		return nil, err
	}
	fields := map[string]bool{} // DB name -> nullable (pointer field)
	for _, f := range sch.Fields {
		if f.DBName == "" { // gorm:"-": derived, not stored
			continue
		}
		fields[f.DBName] = f.FieldType.Kind() == reflect.Ptr
	}
	if len(fields) == 0 {
		return nil, fmt.Errorf("model %T has no DB-backed fields", m)
	}
	cts, err := db.Migrator().ColumnTypes(sch.Table)
	if err != nil {
		return nil, err
	}
	if len(cts) == 0 {
		return nil, fmt.Errorf("table %s has no columns (does it exist?)", sch.Table)
	}
	columns := map[string]bool{} // name -> nullable
	for _, ct := range cts {
		nullable, ok := ct.Nullable()
		if !ok {
			return nil, fmt.Errorf("column %s.%s: nullability unknown", sch.Table, ct.Name())
		}
		if db.Dialect == migrations.SQLite && nullable && isRowIDAlias(ct) {
			// INTEGER PRIMARY KEY is SQLite's rowid: it never holds NULL
			// though the DDL need not say NOT NULL.
			nullable = false
		}
		columns[ct.Name()] = nullable
	}
	return schemaDiff(fields, columns), nil
}

// isRowIDAlias reports whether ct is an INTEGER PRIMARY KEY column.
func isRowIDAlias(ct interface {
	PrimaryKey() (bool, bool)
	DatabaseTypeName() string
}) bool {
	pk, ok := ct.PrimaryKey()
	return ok && pk && strings.EqualFold(ct.DatabaseTypeName(), "INTEGER")
}

// schemaDiff compares model fields with table columns (each a name mapped
// to its nullability) in both directions and describes every mismatch.
func schemaDiff(fields, columns map[string]bool) []string {
	var problems []string
	for _, name := range sortedKeys(fields) {
		colNullable, ok := columns[name]
		switch {
		case !ok:
			problems = append(problems, fmt.Sprintf("field %s: got no column, want one (missing migration?)", name))
		case colNullable != fields[name]:
			problems = append(problems, fmt.Sprintf("column %s nullable: got %v, want %v (pointer field: %v)",
				name, colNullable, fields[name], fields[name]))
		}
	}
	for _, name := range sortedKeys(columns) {
		if _, ok := fields[name]; !ok {
			problems = append(problems, fmt.Sprintf("column %s: got no model field, want one (missing field?)", name))
		}
	}
	return problems
}

func sortedKeys(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// TestSchemaDiffIsTwoWay proves the comparison catches drift from either
// side: a field without a column, a column without a field, and a
// nullability mismatch either way.
func TestSchemaDiffIsTwoWay(t *testing.T) {
	base := map[string]bool{"id": false, "name": false, "revoked_at": true}
	with := func(m map[string]bool, k string, v bool) map[string]bool {
		out := map[string]bool{}
		for key, val := range m {
			out[key] = val
		}
		out[k] = v
		return out
	}
	tests := []struct {
		name          string
		fields, cols  map[string]bool
		wantProblems  int
		wantSubstring string
	}{
		{"in sync", base, base, 0, ""},
		{"field added without migration", with(base, "color", false), base, 1, "field color: got no column"},
		{"column added without field", base, with(base, "color", true), 1, "column color: got no model field"},
		{"pointer field on NOT NULL column", with(base, "name", true), base, 1, "column name nullable: got false, want true"},
		{"plain field on NULL column", base, with(base, "name", true), 1, "column name nullable: got true, want false"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := schemaDiff(tt.fields, tt.cols)
			if len(got) != tt.wantProblems {
				t.Fatalf("problems: got %v, want %d", got, tt.wantProblems)
			}
			if tt.wantSubstring != "" && !slices.ContainsFunc(got, func(p string) bool { return strings.Contains(p, tt.wantSubstring) }) {
				t.Errorf("problems: got %v, want one containing %q", got, tt.wantSubstring)
			}
		})
	}
}

// Drifted models: the token table as it would look to GORM after a field
// was added, removed or made nullable without a migration.
type (
	tokenWithExtraField struct {
		entity.PersonalAccessToken
		Color string
	}
	tokenWithoutHint struct {
		ID, Name, NameKey, Scopes       string
		OrganizationID, OwnerID         int64
		TokenDigest                     []byte
		CreatedAt, ExpiresAt            entity.Time
		LastUsedAt, RevokedAt           *entity.Time
		RevokedByID                     *int64
		RevocationSource                *entity.RevocationSource
		StaleWarnedBasis                *entity.Time
		RotatedFromID                   *string
		ExpiryNoticeFor                 *entity.Time
		ExpiryNoticeStage               *int
		EffectiveExpiresAt, IgnoredInDB entity.Time `gorm:"-"`
	}
	tokenWithNullableName struct {
		entity.PersonalAccessToken
		Name *string
	}
)

func (tokenWithExtraField) TableName() string   { return "personal_access_tokens" }
func (tokenWithoutHint) TableName() string      { return "personal_access_tokens" }
func (tokenWithNullableName) TableName() string { return "personal_access_tokens" }

// TestSchemaCheckCatchesDrift runs the real comparison on a migrated
// SQLite database against drifted copies of the token model.
func TestSchemaCheckCatchesDrift(t *testing.T) {
	db, err := database.Open(context.Background(), "sqlite:"+filepath.Join(t.TempDir(), "drift.db"))
	if err != nil {
		t.Fatalf("database.Open: got %v, want nil", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	tests := []struct {
		name  string
		model any
		want  string
	}{
		{"field without column", &tokenWithExtraField{}, "field color: got no column"},
		{"column without field", &tokenWithoutHint{}, "column hint: got no model field"},
		{"pointer field on NOT NULL column", &tokenWithNullableName{}, "column name nullable: got false, want true"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			problems, err := modelProblems(db, tt.model)
			if err != nil {
				t.Fatalf("modelProblems: got %v, want nil", err)
			}
			if len(problems) != 1 || !strings.Contains(problems[0], tt.want) {
				t.Errorf("problems: got %q, want exactly one containing %q", problems, tt.want)
			}
		})
	}
}

// freshMySQLDatabase creates a uniquely named database on the server of
// base (a mysql:// URL), drops it when the test ends, and returns base
// pointed at it.
func freshMySQLDatabase(t *testing.T, base string) string {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("parse %s: got %v, want nil", mysqlEnv, err)
	}
	dsn, err := database.MySQLDSN(base)
	if err != nil {
		t.Fatalf("database.MySQLDSN(%s): got %v, want nil", mysqlEnv, err)
	}
	cfg, err := mysqldriver.ParseDSN(dsn)
	if err != nil {
		t.Fatalf("parse DSN: got %v, want nil", err)
	}
	cfg.DBName = "" // the named database need not exist
	admin, err := sql.Open("mysql", cfg.FormatDSN())
	if err != nil {
		t.Fatalf("sql.Open: got %v, want nil", err)
	}
	suffix := make([]byte, 6)
	_, _ = rand.Read(suffix)
	name := "pats_schema_" + hex.EncodeToString(suffix)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE `"+name+"` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"); err != nil {
		_ = admin.Close()
		t.Fatalf("create database %s: got %v, want nil", name, err)
	}
	// Registered before database.Open's cleanup, so it runs after the
	// service's pool is closed.
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := admin.ExecContext(ctx, "DROP DATABASE `"+name+"`"); err != nil {
			t.Errorf("drop database %s: got %v, want nil", name, err)
		}
		_ = admin.Close()
	})
	copied := *u
	copied.Path = "/" + name
	return copied.String()
}
