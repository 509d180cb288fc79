package tracing

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/glebarez/sqlite"
	mysqldriver "github.com/go-sql-driver/mysql"
	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

type secretRow struct {
	ID     uint
	Digest string `gorm:"uniqueIndex"`
}

// TestStatementSpans: a statement made for a traced request is a child
// span with its SQL and placeholders; a failing one records its kind,
// never the driver's message or the value; dry runs and statements of no
// request make none.
func TestStatementSpans(t *testing.T) {
	spans := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(spans))
	p := NewProvider(tp, nil)
	db, err := gorm.Open(sqlite.Open(filepath.Join(t.TempDir(), "t.db")), &gorm.Config{Logger: logger.Discard, TranslateError: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.AutoMigrate(&secretRow{}); err != nil {
		t.Fatal(err)
	}
	if err := db.Use(p.GORM()); err != nil {
		t.Fatal(err)
	}
	const secret = "opat_the-secret-digest-value"
	if err := db.Create(&secretRow{Digest: secret}).Error; err != nil { // no request: no span
		t.Fatal(err)
	}
	ctx, request := tp.Tracer("test").Start(context.Background(), "request")
	err = db.WithContext(ctx).Create(&secretRow{Digest: secret}).Error
	if err == nil {
		t.Fatal("duplicate insert succeeded")
	}
	var n int64
	db.WithContext(ctx).Model(&secretRow{}).Where("digest = ?", secret).Count(&n)
	db.WithContext(ctx).Session(&gorm.Session{DryRun: true}).Where("digest = ?", secret).Find(&[]secretRow{})
	request.End()

	got := spans.GetSpans()
	if len(got) != 3 {
		t.Fatalf("spans: got %d (%v), want the two statements and the request", len(got), got)
	}
	insert, count := got[0], got[1]
	if insert.Name != "insert secret_rows" || insert.Parent.SpanID() != request.SpanContext().SpanID() ||
		!strings.Contains(attr(insert.Attributes, "db.query.text"), "VALUES (?)") {
		t.Errorf("insert span: %q parent %s %v", insert.Name, insert.Parent.SpanID(), insert.Attributes)
	}
	if insert.Status.Description != "duplicate_key" || attr(insert.Attributes, "error.type") != "duplicate_key" || len(insert.Events) != 0 {
		t.Errorf("failed insert: status %q, error.type %q, events %v; want duplicate_key and no event", insert.Status.Description, attr(insert.Attributes, "error.type"), insert.Events)
	}
	if count.Name != "select secret_rows" || attr(count.Attributes, "db.system.name") != "sqlite" || attr(count.Attributes, "db.operation.name") != "select" {
		t.Errorf("count span: %q %v", count.Name, count.Attributes)
	}
	for _, s := range got {
		for _, kv := range s.Attributes {
			if strings.Contains(kv.Value.String(), secret) {
				t.Errorf("span %q holds the value: %s=%s", s.Name, kv.Key, kv.Value.String())
			}
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
		{gorm.ErrDuplicatedKey, "duplicate_key"},
		{context.DeadlineExceeded, "deadline_exceeded"},
		{gorm.ErrInvalidData, "_OTHER"},
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
