package model_test

// Tests of the Time scalar's wire form (entity.Time, the type every time
// the domain takes and returns).

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/patgov/pats/internal/entity"
	"github.com/patgov/pats/model"
)

func TestUnmarshalTime(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want time.Time
	}{
		{"UTC Z", "2026-01-31T12:00:00Z", time.Date(2026, 1, 31, 12, 0, 0, 0, time.UTC)},
		{"positive offset", "2026-01-31T14:00:00+02:00", time.Date(2026, 1, 31, 12, 0, 0, 0, time.UTC)},
		{"negative offset crosses midnight", "2026-01-31T20:30:00-05:00", time.Date(2026, 2, 1, 1, 30, 0, 0, time.UTC)},
		{"milliseconds kept", "2026-01-31T12:00:00.123Z", time.Date(2026, 1, 31, 12, 0, 0, 123_000_000, time.UTC)},
		{"sub-millisecond kept (storage truncates)", "2026-01-31T12:00:00.123999999+01:00", time.Date(2026, 1, 31, 11, 0, 0, 123_999_999, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := model.UnmarshalTime(tt.in)
			if err != nil {
				t.Fatalf("UnmarshalTime(%q): got %v, want nil", tt.in, err)
			}
			if !got.Equal(tt.want) {
				t.Errorf("UnmarshalTime(%q): got %v, want %v", tt.in, got.Time, tt.want)
			}
			if got.Location() != time.UTC {
				t.Errorf("UnmarshalTime(%q) location: got %v, want UTC", tt.in, got.Location())
			}
			if got.Millis() != tt.want.UnixMilli() {
				t.Errorf("UnmarshalTime(%q) millis: got %d, want %d", tt.in, got.Millis(), tt.want.UnixMilli())
			}
		})
	}
}

func TestUnmarshalTimeRejects(t *testing.T) {
	tests := []struct {
		name string
		in   any
	}{
		{"int", 1769860800000},
		{"float", 1.5},
		{"nil", nil},
		{"bool", true},
		{"time.Time", time.Now()},
		{"bytes", []byte("2026-01-31T12:00:00Z")},
		{"empty", ""},
		{"garbage", "yesterday"},
		{"date only", "2026-01-31"},
		{"no zone", "2026-01-31T12:00:00"},
		{"space separator", "2026-01-31 12:00:00Z"},
		{"bad month", "2026-13-01T00:00:00Z"},
		{"unix millis as string", "1769860800000"},
		{"trailing text", "2026-01-31T12:00:00Z trailing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := model.UnmarshalTime(tt.in)
			if !errors.Is(err, model.ErrInvalidTime) {
				t.Errorf("UnmarshalTime(%#v): got %v, want %v", tt.in, err, model.ErrInvalidTime)
			}
			if !got.IsZero() {
				t.Errorf("UnmarshalTime(%#v): got %v with the error, want the zero Time", tt.in, got)
			}
		})
	}
	var inputErr model.InputError
	if !errors.As(model.ErrInvalidTime, &inputErr) {
		t.Errorf("ErrInvalidTime: got %T, want a model.InputError (mapped to BAD_USER_INPUT)", model.ErrInvalidTime)
	}
}

func TestMarshalTime(t *testing.T) {
	tests := []struct {
		name string
		in   entity.Time
		want string
	}{
		{"whole second", entity.TimeOf(time.Date(2026, 1, 31, 12, 0, 0, 0, time.UTC)), `"2026-01-31T12:00:00.000Z"`},
		{"milliseconds", entity.TimeFromMillis(1769860800123), `"2026-01-31T12:00:00.123Z"`},
		{"non-UTC location shown in UTC", entity.Time{Time: time.Date(2026, 1, 31, 14, 0, 0, 5_000_000, time.FixedZone("EET", 2*3600))}, `"2026-01-31T12:00:00.005Z"`},
		{"epoch", entity.TimeFromMillis(0), `"1970-01-01T00:00:00.000Z"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			model.MarshalTime(tt.in).MarshalGQL(&buf)
			if got := buf.String(); got != tt.want {
				t.Errorf("MarshalTime: got %s, want %s", got, tt.want)
			}
			if _, err := time.Parse(`"2006-01-02T15:04:05.000Z"`, buf.String()); err != nil {
				t.Errorf("MarshalTime output %s: got layout error %v, want the 2006-01-02T15:04:05.000Z layout", buf.String(), err)
			}
		})
	}
}

func TestTimeRoundTrip(t *testing.T) {
	in := "2026-07-04T23:59:59.999-07:00"
	v, err := model.UnmarshalTime(in)
	if err != nil {
		t.Fatalf("UnmarshalTime(%q): got %v, want nil", in, err)
	}
	var buf bytes.Buffer
	model.MarshalTime(v).MarshalGQL(&buf)
	if got, want := buf.String(), `"2026-07-05T06:59:59.999Z"`; got != want {
		t.Errorf("round trip: got %s, want %s", got, want)
	}
}
