package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	mysqldriver "github.com/go-sql-driver/mysql"
	"gorm.io/gorm"

	"github.com/patgov/pats/internal/entity"
)

// recountSQL sets the organization's unrevoked-token counter from its rows.
const recountSQL = `UPDATE organizations SET unrevoked_token_count =
  (SELECT COUNT(*) FROM personal_access_tokens t WHERE t.organization_id = ? AND t.revoked_at IS NULL)
WHERE id = ?`

// The session settings LoadTokens turns off for a bulk load on MySQL, and
// back on afterwards.
const (
	bulkChecksOffSQL = "SET SESSION unique_checks = 0, foreign_key_checks = 0"
	bulkChecksOnSQL  = "SET SESSION unique_checks = 1, foreign_key_checks = 1"
)

// loadBatch is a batch of tokens with the given IDs, and the exact
// multi-row INSERT that writes it with its arguments.
func loadBatch(ids ...string) ([]*entity.PersonalAccessToken, step) {
	batch := make([]*entity.PersonalAccessToken, len(ids))
	var args []driver.Value
	for i, id := range ids {
		batch[i] = &entity.PersonalAccessToken{
			ID: id, OrganizationID: testOrgID, OwnerID: testOwnerID, Name: "n", NameKey: "n", Scopes: " a ",
			TokenDigest: []byte("digest-" + id), Hint: "pat_" + id,
			CreatedAt: entity.TimeFromMillis(testNow), ExpiresAt: entity.TimeFromMillis(testNow + 1000),
		}
		args = append(args, argsOf(id, testOrgID, testOwnerID, "n", "n", " a ", []byte("digest-"+id), "pat_"+id,
			testNow, testNow+1000, nil, nil, nil, nil, nil, nil, nil, nil)...)
	}
	rows := strings.TrimSuffix(strings.Repeat("("+placeholders(tokenInsertColumns)+"),", len(ids)), ",")
	sql := strings.Replace(createTokenInsertSQL, "("+placeholders(tokenInsertColumns)+")", rows, 1)
	return batch, exec(sql, args...).affecting(int64(len(ids)))
}

// batchesOf is a closed channel holding batches.
func batchesOf(batches ...[]*entity.PersonalAccessToken) <-chan []*entity.PersonalAccessToken {
	ch := make(chan []*entity.PersonalAccessToken, len(batches))
	for _, b := range batches {
		ch <- b
	}
	close(ch)
	return ch
}

// TestLoadTokens pins the statements of a bulk load on MySQL: the
// session's unique and foreign-key checks off, one multi-row INSERT per
// batch (atomic on its own: no transaction), the checks back on. Every
// statement runs on the one connection whose session checks were turned
// off, and the checks are turned back on on that connection before it
// returns to the pool, also after a failed batch. (gorm's Connection hands
// over a *gorm.DB whose Statement is shared by every call made on it: an
// implicit transaction would move later statements to the pool, and a
// failed one would silence the restoring SET.)
func TestLoadTokens(t *testing.T) {
	b1, insert1 := loadBatch("01A")
	b2, insert2 := loadBatch("01B", "01C", "01D")
	b3, insert3 := loadBatch("01A")
	b4, insert4 := loadBatch("01B")
	b5, failing := loadBatch("01C")
	off := exec(bulkChecksOffSQL).affecting(0)
	on := exec(bulkChecksOnSQL).affecting(0)
	const raw, create = "raw on *sql.Conn", "create on *sql.Conn"
	tests := []struct {
		name      string
		batches   [][]*entity.PersonalAccessToken
		steps     []step
		wantPools []string
		wantErr   bool
	}{
		{name: "no batches", steps: []step{off, on}, wantPools: []string{raw, raw}},
		{
			name:      "one statement per batch",
			batches:   [][]*entity.PersonalAccessToken{b1, b2},
			steps:     []step{off, insert1, insert2, on},
			wantPools: []string{raw, create, create, raw},
		},
		{
			name:      "two batches",
			batches:   [][]*entity.PersonalAccessToken{b3, b4},
			steps:     []step{off, insert3, insert4, on},
			wantPools: []string{raw, create, create, raw},
		},
		{
			name:      "failed batch restores the checks",
			batches:   [][]*entity.PersonalAccessToken{b5},
			steps:     []step{off, failing.failing(errDB), on},
			wantPools: []string{raw, create, raw},
			wantErr:   true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := mockStore(t, tt.steps...)
			var pools []string
			record := func(what string) func(*gorm.DB) {
				return func(db *gorm.DB) { pools = append(pools, fmt.Sprintf("%s on %T", what, db.Statement.ConnPool)) }
			}
			if err := s.db.Callback().Raw().Before("gorm:raw").Register("test:pool", record("raw")); err != nil {
				t.Fatalf("register callback: got %v, want nil", err)
			}
			if err := s.db.Callback().Create().Before("gorm:begin_transaction").Register("test:pool", record("create")); err != nil {
				t.Fatalf("register callback: got %v, want nil", err)
			}
			err := s.LoadTokens(context.Background(), batchesOf(tt.batches...))
			var myErr *mysqldriver.MySQLError
			if got := errors.As(err, &myErr); got != tt.wantErr || (!tt.wantErr && err != nil) {
				t.Errorf("LoadTokens: got %v, want database error %v", err, tt.wantErr)
			}
			if !slices.Equal(pools, tt.wantPools) {
				t.Errorf("connections: got %v, want %v", pools, tt.wantPools)
			}
		})
	}
}
