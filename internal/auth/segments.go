package auth

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/golang-jwt/jwt/v5"

	"github.com/patgov/pats/internal/strictjson"
)

// Reasons the raw header or claims of a token are refused.
var (
	errCritical      = errors.New(`header has "crit": no extension is understood`)
	errDuplicateKey  = strictjson.ErrDuplicateKey
	errTimeNotNumber = errors.New("exp, iat and nbf must be JSON numbers")
	errTooDeep       = strictjson.ErrTooDeep
	errNotObject     = strictjson.ErrNotObject
)

// maxJSONDepth bounds the nesting checkSegments walks; session tokens
// have flat claims.
const maxJSONDepth = 32

// timeClaims are the NumericDate claims, folded (see strictjson.Fold).
var timeClaims = map[string]bool{strictjson.Fold("exp"): true, strictjson.Fold("iat"): true, strictjson.Fold("nbf"): true}

// checkSegments re-reads the header and claims of raw, already parsed by
// p (so the same base64 decoding applies), as encoding/json token
// streams. jwt/v5 decodes both with encoding/json, which keeps the last
// of duplicate keys, matches struct fields case-insensitively ("EXP"
// sets exp) and lets NumericDate take a JSON string; and it ignores crit.
// Duplicates are therefore refused at every level, and at the top level
// of the claims also when encoding/json would fold them onto one field.
func checkSegments(p *jwt.Parser, raw string) error {
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return errNotObject // jwt has refused it already
	}
	header, err := p.DecodeSegment(parts[0])
	if err != nil {
		return err
	}
	if err := strictjson.Walk(header, strictjson.Options{MaxDepth: maxJSONDepth}, func(key string, _ json.Token) error {
		// Header parameter names are case-sensitive (RFC 7515 §4).
		if key == "crit" {
			return errCritical
		}
		return nil
	}); err != nil {
		return fmt.Errorf("header: %w", err)
	}
	payload, err := p.DecodeSegment(parts[1])
	if err != nil {
		return err
	}
	if err := strictjson.Walk(payload, strictjson.Options{FoldTop: true, MaxDepth: maxJSONDepth}, func(key string, first json.Token) error {
		if _, ok := first.(json.Number); timeClaims[strictjson.Fold(key)] && !ok {
			return fmt.Errorf("%w (%q)", errTimeNotNumber, key)
		}
		return nil
	}); err != nil {
		return fmt.Errorf("claims: %w", err)
	}
	return nil
}
