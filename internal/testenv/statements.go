package testenv

import (
	"strings"
	"sync"
	"testing"

	"gorm.io/gorm"

	"github.com/patgov/pats/internal/store"
)

// StatementLog records the SQL statements the service issues through GORM,
// so tests can bound the statements of an operation (no N+1 queries).
type StatementLog struct {
	mu    sync.Mutex
	on    bool
	stmts []Statement
}

// Statement is one statement sent to the database, with its arguments.
type Statement struct {
	SQL  string
	Vars []any
}

// Record runs fn and returns the SQL of the statements issued meanwhile.
func (l *StatementLog) Record(fn func()) []string {
	var sqls []string
	for _, s := range l.RecordStatements(fn) {
		sqls = append(sqls, s.SQL)
	}
	return sqls
}

// RecordStatements runs fn and returns the statements issued meanwhile.
func (l *StatementLog) RecordStatements(fn func()) []Statement {
	l.mu.Lock()
	l.on, l.stmts = true, nil
	l.mu.Unlock()
	fn()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.on = false
	return l.stmts
}

func (l *StatementLog) add(db *gorm.DB) {
	l.mu.Lock()
	defer l.mu.Unlock()
	// The validation cache's change poll and the revocation jobs' claim
	// run in the background on their own schedule; they belong to no
	// request.
	// Subqueries are rendered through the callbacks in dry-run mode; only
	// statements sent to the database count.
	// COMMIT, which the store sends as a statement on MySQL, is a
	// transaction boundary like BEGIN, which is not recorded either.
	sql := db.Statement.SQL.String()
	if l.on && db.Error == nil && !db.DryRun && !strings.HasPrefix(sql, store.ChangePollMarker) && !strings.HasPrefix(sql, store.JobClaimMarker) && sql != "COMMIT" {
		l.stmts = append(l.stmts, Statement{SQL: db.Statement.SQL.String(), Vars: append([]any(nil), db.Statement.Vars...)})
	}
}

// installStatementLog registers l after every kind of GORM statement.
func installStatementLog(t testing.TB, db *gorm.DB, l *StatementLog) {
	t.Helper()
	cb := db.Callback()
	for name, err := range map[string]error{
		"query":  cb.Query().After("gorm:query").Register("testenv:log_query", l.add),
		"row":    cb.Row().After("gorm:row").Register("testenv:log_row", l.add),
		"raw":    cb.Raw().After("gorm:raw").Register("testenv:log_raw", l.add),
		"create": cb.Create().After("gorm:create").Register("testenv:log_create", l.add),
		"update": cb.Update().After("gorm:update").Register("testenv:log_update", l.add),
		"delete": cb.Delete().After("gorm:delete").Register("testenv:log_delete", l.add),
	} {
		if err != nil {
			t.Fatalf("register %s callback: %v", name, err)
		}
	}
}
