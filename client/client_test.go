package client

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/Khan/genqlient/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// TestNewSendsBearer: every request carries the Authorization header, and
// the caller's http.Client is left as it was.
func TestNewSendsBearer(t *testing.T) {
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r.Header.Get("Authorization"))
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"data":{"availableScopes":["a.read"]}}`)
	}))
	defer srv.Close()

	hc := &http.Client{Timeout: 5 * time.Second}
	c := New(srv.URL, "jwt-value", hc)
	for range 2 {
		resp, err := AvailableScopes(t.Context(), c)
		if err != nil {
			t.Fatalf("AvailableScopes: %v", err)
		}
		if want := []string{"a.read"}; fmt.Sprint(resp.AvailableScopes) != fmt.Sprint(want) {
			t.Errorf("availableScopes: got %v, want %v", resp.AvailableScopes, want)
		}
	}
	for i, h := range got {
		if h != "Bearer jwt-value" {
			t.Errorf("request %d Authorization: got %q, want %q", i, h, "Bearer jwt-value")
		}
	}
	if hc.Transport != nil {
		t.Errorf("caller's Transport: got %T, want it unchanged (nil)", hc.Transport)
	}
}

// TestTimeEncoding: Time inputs are UTC with exactly milliseconds; any RFC
// 3339 output is read, and null leaves the value alone.
func TestTimeEncoding(t *testing.T) {
	in := time.Date(2026, 11, 27, 8, 27, 53, 123456789, time.FixedZone("CET", 3600))
	b, err := MarshalTime(&in)
	if err != nil {
		t.Fatalf("MarshalTime: %v", err)
	}
	if got, want := string(b), `"2026-11-27T07:27:53.123Z"`; got != want {
		t.Errorf("MarshalTime: got %s, want %s", got, want)
	}
	if b, _ := MarshalTime(nil); string(b) != "null" {
		t.Errorf("MarshalTime(nil): got %s, want null", b)
	}

	cases := []struct {
		in   string
		want time.Time
	}{
		{`"2026-11-27T07:27:53.123Z"`, time.Date(2026, 11, 27, 7, 27, 53, 123e6, time.UTC)},
		{`"2026-11-27T08:27:53+01:00"`, time.Date(2026, 11, 27, 7, 27, 53, 0, time.UTC)},
		{`null`, time.Time{}},
	}
	for _, tc := range cases {
		var got time.Time
		if err := UnmarshalTime([]byte(tc.in), &got); err != nil {
			t.Errorf("UnmarshalTime(%s): %v", tc.in, err)
			continue
		}
		if !got.Equal(tc.want) || got.Location() != time.UTC {
			t.Errorf("UnmarshalTime(%s): got %v, want %v in UTC", tc.in, got, tc.want)
		}
	}
	for _, bad := range []string{`"yesterday"`, `12`, `"2026-11-27T07:27:53"`} {
		var got time.Time
		if err := UnmarshalTime([]byte(bad), &got); err == nil {
			t.Errorf("UnmarshalTime(%s): got %v, want an error", bad, got)
		}
	}
}

// TestTimeInFilter: a nil Time filter field is sent as null, a set one in
// the schema's format.
func TestTimeInFilter(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 6e6, time.UTC)
	b, err := json.Marshal(&PersonalAccessTokenFilter{ExpiresBefore: &at})
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	var got map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("unmarshal: %v", err)
	}
	if got["expiresBefore"] != "2026-01-02T03:04:05.006Z" {
		t.Errorf("expiresBefore: got %v, want 2026-01-02T03:04:05.006Z", got["expiresBefore"])
	}
	for _, f := range []string{"expiresAfter", "lastUsedBefore", "neverUsed", "search", "status"} {
		if v, ok := got[f]; !ok || v != nil {
			t.Errorf("%s: got %v (present %v), want null", f, v, ok)
		}
	}
}

// TestErrorCode reads extensions.code from every shape of error the
// generated functions return.
func TestErrorCode(t *testing.T) {
	forbidden := gqlerror.List{{Message: "forbidden", Extensions: map[string]any{"code": "FORBIDDEN"}}}
	cases := []struct {
		name string
		err  error
		want string
	}{
		{"nil", nil, ""},
		{"GraphQL errors (HTTP 200)", forbidden, "FORBIDDEN"},
		{"wrapped", fmt.Errorf("list tokens: %w", forbidden), "FORBIDDEN"},
		{"first error without a code", gqlerror.List{{Message: "x"}, forbidden[0]}, "FORBIDDEN"},
		{"one error", forbidden[0], "FORBIDDEN"},
		{"HTTP error", &graphql.HTTPError{StatusCode: 401, Response: graphql.Response{
			Errors: gqlerror.List{{Message: "unauthenticated", Extensions: map[string]any{"code": "UNAUTHENTICATED"}}}}}, "UNAUTHENTICATED"},
		{"HTTP error without JSON", &graphql.HTTPError{StatusCode: 502, Response: graphql.Response{
			Errors: gqlerror.List{{Message: "<html>bad gateway</html>"}}}}, ""},
		{"other", errors.New("connection refused"), ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := ErrorCode(tc.err); got != tc.want {
				t.Errorf("ErrorCode: got %q, want %q", got, tc.want)
			}
		})
	}
}
