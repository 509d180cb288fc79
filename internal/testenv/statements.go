package testenv

import (
	"strings"
	"sync"
	"testing"

	"gorm.io/gorm"
)

// ChangePollMarker starts the SQL of the background change poll.
const ChangePollMarker = "/* change poll */"

// StatementLog records the SQL statements the service issues through GORM,
// so tests can bound the statements of an operation (no N+1 queries).
type StatementLog struct {
	mu   sync.Mutex
	on   bool
	sqls []string
}

// Record runs fn and returns the statements issued meanwhile.
func (l *StatementLog) Record(fn func()) []string {
	l.mu.Lock()
	l.on, l.sqls = true, nil
	l.mu.Unlock()
	fn()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.on = false
	return l.sqls
}

func (l *StatementLog) add(db *gorm.DB) {
	l.mu.Lock()
	defer l.mu.Unlock()
	// The validation cache's change poll runs in the background on its
	// own schedule; it belongs to no request.
	if l.on && db.Error == nil && !strings.HasPrefix(db.Statement.SQL.String(), ChangePollMarker) {
		l.sqls = append(l.sqls, db.Statement.SQL.String())
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
