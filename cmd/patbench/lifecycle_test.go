package main

import (
	"reflect"
	"testing"
	"time"
)

// TestImpactArmsSQL: the floor of m builds store.impactArms' kinds, in
// its order, with the same caps and stale instant for each case.
func TestImpactArmsSQL(t *testing.T) {
	const now = int64(1_800_000_000_000)
	day := int64(24 * time.Hour / time.Millisecond)
	cur := policy{enabled: true, maxDays: 365}
	capOf := func(days int64) int64 { return now - days*day }
	want := map[string][]impactArmSQL{
		"m1": {{"expiring", "ix_pat_org_created", "t.created_at > ? AND t.created_at <= ?", "t.created_at, t.id", []any{capOf(365), capOf(90)}}},
		"m2": {{"expiring", "ix_pat_org_created", "t.created_at > ? AND t.created_at <= ?", "t.created_at, t.id", []any{capOf(365), capOf(30)}}},
		"m3": {{"restored", "ix_pat_org_created", "t.created_at > ? AND t.created_at <= ?", "t.created_at, t.id", []any{capOf(730), capOf(365)}}},
		"m4": {{"blocked", "ix_pat_org_created", "t.created_at > ?", "t.created_at, t.id", []any{capOf(365)}}},
		"m5": {{"unused", "ix_pat_org_last_used", staleCond, "t.last_used_at, t.id", []any{capOf(365), capOf(90), capOf(90)}}},
		"m6": {
			{"expiring", "ix_pat_org_created", "t.created_at > ? AND t.created_at <= ?", "t.created_at, t.id", []any{capOf(365), capOf(180)}},
			{"blocked", "ix_pat_org_created", "t.created_at > ?", "t.created_at, t.id", []any{capOf(180)}},
			{"unused", "ix_pat_org_last_used", staleCond, "t.last_used_at, t.id", []any{capOf(180), capOf(30), capOf(30)}},
		},
	}
	cases := impactCases()
	if len(cases) != len(want) {
		t.Fatalf("got %d cases, want %d", len(cases), len(want))
	}
	for _, c := range cases {
		got := impactArmsSQL(cur, c.apply(cur), now)
		if !reflect.DeepEqual(got, want[c.key]) {
			t.Errorf("%s (%s): got %+v, want %+v", c.key, c.name, got, want[c.key])
		}
	}
	// Already disabled: disabling again blocks nothing.
	if got := impactArmsSQL(policy{maxDays: 365}, policy{maxDays: 365}, now); len(got) != 0 {
		t.Errorf("no change: got %+v, want no arm", got)
	}
}

// TestOutboxInsertSQL: GORM's INSERT of []*entity.OutboxEvent, as
// store/audit_mock_test.go's outboxInsertStep expects it.
func TestOutboxInsertSQL(t *testing.T) {
	want := "INSERT INTO `outbox_events` (`id`,`organization_id`,`event_type`,`occurred_at`,`audit_event_id`,`token_id`,`payload`,`dispatched_at`) VALUES " +
		"(?,?,?,?,?,?,?,?),(?,?,?,?,?,?,?,?)"
	if got := outboxInsertSQL(2); got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	args := outboxArgs(7, []string{"a", "b"}, 42)
	if len(args) != 2*len(outboxColumns) || args[1] != int64(7) || args[2] != "token.revoked" || args[3] != int64(42) || args[5] != "a" || args[6] != nil || args[7] != nil {
		t.Errorf("outboxArgs: got %v", args)
	}
}

// TestReceiptsRate: deliveries per second from the first request to the
// last, none for fewer than two.
func TestReceiptsRate(t *testing.T) {
	t0 := time.Now()
	if got := (receipts{n: 101, first: t0, last: t0.Add(2 * time.Second)}).rate(); got != 50 {
		t.Errorf("got %v, want 50", got)
	}
	if got := (receipts{n: 1, first: t0, last: t0}).rate(); got != 0 {
		t.Errorf("one request: got %v, want 0", got)
	}
}
