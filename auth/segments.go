package auth

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"

	"github.com/golang-jwt/jwt/v5"
)

// Reasons the raw header or claims of a token are refused.
var (
	errCritical      = errors.New(`header has "crit": no extension is understood`)
	errDuplicateKey  = errors.New("duplicate key")
	errTimeNotNumber = errors.New("exp, iat and nbf must be JSON numbers")
	errTooDeep       = errors.New("JSON nested too deeply")
	errNotObject     = errors.New("segment is not one JSON object")
)

// maxJSONDepth bounds the nesting checkSegments walks; session tokens
// have flat claims.
const maxJSONDepth = 32

// timeClaims are the NumericDate claims, folded (see fold).
var timeClaims = map[string]bool{fold("exp"): true, fold("iat"): true, fold("nbf"): true}

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
	if err := walkObject(header, false, func(key string, _ json.Token) error {
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
	if err := walkObject(payload, true, func(key string, first json.Token) error {
		if _, ok := first.(json.Number); timeClaims[fold(key)] && !ok {
			return fmt.Errorf("%w (%q)", errTimeNotNumber, key)
		}
		return nil
	}); err != nil {
		return fmt.Errorf("claims: %w", err)
	}
	return nil
}

// walkObject reads data, which must be exactly one JSON object, refusing
// duplicate keys at any depth (top-level keys compared folded when
// foldTop), and calls member with each top-level key and the first token
// of its value (a json.Number for numbers).
func walkObject(data []byte, foldTop bool, member func(key string, first json.Token) error) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return errNotObject
	}
	seen := map[string]bool{}
	for dec.More() {
		key, first, err := nextMember(dec)
		if err != nil {
			return err
		}
		name := key
		if foldTop {
			name = fold(key)
		}
		if seen[name] {
			return fmt.Errorf("%w %q", errDuplicateKey, key)
		}
		seen[name] = true
		if err := member(key, first); err != nil {
			return err
		}
		if err := skipValue(dec, first, 1); err != nil {
			return err
		}
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('}') {
		return errNotObject
	}
	if _, err := dec.Token(); err != io.EOF {
		return errNotObject
	}
	return nil
}

// nextMember reads an object member's key and the first token of its
// value.
func nextMember(dec *json.Decoder) (string, json.Token, error) {
	tok, err := dec.Token()
	if err != nil {
		return "", nil, err
	}
	key, ok := tok.(string)
	if !ok {
		return "", nil, errNotObject
	}
	first, err := dec.Token()
	return key, first, err
}

// skipValue reads the rest of a value whose first token is first,
// refusing duplicate keys in nested objects.
func skipValue(dec *json.Decoder, first json.Token, depth int) error {
	open, ok := first.(json.Delim)
	if !ok {
		return nil // a scalar: nothing more to read
	}
	if depth >= maxJSONDepth {
		return errTooDeep
	}
	seen := map[string]bool{}
	for dec.More() {
		var next json.Token
		var err error
		if open == '{' {
			var key string
			if key, next, err = nextMember(dec); err == nil && seen[key] {
				err = fmt.Errorf("%w %q", errDuplicateKey, key)
			}
			seen[key] = true
		} else {
			next, err = dec.Token()
		}
		if err != nil {
			return err
		}
		if err := skipValue(dec, next, depth+1); err != nil {
			return err
		}
	}
	_, err := dec.Token() // the closing delimiter
	return err
}

// fold maps s to the key under which encoding/json matches struct fields
// (its foldName: each rune replaced by the smallest of its simple case
// folds, so "EXP", "Exp" and "exp" are one field, as are "sub" and
// "ſub" with U+017F).
func fold(s string) string {
	var b strings.Builder
	for _, r := range s {
		for {
			r2 := unicode.SimpleFold(r)
			if r2 <= r {
				r = r2
				break
			}
			r = r2
		}
		b.WriteRune(r)
	}
	return b.String()
}
