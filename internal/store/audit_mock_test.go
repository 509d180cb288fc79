package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/DATA-DOG/go-sqlmock"
	mysqldriver "github.com/go-sql-driver/mysql"
	"gorm.io/gorm/schema"

	"github.com/patgov/pats/internal/apperr"
	"github.com/patgov/pats/internal/entity"
)

// auditColumns are the columns of audit_events, in entity.AuditEvent field
// order (the order GORM writes them in).
var auditColumns = []string{"id", "organization_id", "action", "occurred_at", "actor_id",
	"token_id", "token_owner_id", "token_name", "token_scopes", "token_expires_at", "token_hint", "revocation_source",
	"previous_enabled", "enabled", "previous_max_lifespan_days", "max_lifespan_days",
	"previous_revoke_unused_after_days", "revoke_unused_after_days",
	"request_id", "client_request_id", "client_ip", "user_agent", "alert_url", "alert_source", "export_format", "export_filter",
	"revocation_job_id", "webhook_endpoint_id", "webhook_url"}

// outboxColumns are outbox_events' columns, in model field order.
var outboxColumns = []string{"id", "organization_id", "event_type", "occurred_at", "audit_event_id", "token_id", "payload", "dispatched_at"}

// outboxInsertStep is the one INSERT that puts the notifying events among
// events in the outbox (store.outboxOf), or nothing if none notifies.
func outboxInsertStep(events ...*entity.AuditEvent) []step {
	var args []driver.Value
	n := 0
	for _, e := range events {
		typ, ok := entity.EventTypeOf(e.Action)
		if !ok {
			continue
		}
		n++
		args = append(args, sqlmock.AnyArg(), e.OrganizationID, string(typ), e.OccurredAt.Millis(), e.ID, orNil(e.TokenID), nil, nil)
	}
	if n == 0 {
		return nil
	}
	row := "(" + placeholders(len(outboxColumns)) + ")"
	sql := "INSERT INTO `outbox_events` (`" + strings.Join(outboxColumns, "`,`") + "`) VALUES " +
		strings.TrimSuffix(strings.Repeat(row+",", n), ",")
	return []step{exec(sql, args...).affecting(int64(n)).scopedBy("`organization_id`", testOrgID)}
}

// auditInsertSQL writes n audit events in one statement.
func auditInsertSQL(n int) string {
	row := "(" + placeholders(len(auditColumns)) + ")"
	return "INSERT INTO `audit_events` (`" + strings.Join(auditColumns, "`,`") + "`) VALUES " +
		strings.TrimSuffix(strings.Repeat(row+",", n), ",")
}

// orNil is *p, or nil for a nil pointer (as database/sql sends it).
func orNil[T any](p *T) driver.Value {
	if p == nil {
		return nil
	}
	return *p
}

// auditRowArgs are the arguments of e's row of an audit INSERT, column by
// column; times are Unix milliseconds and enums their strings.
func auditRowArgs(e *entity.AuditEvent) []driver.Value {
	var expires, source driver.Value
	if e.TokenExpiresAt != nil {
		expires = e.TokenExpiresAt.Millis()
	}
	if e.RevocationSource != nil {
		source = string(*e.RevocationSource)
	}
	return argsOf(e.ID, e.OrganizationID, string(e.Action), e.OccurredAt.Millis(), e.ActorID,
		orNil(e.TokenID), orNil(e.TokenOwnerID), orNil(e.TokenName), orNil(e.TokenScopes), expires, orNil(e.TokenHint), source,
		orNil(e.PreviousEnabled), orNil(e.Enabled), orNil(e.PreviousMaxLifespanDays), orNil(e.MaxLifespanDays),
		orNil(e.PreviousRevokeUnusedAfterDays), orNil(e.RevokeUnusedAfterDays),
		e.RequestID, orNil(e.ClientRequestID), e.ClientIP, e.UserAgent, orNil(e.AlertURL), orNil(e.AlertSource), orNil(e.ExportFormat), orNil(e.ExportFilter), orNil(e.RevocationJobID),
		orNil(e.WebhookEndpointID), orNil(e.WebhookURL))
}

