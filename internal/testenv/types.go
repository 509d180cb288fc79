package testenv

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"
)

// The typed shapes of the API's responses, shared by the end-to-end tests
// so that an assertion names the field it checks. Non-null fields of the
// schema are values; nullable ones are pointers, so a test can tell null
// from a zero value. A field the query did not select stays zero.

// Time is a GraphQL Time value: the instant and the exact text the API
// sent, for tests that check the format.
type Time struct {
	time.Time
	// Text is the value as the API sent it.
	Text string
}

// UnmarshalJSON accepts only an RFC 3339 string.
func (tm *Time) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("time: got %s, want an RFC 3339 string", b)
	}
	parsed, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return fmt.Errorf("time %q: %w", s, err)
	}
	tm.Time, tm.Text = parsed, s
	return nil
}

// String returns the text the API sent.
func (tm Time) String() string { return tm.Text }

// Same reports whether two nullable times are both null or both the same
// text, as a test comparing the API's answers wants.
func (tm *Time) Same(other *Time) bool {
	if tm == nil || other == nil {
		return tm == other
	}
	return tm.Text == other.Text
}

// User is a User: a token's owner or revoker, an event's actor, the viewer.
type User struct {
	ID          string `json:"id"`
	Email       string `json:"email"`
	Name        string `json:"name"`
	AccountType string `json:"accountType"`
}

// String shows every field, so failure messages show a *User too.
func (u User) String() string {
	return fmt.Sprintf("{id:%s email:%s name:%s accountType:%s}", u.ID, u.Email, u.Name, u.AccountType)
}

// Token is a PersonalAccessToken.
type Token struct {
	ID               string   `json:"id"`
	Name             string   `json:"name"`
	Owner            User     `json:"owner"`
	Scopes           []string `json:"scopes"`
	CreatedAt        Time     `json:"createdAt"`
	ExpiresAt        Time     `json:"expiresAt"`
	LastUsedAt       *Time    `json:"lastUsedAt"`
	Status           string   `json:"status"`
	RevokedAt        *Time    `json:"revokedAt"`
	RevokedBy        *User    `json:"revokedBy"`
	RevocationSource *string  `json:"revocationSource"`
	Hint             string   `json:"hint"`
}

// PageInfo is a Relay connection's PageInfo.
type PageInfo struct {
	HasNextPage     bool    `json:"hasNextPage"`
	EndCursor       *string `json:"endCursor"`
	HasPreviousPage bool    `json:"hasPreviousPage"`
	StartCursor     *string `json:"startCursor"`
}

// Edge is one edge of a Connection.
type Edge[T any] struct {
	Cursor string `json:"cursor"`
	Node   T      `json:"node"`
}

// Connection is a Relay connection of T (tokens, users, audit events).
type Connection[T any] struct {
	Edges      []Edge[T] `json:"edges"`
	Nodes      []T       `json:"nodes"`
	PageInfo   PageInfo  `json:"pageInfo"`
	TotalCount int       `json:"totalCount"`
}

// CreatePayload is a CreatePersonalAccessTokenPayload.
type CreatePayload struct {
	// Token is the secret, shown this once.
	Token               string `json:"token"`
	PersonalAccessToken Token  `json:"personalAccessToken"`
}

// RevokePayload is a RevokeTokensPayload.
type RevokePayload struct {
	RevokedCount int     `json:"revokedCount"`
	Tokens       []Token `json:"tokens"`
}

// RevokeByValuePayload is a RevokeTokenByValuePayload.
type RevokeByValuePayload struct {
	Outcome string `json:"outcome"`
	Token   Token  `json:"token"`
}

// RevokeByValuesPayload is a RevokeTokensByValuePayload.
type RevokeByValuesPayload struct {
	RevokedCount int                   `json:"revokedCount"`
	Results      []RevokeByValueResult `json:"results"`
}

// RevokeByValueResult is one value's result of revokeTokensByValue.
type RevokeByValueResult struct {
	Index   int    `json:"index"`
	Outcome string `json:"outcome"`
	Token   *Token `json:"token"`
}

