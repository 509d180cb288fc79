// Package apperr defines the closed set of errors the API shows to clients.
// Each has a Code that becomes `extensions.code`, a safe message, and
// optional extensions. Anything that is not an *Error is internal: the error
// presenter logs it and shows only "internal error".
package apperr

import (
	"errors"
	"fmt"
)

// Code is the value of `extensions.code`.
type Code string

// The codes of the API contract (schema.graphqls, enum ErrorCode).
const (
	Unauthenticated      Code = "UNAUTHENTICATED"
	Forbidden            Code = "FORBIDDEN"
	NotFound             Code = "NOT_FOUND"
	BadUserInput         Code = "BAD_USER_INPUT"
	PatDisabled          Code = "PAT_DISABLED"
	LocalAccountRequired Code = "LOCAL_ACCOUNT_REQUIRED"
	QuotaExceeded        Code = "QUOTA_EXCEEDED"
	Internal             Code = "INTERNAL"
	// RateLimited carries extensions.retryAfter (seconds); the HTTP
	// response also has a Retry-After header.
	RateLimited Code = "RATE_LIMITED"
	// BadRequest is a transport-level refusal: a body that is not one JSON
	// object (HTTP 400) or is too large (HTTP 413).
	BadRequest Code = "BAD_REQUEST"
)

// Error is a client-facing error: its message is safe to show.
type Error struct {
	Code    Code
	Message string
	// Extensions are added to `extensions` beside the code.
	Extensions map[string]any
}

func (e *Error) Error() string { return e.Message }

// New returns an error with the given code and message.
func New(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// With returns a copy of e with one more extension.
func (e *Error) With(key string, value any) *Error {
	ext := make(map[string]any, len(e.Extensions)+1)
	for k, v := range e.Extensions {
		ext[k] = v
	}
	ext[key] = value
	return &Error{Code: e.Code, Message: e.Message, Extensions: ext}
}

// As returns the *Error in err's chain, if any.
func As(err error) (*Error, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e, true
	}
	return nil, false
}

// CodeOf returns the code of err, or Internal for anything unknown.
func CodeOf(err error) Code {
	if e, ok := As(err); ok {
		return e.Code
	}
	return Internal
}
