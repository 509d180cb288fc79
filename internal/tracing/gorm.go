package tracing

import (
	"context"
	"errors"
	"fmt"
	"strings"

	mysqldriver "github.com/go-sql-driver/mysql"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"
	"gorm.io/gorm"
)

// GORM returns the GORM plugin that makes every statement sent for a
// traced request a client span, child of the request's (or operation's)
// span. Off, it returns nil.
//
// A span records the database system (db.system.name, and the older
// db.system), the statement as GORM wrote it, with its ? placeholders
// (db.query.text), its verb and table, and for a failure only its kind
// (error.type: duplicate_key, mysql_1213, sqlite_5, canceled...). It
// never records the arguments, nor a driver's error message: MySQL's
// "Duplicate entry '...'" quotes the value.
//
// This is not gorm.io/plugin/opentelemetry: that plugin records the
// error message verbatim with no option to turn it off, spans dry-run
// renderings of subqueries as statements, and links the Postgres and
// ClickHouse drivers into the binary for a type switch.
//
// Statements of background work (the cache's change poll, usage writes,
// revocation jobs) belong to no request and make no span.
func (p *Provider) GORM() gorm.Plugin {
	if p == nil {
		return nil
	}
	return gormTracer{tracer: p.tracer}
}

type gormTracer struct{ tracer trace.Tracer }

// legacyDBSystemKey is db.system, which db.system.name replaced in the
// semantic conventions; backends and dashboards still look for it.
const legacyDBSystemKey = attribute.Key("db.system")

func (gormTracer) Name() string { return "pats:tracing" }

// Initialize registers a start before and an end after each kind of
// statement.
func (g gormTracer) Initialize(db *gorm.DB) error {
	cb := db.Callback()
	for _, step := range []struct {
		name   string
		before func(string, func(*gorm.DB)) error
		after  func(string, func(*gorm.DB)) error
	}{
		{"create", cb.Create().Before("gorm:create").Register, cb.Create().After("gorm:create").Register},
		{"query", cb.Query().Before("gorm:query").Register, cb.Query().After("gorm:query").Register},
		{"update", cb.Update().Before("gorm:update").Register, cb.Update().After("gorm:update").Register},
		{"delete", cb.Delete().Before("gorm:delete").Register, cb.Delete().After("gorm:delete").Register},
		{"row", cb.Row().Before("gorm:row").Register, cb.Row().After("gorm:row").Register},
		{"raw", cb.Raw().Before("gorm:raw").Register, cb.Raw().After("gorm:raw").Register},
	} {
		if err := step.before("pats:trace_start_"+step.name, g.start); err != nil {
			return fmt.Errorf("tracing: register %s callback: %w", step.name, err)
		}
		if err := step.after("pats:trace_end_"+step.name, g.end); err != nil {
			return fmt.Errorf("tracing: register %s callback: %w", step.name, err)
		}
	}
	return nil
}

// statementContext is the statement's context while its span is open;
// parent is the context it had before.
type statementContext struct {
	context.Context
	parent context.Context
}

func (g gormTracer) start(db *gorm.DB) {
	parent := db.Statement.Context
	if db.DryRun || parent == nil || !trace.SpanFromContext(parent).IsRecording() {
		return
	}
	ctx, _ := g.tracer.Start(parent, "db", trace.WithSpanKind(trace.SpanKindClient))
	db.Statement.Context = statementContext{Context: ctx, parent: parent}
}

func (g gormTracer) end(db *gorm.DB) {
	sc, ok := db.Statement.Context.(statementContext)
	if !ok {
		return
	}
	db.Statement.Context = sc.parent
	span := trace.SpanFromContext(sc.Context)
	defer span.End()
	sql := db.Statement.SQL.String()
	verb := strings.ToLower(firstWord(sql))
	system := db.Dialector.Name()
	attrs := []attribute.KeyValue{
		semconv.DBSystemNameKey.String(system),
		legacyDBSystemKey.String(system),
		semconv.DBQueryText(sql),
		semconv.DBOperationName(verb),
	}
	name := verb
	if table := db.Statement.Table; table != "" {
		attrs = append(attrs, semconv.DBCollectionName(table))
		name += " " + table
	}
	if name != "" {
		span.SetName(name)
	}
	span.SetAttributes(attrs...)
	if err := db.Error; err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
		kind := errorKind(err)
		span.SetAttributes(semconv.ErrorTypeKey.String(kind))
		span.SetStatus(codes.Error, kind)
	}
}

// firstWord is the statement's verb, past any leading comment (the
// store marks some statements with one).
func firstWord(sql string) string {
	sql = strings.TrimSpace(sql)
	for strings.HasPrefix(sql, "/*") {
		end := strings.Index(sql, "*/")
		if end < 0 {
			return ""
		}
		sql = strings.TrimSpace(sql[end+2:])
	}
	if i := strings.IndexFunc(sql, func(r rune) bool { return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') }); i >= 0 {
		return sql[:i]
	}
	return sql
}

// errorKind names a statement's failure without its message.
func errorKind(err error) string {
	var mysqlErr *mysqldriver.MySQLError
	var coded interface{ Code() int } // the SQLite driver's errors
	switch {
	case errors.Is(err, gorm.ErrDuplicatedKey):
		return "duplicate_key"
	case errors.Is(err, gorm.ErrForeignKeyViolated):
		return "foreign_key_violated"
	case errors.Is(err, context.Canceled):
		return "canceled"
	case errors.Is(err, context.DeadlineExceeded):
		return "deadline_exceeded"
	case errors.As(err, &mysqlErr):
		return fmt.Sprintf("mysql_%d", mysqlErr.Number)
	case errors.As(err, &coded):
		return fmt.Sprintf("sqlite_%d", coded.Code())
	default:
		return "_OTHER"
	}
}
