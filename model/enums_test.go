package model

import (
	"bytes"
	"testing"
)

// TestEnumsRoundTrip: every value of the string-valued enums marshals to
// its GraphQL name and reads back; anything else is an input error naming
// the enum.
func TestEnumsRoundTrip(t *testing.T) {
	check := func(name string, marshal func() string, unmarshal func(any) error, want string) {
		t.Helper()
		if got := marshal(); got != `"`+want+`"` {
			t.Errorf("%s: marshal got %s, want %q", name, got, want)
		}
		if err := unmarshal(want); err != nil {
			t.Errorf("%s: unmarshal %q: %v", name, want, err)
		}
		for _, bad := range []any{"", "nope", want + " ", 42, nil} {
			err := unmarshal(bad)
			if _, ok := err.(InputError); !ok || !bytes.Contains([]byte(err.Error()), []byte(name)) {
				t.Errorf("%s: unmarshal %v: got %v, want an InputError naming %s", name, bad, err, name)
			}
		}
	}
	for _, v := range []TokenStatus{TokenStatusActive, TokenStatusExpired, TokenStatusRevoked} {
		var got TokenStatus
		check("TokenStatus", func() string { var b bytes.Buffer; v.MarshalGQL(&b); return b.String() }, got.UnmarshalGQL, string(v))
	}
	for _, v := range []AuditAction{AuditTokenCreated, AuditTokenRevoked, AuditSettingsUpdated} {
		var got AuditAction
		check("AuditAction", func() string { var b bytes.Buffer; v.MarshalGQL(&b); return b.String() }, got.UnmarshalGQL, string(v))
	}
	for _, v := range []RevocationSource{RevokedByOwner, RevokedByAdmin, RevokedByValue} {
		var got RevocationSource
		check("RevocationSource", func() string { var b bytes.Buffer; v.MarshalGQL(&b); return b.String() }, got.UnmarshalGQL, string(v))
	}
}