// testEvent is an event of the test organization by the test caller at
// testNow, with a fixed request origin.
func testEvent(id string, action entity.AuditAction) *entity.AuditEvent {
	return &entity.AuditEvent{ID: id, OrganizationID: testOrgID, Action: action,
		OccurredAt: entity.TimeFromMillis(testNow), ActorID: testOwnerID,
		RequestID: "req-" + id, ClientIP: "192.0.2.10", UserAgent: "pats-test/1.0"}
}

// withClientRequestID sets the X-Request-ID the client sent.
func withClientRequestID(e *entity.AuditEvent, id string) *entity.AuditEvent {
	e.ClientRequestID = &id
	return e
}

// withTokenSnapshot sets e's token columns.
func withTokenSnapshot(e *entity.AuditEvent, tokenID string, owner int64, name, scopes string, expires int64, hint string) *entity.AuditEvent {
	at := entity.TimeFromMillis(expires)
	e.TokenID, e.TokenOwnerID, e.TokenName, e.TokenScopes, e.TokenExpiresAt, e.TokenHint =
		&tokenID, &owner, &name, &scopes, &at, &hint
	return e
}

// createdEvent is the TOKEN_CREATED event of the token buildTestToken
// builds.
func createdEvent(id string) *entity.AuditEvent {
	return withTokenSnapshot(testEvent(id, entity.AuditTokenCreated), "01TOKEN", testOwnerID, "CI", " a ", testNow+86_400_000, "pat_x")
}

// revokedEvent is the TOKEN_REVOKED event of a token of tokenRows owned by
// owner, revoked as source says.
func revokedEvent(id, tokenID string, owner int64, source entity.RevocationSource) *entity.AuditEvent {
	e := withTokenSnapshot(testEvent(id, entity.AuditTokenRevoked), tokenID, owner, "Name "+tokenID, " a b ", testNow+1000, "pat_"+tokenID)
	e.RevocationSource = &source
	return e
}

// revokedEvents are OWNER revocation events of tokenRows tokens, one per
// token ID, with event IDs E<token ID>.
func revokedEvents(tokenIDs ...string) []*entity.AuditEvent {
	out := make([]*entity.AuditEvent, len(tokenIDs))
	for i, id := range tokenIDs {
		out[i] = revokedEvent("E"+id, id, testOwnerID, entity.RevokedByOwner)
	}
	return out
}

// settingsChangedEvent is the SETTINGS_UPDATED event of a policy change.
func settingsChangedEvent(id string, wasEnabled, enabled bool, wasDays, days int) *entity.AuditEvent {
	e := testEvent(id, entity.AuditSettingsUpdated)
	e.PreviousEnabled, e.Enabled, e.PreviousMaxLifespanDays, e.MaxLifespanDays = &wasEnabled, &enabled, &wasDays, &days
	return e
}

