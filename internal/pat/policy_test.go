package pat_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/patgov/pats/internal/entity"
	"github.com/patgov/pats/internal/pat"
)

const day = 24 * time.Hour

var created = entity.TimeOf(time.Date(2026, 1, 1, 9, 30, 0, 123_000_000, time.UTC))

func TestEffectiveExpiry(t *testing.T) {
	tests := []struct {
		name     string
		expires  entity.Time
		maxDays  int
		wantTime entity.Time
	}{
		{"own expiry earlier", entity.TimeOf(created.Add(10 * day)), 30, entity.TimeOf(created.Add(10 * day))},
		{"cap earlier", entity.TimeOf(created.Add(60 * day)), 30, entity.TimeOf(created.Add(30 * day))},
		{"equal", entity.TimeOf(created.Add(30 * day)), 30, entity.TimeOf(created.Add(30 * day))},
		{"cap earlier by one millisecond", entity.TimeOf(created.Add(30*day + time.Millisecond)), 30, entity.TimeOf(created.Add(30 * day))},
		{"own expiry earlier by one millisecond", entity.TimeOf(created.Add(30*day - time.Millisecond)), 30, entity.TimeOf(created.Add(30*day - time.Millisecond))},
		{"lowered to one day", entity.TimeOf(created.Add(60 * day)), 1, entity.TimeOf(created.Add(day))},
		{"raise restores own expiry", entity.TimeOf(created.Add(60 * day)), 90, entity.TimeOf(created.Add(60 * day))},
		{"maximum lifespan", entity.TimeOf(created.Add(800 * day)), 730, entity.TimeOf(created.Add(730 * day))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := pat.EffectiveExpiry(created, tt.expires, tt.maxDays)
			if got.Millis() != tt.wantTime.Millis() {
				t.Errorf("EffectiveExpiry: got %v, want %v", got, tt.wantTime)
			}
		})
	}
	t.Run("lower then raise", func(t *testing.T) {
		expires := entity.TimeOf(created.Add(60 * day))
		lowered := pat.EffectiveExpiry(created, expires, 30)
		raised := pat.EffectiveExpiry(created, expires, 90)
		if want := created.Add(30 * day).UnixMilli(); lowered.Millis() != want {
			t.Errorf("lowered: got %v, want %v", lowered, entity.TimeFromMillis(want))
		}
		if raised.Millis() != expires.Millis() {
			t.Errorf("raised: got %v, want %v", raised, expires)
		}
	})
}

func TestLatestAllowedExpiry(t *testing.T) {
	// 2026-03-29 is a DST change in many zones; days are still 24 hours.
	now := entity.TimeOf(time.Date(2026, 3, 28, 12, 0, 0, 0, time.UTC))
	tests := []struct {
		days int
		want int64
	}{
		{1, now.Millis() + 86_400_000},
		{2, now.Millis() + 2*86_400_000},
		{90, now.Millis() + 90*86_400_000},
		{730, now.Millis() + 730*86_400_000},
	}
	for _, tt := range tests {
		t.Run(time.Duration(tt.days*24*int(time.Hour)).String(), func(t *testing.T) {
			if got := pat.LatestAllowedExpiry(now, tt.days); got.Millis() != tt.want {
				t.Errorf("LatestAllowedExpiry(%d days): got %v, want %v", tt.days, got, entity.TimeFromMillis(tt.want))
			}
		})
	}
}

func TestStatus(t *testing.T) {
	now := entity.TimeOf(time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC))
	revokedAt := entity.TimeOf(now.Add(-time.Hour))
	tests := []struct {
		name      string
		revokedAt *entity.Time
		effective entity.Time
		want      entity.TokenStatus
	}{
		{"active", nil, entity.TimeOf(now.Add(time.Millisecond)), entity.TokenStatusActive},
		{"expires exactly now is expired", nil, now, entity.TokenStatusExpired},
		{"expired", nil, entity.TimeOf(now.Add(-time.Millisecond)), entity.TokenStatusExpired},
		{"revoked while active", &revokedAt, entity.TimeOf(now.Add(day)), entity.TokenStatusRevoked},
		{"revoked and expired", &revokedAt, entity.TimeOf(now.Add(-day)), entity.TokenStatusRevoked},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := pat.Status(tt.revokedAt, tt.effective, now); got != tt.want {
				t.Errorf("Status: got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestCleanTokenValue(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"  Bearer x ", "x"},
		{"bearer x", "x"},
		{"BEARER   x", "x"},
		{"x", "x"},
		{"Bearerx", "Bearerx"},
		{"\tBearer x\r\n", "x"},
		{"Bearer", "Bearer"},
		{"  x  ", "x"},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := pat.CleanTokenValue(tt.in); got != tt.want {
				t.Errorf("CleanTokenValue(%q): got %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestNormalizeScopeList(t *testing.T) {
	tooLong := strings.Repeat("a", 101)
	tests := []struct {
		name    string
		in      []string
		want    []string
		wantErr bool
	}{
		{"sorts", []string{"b", "a", "c"}, []string{"a", "b", "c"}, false},
		{"dedupes", []string{"OR.Jobs", "OR.Assets", "OR.Jobs"}, []string{"OR.Assets", "OR.Jobs"}, false},
		{"trims around", []string{" OR.Jobs ", "OR.Jobs"}, []string{"OR.Jobs"}, false},
		{"case-sensitive", []string{"a", "A"}, []string{"A", "a"}, false},
		{"100 characters", []string{tooLong[:100]}, []string{tooLong[:100]}, false},
		{"empty list", []string{}, []string{}, false},
		{"rejects empty", []string{"a", ""}, nil, true},
		{"rejects blank", []string{"   "}, nil, true},
		{"rejects inner space", []string{"OR Jobs"}, nil, true},
		{"rejects inner tab", []string{"OR\tJobs"}, nil, true},
		{"rejects inner newline", []string{"OR\nJobs"}, nil, true},
		{"rejects non-breaking space", []string{"OR\u00a0Jobs"}, nil, true},
		{"rejects over 100 characters", []string{tooLong}, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := pat.NormalizeScopeList(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("NormalizeScopeList(%q) error: got %v, want error %v", tt.in, err, tt.wantErr)
			}
			if !tt.wantErr && !slices.Equal(got, tt.want) {
				t.Errorf("NormalizeScopeList(%q): got %q, want %q", tt.in, got, tt.want)
			}
		})
	}
	t.Run("does not modify its input", func(t *testing.T) {
		in := []string{"b", "a", "b"}
		if _, err := pat.NormalizeScopeList(in); err != nil {
			t.Fatalf("NormalizeScopeList: got %v, want nil", err)
		}
		if want := []string{"b", "a", "b"}; !slices.Equal(in, want) {
			t.Errorf("input: got %q, want %q", in, want)
		}
	})
	t.Run("default scopes are already normal", func(t *testing.T) {
		got, err := pat.NormalizeScopeList(pat.DefaultScopes)
		if err != nil || !slices.Equal(got, pat.DefaultScopes) {
			t.Errorf("NormalizeScopeList(DefaultScopes): got %q, %v, want %q, nil", got, err, pat.DefaultScopes)
		}
	})
}
