package entity

import (
	"database/sql/driver"
	"fmt"
	"strconv"
	"time"
)

// Time is an instant with millisecond precision, stored as BIGINT Unix
// milliseconds on every dialect. One integer representation keeps ordering,
// keyset comparisons and lifespan arithmetic identical on SQLite and MySQL
// (no text-format or fractional-second truncation differences), and lets SQL
// add a lifespan to a timestamp with plain integer arithmetic.
type Time struct{ time.Time }

// TimeOf returns t truncated to milliseconds, in UTC.
func TimeOf(t time.Time) Time { return Time{t.UTC().Truncate(time.Millisecond)} }

// TimeFromMillis converts Unix milliseconds to a Time.
func TimeFromMillis(ms int64) Time { return Time{time.UnixMilli(ms).UTC()} }

// Millis returns the Unix milliseconds of t.
func (t Time) Millis() int64 { return t.UnixMilli() }

// GormDataType tells GORM the column holds an integer.
func (Time) GormDataType() string { return "bigint" }

// Value stores t as Unix milliseconds.
func (t Time) Value() (driver.Value, error) { return t.UnixMilli(), nil }

// Scan reads Unix milliseconds.
func (t *Time) Scan(src any) error {
	switch v := src.(type) {
	case int64:
		*t = TimeFromMillis(v)
	case []byte:
		ms, err := strconv.ParseInt(string(v), 10, 64)
		if err != nil {
			return fmt.Errorf("scan time: %w", err)
		}
		*t = TimeFromMillis(ms)
	default:
		return fmt.Errorf("scan time: unsupported type %T", src)
	}
	return nil
}

// timeLayout is RFC 3339 in UTC with exactly three fractional digits.
const timeLayout = "2006-01-02T15:04:05.000Z07:00"

// String formats t as RFC 3339 in UTC with milliseconds.
func (t Time) String() string { return t.UTC().Format(timeLayout) }

// CeilMillis returns the Unix milliseconds of t rounded up: stored times
// (whole milliseconds) are strictly before t exactly when they are before
// CeilMillis.
func (t Time) CeilMillis() int64 {
	ms := t.UnixMilli()
	if t.Sub(time.UnixMilli(ms)) > 0 {
		ms++
	}
	return ms
}