// TestAuditInsertHelpers pins the helpers the other tests build their
// expected audit INSERTs with: the column order is entity.AuditEvent's (as
// GORM parses it), and a row's arguments are the literal column values.
func TestAuditInsertHelpers(t *testing.T) {
	s, err := schema.Parse(&entity.AuditEvent{}, &sync.Map{}, schema.NamingStrategy{})
	if err != nil {
		t.Fatalf("schema.Parse: got %v, want nil", err)
	}
	if s.Table != "audit_events" || !slices.Equal(s.DBNames, auditColumns) {
		t.Errorf("entity.AuditEvent: got table %s columns %v, want audit_events %v", s.Table, s.DBNames, auditColumns)
	}
	const wantSQL = "INSERT INTO `audit_events` (`id`,`organization_id`,`action`,`occurred_at`,`actor_id`,`token_id`,`token_owner_id`,`token_name`,`token_scopes`,`token_expires_at`,`token_hint`,`revocation_source`,`previous_enabled`,`enabled`,`previous_max_lifespan_days`,`max_lifespan_days`,`previous_revoke_unused_after_days`,`revoke_unused_after_days`,`request_id`,`client_request_id`,`client_ip`,`user_agent`,`alert_url`,`alert_source`,`export_format`,`export_filter`,`revocation_job_id`,`webhook_endpoint_id`,`webhook_url`) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?),(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
	if got := auditInsertSQL(2); got != wantSQL {
		t.Errorf("auditInsertSQL(2): got %q, want %q", got, wantSQL)
	}
	tests := []struct {
		name  string
		event *entity.AuditEvent
		want  []driver.Value
	}{
		{
			name:  "token revoked",
			event: withClientRequestID(revokedEvent("E1", "01A", 8, entity.RevokedByAdmin), "client-E1"),
			want: argsOf("E1", testOrgID, "TOKEN_REVOKED", testNow, testOwnerID,
				"01A", int64(8), "Name 01A", " a b ", testNow+1000, "pat_01A", "ADMIN",
				nil, nil, nil, nil, nil, nil, "req-E1", "client-E1", "192.0.2.10", "pats-test/1.0", nil, nil, nil, nil, nil, nil, nil),
		},
		{
			name:  "settings updated",
			event: settingsChangedEvent("E2", true, false, 90, 30),
			want: argsOf("E2", testOrgID, "SETTINGS_UPDATED", testNow, testOwnerID,
				nil, nil, nil, nil, nil, nil, nil,
				true, false, 90, 30, nil, nil, "req-E2", nil, "192.0.2.10", "pats-test/1.0", nil, nil, nil, nil, nil, nil, nil),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := auditRowArgs(tt.event)
			if len(got) != len(tt.want) {
				t.Fatalf("arguments: got %d, want %d", len(got), len(tt.want))
			}
			for i := range got {
				if g, w := driverValue(got[i]), driverValue(tt.want[i]); g != w {
					t.Errorf("column %s: got %#v, want %#v", auditColumns[i], g, w)
				}
			}
		})
	}
}

// auditListSQL is ListAuditEvents' statement with the given conditions
// after the organization's.
func auditListSQL(conds string) string {
	return "SELECT e.* FROM audit_events AS e WHERE e.organization_id = ?" + conds +
		" ORDER BY e.occurred_at DESC, e.id DESC LIMIT ?"
}

// auditCursorCond is the keyset condition after the last event of the
// previous page, in the expanded form that seeks the index (see
// rowConstructor).
const auditCursorCond = " AND ((e.occurred_at < ? OR (e.occurred_at = ? AND e.id < ?)))"

// auditListRows holds a TOKEN_REVOKED row and a SETTINGS_UPDATED row.
func auditListRows() *sqlmock.Rows {
	return sqlmock.NewRows(auditColumns).
		AddRow("01E2", testOrgID, "TOKEN_REVOKED", testNow, testOwnerID,
			"01A", int64(8), "Name", " a b ", testNow+1000, "pat_x", "ADMIN",
			nil, nil, nil, nil, nil, nil, "req-2", "ci-run-7", "192.0.2.10", "ua", nil, nil, nil, nil, nil, nil, nil).
		AddRow("01E1", testOrgID, "SETTINGS_UPDATED", testNow-1, testOwnerID,
			nil, nil, nil, nil, nil, nil, nil,
			true, false, 90, 30, nil, nil, "req-1", nil, "192.0.2.11", "ua", nil, nil, nil, nil, nil, nil, nil)
}

