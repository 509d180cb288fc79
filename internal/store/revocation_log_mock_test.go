package store

import (
	"bytes"
	"context"
	"reflect"
	"testing"

	"github.com/DATA-DOG/go-sqlmock"

	"github.com/patgov/pats/internal/entity"
)

// TestRevocationDigests: one statement for the rows asked, each row's
// blob split into its 32-byte digests; a blob that is not whole digests
// is an error, not a truncated digest.
func TestRevocationDigests(t *testing.T) {
	d := func(b byte) []byte { return bytes.Repeat([]byte{b}, 32) }
	const sql = "/* change poll */ SELECT digests FROM revocation_log WHERE id IN (?,?)"
	s := mockStore(t, query(sql, int64(4), int64(9)).
		returning(sqlmock.NewRows([]string{"digests"}).AddRow(append(d(1), d(2)...)).AddRow(d(3))))
	got, err := s.RevocationDigests(context.Background(), []int64{4, 9})
	if err != nil || !reflect.DeepEqual(got, [][]byte{d(1), d(2), d(3)}) {
		t.Fatalf("RevocationDigests: got %x, %v; want the three digests", got, err)
	}

	s = mockStore(t, query(sql, int64(4), int64(9)).returning(sqlmock.NewRows([]string{"digests"}).AddRow(d(1)[:31])))
	if got, err := s.RevocationDigests(context.Background(), []int64{4, 9}); err == nil {
		t.Fatalf("RevocationDigests of a 31-byte row: got %x, want an error", got)
	}

	s = mockStore(t) // no rows asked: no statement
	if got, err := s.RevocationDigests(context.Background(), nil); err != nil || got != nil {
		t.Fatalf("RevocationDigests(nil): got %x, %v", got, err)
	}
}

// TestPruneRevocationLog: one DELETE of the rows logged before the bound,
// marked as background work.
func TestPruneRevocationLog(t *testing.T) {
	s := mockStore(t, exec("/* change poll */ DELETE FROM revocation_log WHERE logged_at < ?", testNow).affecting(7))
	n, err := s.PruneRevocationLog(context.Background(), entity.TimeFromMillis(testNow))
	if err != nil || n != 7 {
		t.Fatalf("PruneRevocationLog: got %d, %v; want 7", n, err)
	}
}
