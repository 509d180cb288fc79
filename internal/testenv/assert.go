package testenv

import (
	"testing"
	"time"
)

// The checks every end-to-end package used to write for itself.

// WantError reports a failure unless r is an error response with the given
// HTTP status and errors[0].extensions.code; the test goes on.
func WantError(t testing.TB, r *Response, status int, code string) {
	t.Helper()
	if r.Status != status {
		t.Errorf("HTTP status: got %d, want %d (body %s)", r.Status, status, r.Raw)
	}
	if got := r.Code(); got != code {
		t.Errorf("extensions.code: got %q, want %q (body %s)", got, code, r.Raw)
	}
}

// RequireError stops the test unless r failed with errors[0].extensions.code
// equal to code, whatever the HTTP status.
func RequireError(t testing.TB, r *Response, code string) {
	t.Helper()
	if len(r.Errors) == 0 {
		t.Fatalf("errors: got none (HTTP %d), want %s: %s", r.Status, code, r.Raw)
	}
	if got := r.Code(); got != code {
		t.Fatalf("extensions.code: got %q, want %q (HTTP %d): %s", got, code, r.Status, r.Raw)
	}
}

// Near reports a failure unless got is within tolerance of want.
func Near(t testing.TB, what string, got, want time.Time, tolerance time.Duration) {
	t.Helper()
	if d := got.Sub(want); d < -tolerance || d > tolerance {
		t.Errorf("%s: got %v, want %v (±%v)", what, got, want, tolerance)
	}
}

// FormatTime formats tm as a Time input: RFC 3339 in UTC, with as many
// fractional digits as tm has.
func FormatTime(tm time.Time) string { return tm.UTC().Format(time.RFC3339Nano) }

// Ptr returns a pointer to a copy of v, for optional inputs.
func Ptr[T any](v T) *T { return &v }
