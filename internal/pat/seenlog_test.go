package pat

import (
	"slices"
	"testing"
	"time"
)

// TestSeenLog: a revocation log row is read once while it can come back in
// the look-back, and forgotten after it (so memory stays bounded).
func TestSeenLog(t *testing.T) {
	s := newSeenLog()
	t0 := time.Unix(1_700_000_000, 0)
	if got := s.unseen([]int64{1, 2}); !slices.Equal(got, []int64{1, 2}) {
		t.Fatalf("unseen of a new log: got %v, want both", got)
	}
	s.add([]int64{1, 2}, t0)
	if got := s.unseen([]int64{1, 2, 3}); !slices.Equal(got, []int64{3}) {
		t.Fatalf("unseen after reading 1 and 2: got %v, want [3]", got)
	}
	s.add([]int64{3}, t0.Add(pollOverlap))
	if got := s.unseen([]int64{1, 2}); len(got) != 0 {
		t.Fatalf("within the look-back: got %v unseen, want none", got)
	}
	s.add(nil, t0.Add(pollOverlap+pollInterval+time.Millisecond))
	if len(s.at) != 1 {
		t.Fatalf("past the look-back: %d rows held, want only row 3", len(s.at))
	}
}
