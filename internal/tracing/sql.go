package tracing

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"

	"github.com/XSAM/otelsql"
	mysqldriver "github.com/go-sql-driver/mysql"
	"go.opentelemetry.io/otel/attribute"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"
)

// OpenSQL opens the database through github.com/XSAM/otelsql, an
// instrumented database/sql: every statement, BEGIN, COMMIT and ROLLBACK
// made for a traced request is a client span, child of the request's (or
// operation's) span. Off, it is sql.Open. system is the database
// (db.system.name): "mysql" or "sqlite".
//
// A span records the database system (db.system.name, and the older
// db.system), the statement as GORM wrote it, with its ? placeholders
// (db.query.text), and its verb (db.operation.name). It never records
// the arguments, nor a driver's error message (MySQL's "Duplicate entry
// '...'" quotes the value): otelsql would add the message as an
// exception event, so RecordError declines every error and a failed
// statement carries only its kind in error.type (duplicate key as
// mysql_1062 or sqlite_2067, canceled, deadline_exceeded...).
//
// Reading a query's result is a "rows" span, child of the statement's:
// the statement's span ends when the first answer arrives, and a failure
// may come only while rows are read (SQLite reports a duplicate key of an
// INSERT ... RETURNING there), so the rows span is where its error.type
// is. Statements of background work (the cache's change poll, usage
// writes, revocation jobs) belong to no request and make no span
// (SpanFilter), nor do connection set-up, session resets and prepares,
// which say nothing a statement's span does not. otelsql's metrics are
// off: the service's own (internal/metrics) already count the pool.
//
// This is not gorm.io/plugin/opentelemetry: that plugin records the error
// message verbatim with no option to turn it off.
func (p *Provider) OpenSQL(driverName, system, dsn string) (*sql.DB, error) {
	if p == nil {
		return sql.Open(driverName, dsn)
	}
	return otelsql.Open(driverName, dsn,
		otelsql.WithTracerProvider(p.tp),
		otelsql.WithMeterProvider(metricnoop.NewMeterProvider()),
		otelsql.WithAttributes(semconv.DBSystemNameKey.String(system), legacyDBSystemKey.String(system)),
		otelsql.WithAttributesGetter(statementAttributes),
		otelsql.WithSpanNameFormatter(spanName),
		otelsql.WithSpanErrorAttributesGetter(func(err error) []attribute.KeyValue {
			return []attribute.KeyValue{semconv.ErrorTypeKey.String(errorKind(err))}
		}),
		otelsql.WithSpanOptions(otelsql.SpanOptions{
			SpanFilter:           inRequest,
			RecordError:          func(error) bool { return false },
			DisableErrSkip:       true,
			OmitConnectorConnect: true,
			OmitConnResetSession: true,
			OmitConnPrepare:      true,
			RowsChildOfQuery:     true,
		}),
	)
}

// legacyDBSystemKey is db.system, which db.system.name replaced in the
// semantic conventions; backends and dashboards still look for it.
const legacyDBSystemKey = attribute.Key("db.system")

// inRequest lets a span be made only under a recording span: a traced
// request's work, not the background's.
func inRequest(ctx context.Context, _ otelsql.Method, _ string, _ []driver.NamedValue) bool {
	return trace.SpanFromContext(ctx).IsRecording()
}

// statementAttributes adds the statement's verb.
func statementAttributes(_ context.Context, _ otelsql.Method, query string, _ []driver.NamedValue) []attribute.KeyValue {
	if verb := firstWord(query); verb != "" {
		return []attribute.KeyValue{semconv.DBOperationName(strings.ToLower(verb))}
	}
	return nil
}

// spanName is the statement's verb (select, insert...), begin, commit
// and rollback for a transaction's steps, rows for reading a result.
func spanName(_ context.Context, method otelsql.Method, query string) string {
	switch method {
	case otelsql.MethodConnBeginTx:
		return "begin"
	case otelsql.MethodTxCommit:
		return "commit"
	case otelsql.MethodTxRollback:
		return "rollback"
	case otelsql.MethodRows:
		return "rows"
	}
	if verb := firstWord(query); verb != "" {
		return strings.ToLower(verb)
	}
	return string(method)
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
	case errors.Is(err, context.Canceled):
		return "canceled"
	case errors.Is(err, context.DeadlineExceeded):
		return "deadline_exceeded"
	case errors.Is(err, driver.ErrBadConn):
		return "bad_connection"
	case errors.As(err, &mysqlErr):
		return fmt.Sprintf("mysql_%d", mysqlErr.Number)
	case errors.As(err, &coded):
		return fmt.Sprintf("sqlite_%d", coded.Code())
	default:
		return "_OTHER"
	}
}