// Settings is an OrganizationPatSettings.
type Settings struct {
	Enabled               bool  `json:"enabled"`
	MaxLifespanDays       int   `json:"maxLifespanDays"`
	RevokeUnusedAfterDays int   `json:"revokeUnusedAfterDays"`
	UpdatedAt             *Time `json:"updatedAt"`
	UpdatedBy             *User `json:"updatedBy"`
}

// AuditedToken is the token an audit event is about, as it was then.
type AuditedToken struct {
	ID        string   `json:"id"`
	Name      string   `json:"name"`
	Owner     User     `json:"owner"`
	Scopes    []string `json:"scopes"`
	ExpiresAt Time     `json:"expiresAt"`
	Hint      string   `json:"hint"`
}

// SettingsChange is an AuditedSettingsChange.
type SettingsChange struct {
	PreviousEnabled         bool `json:"previousEnabled"`
	Enabled                 bool `json:"enabled"`
	PreviousMaxLifespanDays int  `json:"previousMaxLifespanDays"`
	MaxLifespanDays         int  `json:"maxLifespanDays"`
}

// AuditEvent is an AuditEvent.
type AuditEvent struct {
	ID               string          `json:"id"`
	Action           string          `json:"action"`
	OccurredAt       Time            `json:"occurredAt"`
	Actor            User            `json:"actor"`
	Token            *AuditedToken   `json:"token"`
	RevocationSource *string         `json:"revocationSource"`
	SettingsChange   *SettingsChange `json:"settingsChange"`
	RequestID        string          `json:"requestId"`
	ClientRequestID  *string         `json:"clientRequestId"`
	ClientIP         string          `json:"clientIp"`
	UserAgent        string          `json:"userAgent"`
}

// DecodeData decodes r's data into out (a pointer to a struct whose fields
// are the queried root fields), failing t if it does not fit. It reads the
// raw body, so numbers and times arrive as the API sent them.
func (r *Response) DecodeData(t testing.TB, out any) {
	t.Helper()
	if err := r.UnmarshalData(out); err != nil {
		t.Fatalf("%v", err)
	}
}

// UnmarshalData is DecodeData that returns the error instead, for
// goroutines other than the test's.
func (r *Response) UnmarshalData(out any) error {
	raw := []byte(r.Raw)
	if r.Raw == "" {
		var err error
		if raw, err = json.Marshal(map[string]any{"data": r.Data}); err != nil {
			return fmt.Errorf("marshal data: %w", err)
		}
	}
	var body struct {
		Data json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(raw, &body); err != nil {
		return fmt.Errorf("decode response (HTTP %d): %w: %s", r.Status, err, r.Raw)
	}
	if len(body.Data) == 0 {
		body.Data = json.RawMessage("null")
	}
	if err := json.Unmarshal(body.Data, out); err != nil {
		return fmt.Errorf("decode data into %T: %w: %s", out, err, body.Data)
	}
	return nil
}

// MustDoInto is MustDo that decodes the data into out.
func (c *Client) MustDoInto(query string, vars map[string]any, out any) {
	c.t.Helper()
	r := c.Do(query, vars)
	if len(r.Errors) > 0 || r.Status != http.StatusOK {
		c.t.Fatalf("unexpected errors (HTTP %d): %s", r.Status, r.Raw)
	}
	r.DecodeData(c.t, out)
}

// RevocationPreview is a RevocationPreview.
type RevocationPreview struct {
	MatchingCount int     `json:"matchingCount"`
	OwnerCount    int     `json:"ownerCount"`
	Sample        []Token `json:"sample"`
	Confirmation  string  `json:"confirmation"`
	ExpiresAt     Time    `json:"expiresAt"`
}

// RevocationJob is a RevocationJob.
type RevocationJob struct {
	ID         string `json:"id"`
	State      string `json:"state"`
	Total      int    `json:"total"`
	Revoked    int    `json:"revoked"`
	CreatedAt  Time   `json:"createdAt"`
	FinishedAt *Time  `json:"finishedAt"`
	CreatedBy  User   `json:"createdBy"`
}