// TestListAuditEvents pins each filter of ListAuditEvents on its own
// (placement and arguments; every filter combined, the cursor and empty
// lists are in TestOrgScopingEveryStatement), checks that rows decode, and
// that a database error is internal.
func TestListAuditEvents(t *testing.T) {
	ctx := context.Background()
	actions := []entity.AuditAction{entity.AuditTokenRevoked}
	subjects := []string{"alice"}
	tokens := []string{"01A", "01B"}
	noActions := []entity.AuditAction{}
	since, until := testNow-60_000, testNow
	tests := []struct {
		name string
		q    AuditQuery
		sql  string
		args []driver.Value
	}{
		{name: "actions", q: AuditQuery{OrgID: testOrgID, Actions: &actions, Limit: 3},
			sql: auditListSQL(" AND e.action IN (?)"), args: argsOf(testOrgID, "TOKEN_REVOKED", 3)},
		{name: "empty actions match nothing", q: AuditQuery{OrgID: testOrgID, Actions: &noActions, Limit: 3},
			sql: auditListSQL(" AND 1 = 0"), args: argsOf(testOrgID, 3)},
		{name: "actors by subject, within the organization", q: AuditQuery{OrgID: testOrgID, ActorSubjects: &subjects, Limit: 3},
			sql:  auditListSQL(" AND (e.actor_id IN (SELECT a.id FROM users a WHERE a.organization_id = ? AND a.subject IN (?)))"),
			args: argsOf(testOrgID, testOrgID, "alice", 3)},
		{name: "tokens", q: AuditQuery{OrgID: testOrgID, TokenIDs: &tokens, Limit: 3},
			sql: auditListSQL(" AND e.token_id IN (?,?)"), args: argsOf(testOrgID, "01A", "01B", 3)},
		{name: "since is inclusive", q: AuditQuery{OrgID: testOrgID, Since: &since, Limit: 3},
			sql: auditListSQL(" AND e.occurred_at >= ?"), args: argsOf(testOrgID, since, 3)},
		{name: "until is exclusive", q: AuditQuery{OrgID: testOrgID, Until: &until, Limit: 3},
			sql: auditListSQL(" AND e.occurred_at < ?"), args: argsOf(testOrgID, until, 3)},
	}
	if rowConstructor.MatchString(auditCursorCond) {
		t.Errorf("cursor condition %q: got a row constructor, want the expanded form", auditCursorCond)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkBound(t, tt.sql, tt.args, "e.organization_id = ?", testOrgID, 1)
			checkTokenRefsScoped(t, tt.sql, tt.args, testOrgID)
			events, err := mockStore(t, query(tt.sql, tt.args...).returning(sqlmock.NewRows(auditColumns))).ListAuditEvents(ctx, tt.q)
			if err != nil || len(events) != 0 {
				t.Errorf("ListAuditEvents: got %d events, %v, want none, nil", len(events), err)
			}
		})
	}
	t.Run("rows decode", func(t *testing.T) {
		s := mockStore(t, query(auditListSQL(""), testOrgID, 3).returning(auditListRows()))
		events, err := s.ListAuditEvents(ctx, AuditQuery{OrgID: testOrgID, Limit: 3})
		if err != nil {
			t.Fatalf("ListAuditEvents: got %v, want nil", err)
		}
		if len(events) != 2 {
			t.Fatalf("ListAuditEvents: got %d events, want 2", len(events))
		}
		r, u := events[0], events[1]
		tok := r.Token()
		if r.ID != "01E2" || r.OrganizationID != testOrgID || r.Action != entity.AuditTokenRevoked ||
			r.OccurredAt.Millis() != testNow || r.ActorID != testOwnerID || tok == nil ||
			*tok != (entity.AuditedToken{ID: "01A", Name: "Name", OwnerID: 8, Scopes: " a b ", ExpiresAt: entity.TimeFromMillis(testNow + 1000), Hint: "pat_x"}) ||
			r.RevocationSource == nil || *r.RevocationSource != entity.RevokedByAdmin || r.SettingsChange() != nil ||
			r.RequestID != "req-2" || r.ClientRequestID == nil || *r.ClientRequestID != "ci-run-7" || r.ClientIP != "192.0.2.10" || r.UserAgent != "ua" {
			t.Errorf("revocation event: got %+v (token %+v), want the first row", r, tok)
		}
		change := u.SettingsChange()
		if u.ID != "01E1" || u.Action != entity.AuditSettingsUpdated || u.Token() != nil || u.RevocationSource != nil || u.ClientRequestID != nil || change == nil ||
			*change != (entity.AuditedSettingsChange{PreviousEnabled: true, Enabled: false, PreviousMaxLifespanDays: 90, MaxLifespanDays: 30}) {
			t.Errorf("settings event: got %+v (change %+v), want the second row", u, change)
		}
	})
	t.Run("database error is internal", func(t *testing.T) {
		s := mockStore(t, query(auditListSQL(""), testOrgID, 3).failing(errDB))
		events, err := s.ListAuditEvents(ctx, AuditQuery{OrgID: testOrgID, Limit: 3})
		var myErr *mysqldriver.MySQLError
		if events != nil || !errors.As(err, &myErr) || apperr.CodeOf(err) != apperr.Internal {
			t.Errorf("ListAuditEvents: got %v, %v, want nil and the internal database error", events, err)
		}
	})
}
