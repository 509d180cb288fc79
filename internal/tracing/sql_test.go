package tracing

import (
	"context"
	"database/sql/driver"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/glebarez/sqlite"
	mysqldriver "github.com/go-sql-driver/mysql"
	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

type secretRow struct {
	ID     uint
	Digest string `gorm:"uniqueIndex"`
}

// TestStatementSpans: a statement made for a traced request is a child
// span with its SQL and placeholders, and so are BEGIN and COMMIT; a
// failing one records its kind, never the driver's message or the value;
// dry runs and statements of no request make none.
func TestStatementSpans(t *testing.T) {
	spans := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(spans))
	p := NewProvider(tp, nil)
	pool, err := p.OpenSQL(sqlite.DriverName, "sqlite", filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	db, err := gorm.Open(sqlite.Dialector{Conn: pool}, &gorm.Config{Logger: logger.Discard, TranslateError: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.AutoMigrate(&secretRow{}); err != nil {
		t.Fatal(err)
	}
	const secret = "opat_the-secret-digest-value"
	if err := db.Create(&secretRow{Digest: secret}).Error; err != nil { // no request: no span
		t.Fatal(err)
	}
	if n := len(spans.GetSpans()); n != 0 {
		t.Fatalf("statements of no request: got %d spans, want 0", n)
	}
	ctx, request := tp.Tracer("test").Start(context.Background(), "request")
	err = db.WithContext(ctx).Create(&secretRow{Digest: secret}).Error // GORM: begin, insert, rollback
	if err == nil {
		t.Fatal("duplicate insert succeeded")
	}
	var n int64
	db.WithContext(ctx).Model(&secretRow{}).Where("digest = ?", secret).Count(&n)
	db.WithContext(ctx).Session(&gorm.Session{DryRun: true}).Where("digest = ?", secret).Find(&[]secretRow{})
	if err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		return tx.Model(&secretRow{}).Where("digest = ?", secret).Update("digest", secret+"-2").Error
	}); err != nil {
		t.Fatal(err)
	}
	request.End()

	var names []string
	byName := map[string]sdktrace.ReadOnlySpan{}
	for _, s := range spans.GetSpans().Snapshots() {
		names = append(names, s.Name())
		if _, seen := byName[s.Name()]; !seen {
			byName[s.Name()] = s
		}
	}
	want := []string{"begin", "insert", "rows", "rollback", "select", "rows", "begin", "update", "commit", "request"}
	if !slices.Equal(names, want) {
		t.Fatalf("spans: got %v, want %v", names, want)
	}
	insert, insertRows, count := byName["insert"], byName["rows"], byName["select"]
	if insertRows.Parent().SpanID() != insert.SpanContext().SpanID() {
		t.Errorf("rows span: parent %s, want the insert's %s", insertRows.Parent().SpanID(), insert.SpanContext().SpanID())
	}
	if insert.Parent().SpanID() != request.SpanContext().SpanID() || insert.SpanKind() != trace.SpanKindClient ||
		!strings.Contains(attr(insert.Attributes(), "db.query.text"), "VALUES (?)") {
		t.Errorf("insert span: parent %s kind %v %v", insert.Parent().SpanID(), insert.SpanKind(), insert.Attributes())
	}
	// SQLite reports the duplicate key while the RETURNING row is read.
	if kind := attr(insertRows.Attributes(), "error.type"); kind != "sqlite_2067" {
		t.Errorf("failed insert: error.type %q, want sqlite_2067 (a unique constraint)", kind)
	}
	if attr(count.Attributes(), "db.system.name") != "sqlite" || attr(count.Attributes(), "db.system") != "sqlite" ||
		attr(count.Attributes(), "db.operation.name") != "select" {
		t.Errorf("count span: %v", count.Attributes())
	}
	for _, s := range spans.GetSpans() {
		for _, kv := range s.Attributes {
			if strings.Contains(kv.Value.String(), secret) {
				t.Errorf("span %q holds the value: %s=%s", s.Name, kv.Key, kv.Value.String())
			}
		}
		for _, e := range s.Events {
			t.Errorf("span %q has an event %q (%v): an error message may hold a value", s.Name, e.Name, e.Attributes)
		}
		if strings.Contains(s.Status.Description, secret) {
			t.Errorf("span %q status holds the value: %s", s.Name, s.Status.Description)
		}
	}
}

func TestErrorKind(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{&mysqldriver.MySQLError{Number: 1213, Message: "Deadlock found when trying to get lock"}, "mysql_1213"},
		{&mysqldriver.MySQLError{Number: 1062, Message: "Duplicate entry 'opat_secret' for key 'digest'"}, "mysql_1062"},
		{driver.ErrBadConn, "bad_connection"},
		{context.DeadlineExceeded, "deadline_exceeded"},
		{errors.New("something else"), "_OTHER"},
	} {
		if got := errorKind(tc.err); got != tc.want {
			t.Errorf("errorKind(%v): got %q, want %q", tc.err, got, tc.want)
		}
	}
}

func TestFirstWord(t *testing.T) {
	for sql, want := range map[string]string{
		"SELECT * FROM t":                      "SELECT",
		"/* change poll */ SELECT id FROM t":   "SELECT",
		"  /* a */ /* b */UPDATE t SET x = ?":  "UPDATE",
		"COMMIT":                               "COMMIT",
		"/* unterminated":                      "",
		"WITH x AS (SELECT 1) SELECT * FROM x": "WITH",
	} {
		if got := firstWord(sql); got != want {
			t.Errorf("firstWord(%q): got %q, want %q", sql, got, want)
		}
	}
}

func attr(kvs []attribute.KeyValue, key string) string {
	for _, kv := range kvs {
		if string(kv.Key) == key {
			return kv.Value.String()
		}
	}
	return ""
}
