package entity

import (
	"testing"
	"time"
)

// TestLifespanMillis: days of 24 hours, in milliseconds.
func TestLifespanMillis(t *testing.T) {
	for _, days := range []int{0, 1, 90, 365} {
		if got, want := LifespanMillis(days), (time.Duration(days) * 24 * time.Hour).Milliseconds(); got != want {
			t.Errorf("LifespanMillis(%d): got %d, want %d", days, got, want)
		}
	}
}
