// Package strictjson reads JSON the way a security boundary needs: one
// object, no duplicate keys at any depth (encoding/json keeps the last of
// duplicates silently, so a proxy reading the first sees another
// request), and a bounded depth. It checks; decoding stays with
// encoding/json.
package strictjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"
)

// Reasons a document is refused.
var (
	ErrDuplicateKey = errors.New("duplicate key")
	ErrTooDeep      = errors.New("JSON nested too deeply")
	ErrNotObject    = errors.New("not one JSON object")
)

// Options say how strict Walk is.
type Options struct {
	// FoldTop compares top-level keys as encoding/json matches struct
	// fields (case-insensitively, see Fold), for objects decoded into
	// structs: {"query": a, "QUERY": b} would otherwise set one field
	// twice.
	FoldTop bool
	// MaxDepth bounds the nesting of arrays and objects (the top-level
	// object is depth 1).
	MaxDepth int
}

// Walk reads data, which must be exactly one JSON object, refusing
// duplicate keys at any depth (top-level keys compared folded when
// opts.FoldTop) and nesting deeper than opts.MaxDepth, and calls member,
// unless nil, with each top-level key and the first token of its value (a
// json.Number for numbers).
func Walk(data []byte, opts Options, member func(key string, first json.Token) error) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return ErrNotObject
	}
	seen := map[string]bool{}
	for dec.More() {
		key, first, err := nextMember(dec)
		if err != nil {
			return err
		}
		name := key
		if opts.FoldTop {
			name = Fold(key)
		}
		if seen[name] {
			return fmt.Errorf("%w %q", ErrDuplicateKey, key)
		}
		seen[name] = true
		if member != nil {
			if err := member(key, first); err != nil {
				return err
			}
		}
		if err := skipValue(dec, first, 1, opts.MaxDepth); err != nil {
			return err
		}
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('}') {
		return ErrNotObject
	}
	if _, err := dec.Token(); err != io.EOF {
		return ErrNotObject
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
		return "", nil, ErrNotObject
	}
	first, err := dec.Token()
	return key, first, err
}

// skipValue reads the rest of a value whose first token is first, at
// depth, refusing duplicate keys in nested objects and depths past
// maxDepth.
func skipValue(dec *json.Decoder, first json.Token, depth, maxDepth int) error {
	open, ok := first.(json.Delim)
	if !ok {
		return nil // a scalar: nothing more to read
	}
	if depth >= maxDepth {
		return ErrTooDeep
	}
	seen := map[string]bool{}
	for dec.More() {
		var next json.Token
		var err error
		if open == '{' {
			var key string
			if key, next, err = nextMember(dec); err == nil && seen[key] {
				err = fmt.Errorf("%w %q", ErrDuplicateKey, key)
			}
			seen[key] = true
		} else {
			next, err = dec.Token()
		}
		if err != nil {
			return err
		}
		if err := skipValue(dec, next, depth+1, maxDepth); err != nil {
			return err
		}
	}
	_, err := dec.Token() // the closing delimiter
	return err
}

// Fold maps s to the key under which encoding/json matches struct fields
// (its foldName: each rune replaced by the smallest of its simple case
// folds, so "EXP", "Exp" and "exp" are one field, as are "sub" and
// "ſub" with U+017F).
func Fold(s string) string {
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
