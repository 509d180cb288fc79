package apperr_test

import (
	"database/sql"
	"errors"
	"fmt"
	"testing"

	mysqldriver "github.com/go-sql-driver/mysql"

	"github.com/patgov/pats/internal/apperr"
)

// TestCodeOf checks the mapping the GraphQL error presenter relies on: only
// an *apperr.Error anywhere in the chain shows its code; anything else,
// in particular a wrapped SQL error, is INTERNAL (and its text is never
// shown to clients).
func TestCodeOf(t *testing.T) {
	sqlErr := &mysqldriver.MySQLError{Number: 1146, Message: "Table 'pats.personal_access_tokens' doesn't exist"}
	domain := apperr.New(apperr.QuotaExceeded, "a user may hold at most %d active personal access tokens", 50)
	tests := []struct {
		name string
		err  error
		want apperr.Code
	}{
		{"wrapped MySQL error", fmt.Errorf("list tokens: %w", sqlErr), apperr.Internal},
		{"doubly wrapped MySQL error", fmt.Errorf("revoke tokens: %w", fmt.Errorf("lock: %w", sqlErr)), apperr.Internal},
		{"sql.ErrNoRows", fmt.Errorf("read organization: %w", sql.ErrNoRows), apperr.Internal},
		{"plain error", errors.New("boom"), apperr.Internal},
		{"joined with a SQL error only", errors.Join(sqlErr, errors.New("rollback failed")), apperr.Internal},
		{"domain error", domain, apperr.QuotaExceeded},
		{"wrapped domain error", fmt.Errorf("create token: %w", domain), apperr.QuotaExceeded},
		{"domain error with extension", apperr.New(apperr.NotFound, "token not found").With("ids", []string{"x"}), apperr.NotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := apperr.CodeOf(tt.err); got != tt.want {
				t.Errorf("CodeOf(%v): got %v, want %v", tt.err, got, tt.want)
			}
			_, isApp := apperr.As(tt.err)
			if wantApp := tt.want != apperr.Internal; isApp != wantApp {
				t.Errorf("As(%v): got ok=%v, want %v", tt.err, isApp, wantApp)
			}
		})
	}
}

func TestNewFormatsMessage(t *testing.T) {
	tests := []struct {
		name string
		err  *apperr.Error
		want string
	}{
		{"no args", apperr.New(apperr.Forbidden, "admins only"), "admins only"},
		{"args", apperr.New(apperr.BadUserInput, "name must be 1 to %d characters", 100), "name must be 1 to 100 characters"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("Error(): got %q, want %q", got, tt.want)
			}
			if tt.err.Extensions != nil {
				t.Errorf("Extensions: got %v, want nil", tt.err.Extensions)
			}
		})
	}
}

func TestWithCopies(t *testing.T) {
	base := apperr.New(apperr.BadUserInput, "bad field")
	one := base.With("field", "name")
	two := one.With("limit", 100)
	if base.Extensions != nil {
		t.Errorf("base.Extensions: got %v, want nil (With must not modify its receiver)", base.Extensions)
	}
	if got, want := len(one.Extensions), 1; got != want {
		t.Errorf("len(one.Extensions): got %v, want %v (%v)", got, want, one.Extensions)
	}
	if got, want := len(two.Extensions), 2; got != want {
		t.Errorf("len(two.Extensions): got %v, want %v (%v)", got, want, two.Extensions)
	}
	if got := two.Extensions["field"]; got != "name" {
		t.Errorf(`two.Extensions["field"]: got %v, want name`, got)
	}
	if two.Code != apperr.BadUserInput || two.Message != "bad field" {
		t.Errorf("two: got %v %q, want %v %q", two.Code, two.Message, apperr.BadUserInput, "bad field")
	}
}
