package client

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
)

// TimeLayout is the schema's Time format: RFC 3339 in UTC with exactly
// three fractional digits, e.g. "2026-11-27T07:27:53.123Z".
const TimeLayout = "2006-01-02T15:04:05.000Z07:00"

// MarshalTime encodes a Time argument in UTC with millisecond precision
// (the server keeps milliseconds; finer digits are truncated here rather
// than by the server). genqlient calls it for every Time input.
func MarshalTime(v *time.Time) ([]byte, error) {
	if v == nil {
		return []byte("null"), nil
	}
	return json.Marshal(v.UTC().Truncate(time.Millisecond).Format(TimeLayout))
}

// UnmarshalTime decodes a Time result. Any RFC 3339 string is accepted; a
// JSON null leaves v unchanged.
func UnmarshalTime(b []byte, v *time.Time) error {
	if bytes.Equal(b, []byte("null")) {
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("time: %w", err)
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return fmt.Errorf("time: %w", err)
	}
	*v = t.UTC()
	return nil
}
