package store

import (
	"context"
	"database/sql/driver"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/DATA-DOG/go-sqlmock"
	"github.com/oklog/ulid/v2"

	"github.com/patgov/pats/internal/entity"
)

// changesSQL is the change poll: one statement over the four tables, on
// their change-time indexes (creations on the tokens' primary key; the
// revocation log's rows by their IDs only). It spans every organization on purpose (it
// feeds the validation caches of every instance), so the organization
// scoping test does not cover it.
const changesSQL = `/* change poll */ SELECT 'r' AS kind, NULL AS digest, id FROM revocation_log WHERE logged_at >= ?
UNION ALL SELECT 'c', token_digest, 0 FROM personal_access_tokens WHERE id >= ?
UNION ALL SELECT 'o', NULL, id FROM organizations WHERE settings_updated_at >= ?
UNION ALL SELECT 'u', NULL, id FROM users WHERE updated_at >= ?`

// recordUsesSQL writes the last use of n tokens in one statement: a CASE
// on the token ID for the new value, and the same CASE in the condition
// that keeps last_used_at from moving backwards.
func recordUsesSQL(n int) string {
	cases := "CASE id" + strings.Repeat(" WHEN ? THEN ?", n) + " END"
	return "UPDATE personal_access_tokens SET last_used_at = " + cases +
		" WHERE id IN (" + placeholders(n) + ") AND (last_used_at IS NULL OR last_used_at < " + cases + ")"
}

// testFirstID is the smallest ULID made at testNow: creations are polled
// on the primary key from it.
var testFirstID = func() string {
	var id ulid.ULID
	if err := id.SetTime(uint64(testNow)); err != nil {
		panic(err)
	}
	return id.String()
}()

func TestChangesSince(t *testing.T) {
	cols := []string{"kind", "digest", "id"}
	tests := []struct {
		name string
		rows *sqlmock.Rows
		want Changes
	}{
		{
			name: "rows are split by kind",
			rows: sqlmock.NewRows(cols).
				AddRow("r", nil, int64(41)).
				AddRow("r", nil, int64(42)).
				AddRow("c", []byte("digest-3"), 0).
				AddRow("o", nil, testOrgID).
				AddRow("u", nil, testOwnerID).
				AddRow("u", nil, int64(8)),
			want: Changes{
				RevocationLogIDs: []int64{41, 42},
				CreatedDigests:   [][]byte{[]byte("digest-3")},
				OrgIDs:           []int64{testOrgID},
				UserIDs:          []int64{testOwnerID, 8},
			},
		},
		{
			name: "only organizations changed",
			rows: sqlmock.NewRows(cols).AddRow("o", nil, int64(1)).AddRow("o", nil, int64(2)),
			want: Changes{OrgIDs: []int64{1, 2}},
		},
		{
			name: "nothing changed",
			rows: sqlmock.NewRows(cols),
			want: Changes{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.HasPrefix(changesSQL, "/* change poll */ ") {
				t.Fatalf("change poll SQL: got %q, want the /* change poll */ marker first", changesSQL)
			}
			s := mockStore(t, query(changesSQL, testNow, testFirstID, testNow, testNow).returning(tt.rows))
			got, err := s.ChangesSince(context.Background(), entity.TimeFromMillis(testNow))
			if err != nil {
				t.Fatalf("ChangesSince: got %v, want nil", err)
			}
			if !reflect.DeepEqual(*got, tt.want) {
				t.Errorf("ChangesSince: got %+v, want %+v", *got, tt.want)
			}
		})
	}
}

// capture is a sqlmock argument matcher that accepts any value and
// records it, for statements whose argument order follows map iteration.
type capture struct{ got *[]driver.Value }

func (c capture) Match(v driver.Value) bool {
	*c.got = append(*c.got, v)
	return true
}

// TestRecordUses checks that the last uses of several tokens are written
// in one statement, that each token's CASE branch binds its own time (in
// the new value and in the never-backwards condition alike), and that an
// empty batch sends nothing.
func TestRecordUses(t *testing.T) {
	tests := []struct {
		name string
		uses map[string]entity.Time
	}{
		{name: "no uses sends no statement", uses: map[string]entity.Time{}},
		{name: "one token", uses: map[string]entity.Time{"01A": entity.TimeFromMillis(testNow)}},
		{name: "several tokens in one statement", uses: map[string]entity.Time{
			"01A": entity.TimeFromMillis(testNow),
			"01B": entity.TimeFromMillis(testNow - 1),
			"01C": entity.TimeFromMillis(testNow + 60_000),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := len(tt.uses)
			var args []driver.Value
			var steps []step
			if n > 0 {
				sql := recordUsesSQL(n)
				if want := "(last_used_at IS NULL OR last_used_at < CASE id WHEN ? THEN ?"; !strings.Contains(sql, want) {
					t.Fatalf("RecordUses SQL: got %q, want the never-backwards condition %q", sql, want)
				}
				matchers := make([]driver.Value, 5*n)
				for i := range matchers {
					matchers[i] = capture{&args}
				}
				steps = append(steps, exec(sql, matchers...).affecting(int64(n)))
			}
			if err := mockStore(t, steps...).RecordUses(context.Background(), tt.uses); err != nil {
				t.Fatalf("RecordUses: got %v, want nil", err)
			}
			if len(args) != 5*n {
				t.Fatalf("arguments: got %d, want %d", len(args), 5*n)
			}
			// args: n (id, time) pairs, the n IDs of IN, the n pairs again.
			pairs, ids, again := args[:2*n], args[2*n:3*n], args[3*n:]
			got := map[string]int64{}
			for i := 0; i < n; i++ {
				id, at := fmt.Sprint(pairs[2*i]), pairs[2*i+1]
				ms, ok := at.(int64)
				if !ok {
					t.Errorf("time of %s: got %T %v, want int64 milliseconds", id, at, at)
				}
				got[id] = ms
				if ids[i] != pairs[2*i] {
					t.Errorf("IN argument %d: got %v, want %v (the CASE order)", i, ids[i], pairs[2*i])
				}
			}
			want := map[string]int64{}
			for id, at := range tt.uses {
				want[id] = at.Millis()
			}
			if n > 0 && !reflect.DeepEqual(got, want) {
				t.Errorf("new values: got %v, want %v", got, want)
			}
			if !reflect.DeepEqual(again, pairs) {
				t.Errorf("condition's CASE arguments: got %v, want %v (the new values')", again, pairs)
			}
		})
	}
}
