package entity

import (
	"testing"
	"time"
)

func TestTimeCeilMillis(t *testing.T) {
	tests := []struct {
		name string
		in   time.Time
		want int64
	}{
		{"whole millisecond", time.UnixMilli(1_000), 1_000},
		{"half a millisecond rounds up", time.UnixMilli(1_000).Add(500 * time.Microsecond), 1_001},
		{"one nanosecond rounds up", time.UnixMilli(1_000).Add(time.Nanosecond), 1_001},
		{"before the epoch", time.UnixMilli(-1_000).Add(time.Nanosecond), -999},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := (Time{Time: tt.in}).CeilMillis(); got != tt.want {
				t.Errorf("CeilMillis: got %d, want %d", got, tt.want)
			}
		})
	}
}
