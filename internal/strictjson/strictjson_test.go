package strictjson

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// TestWalk: one row per rule; each refused document is valid JSON that
// encoding/json would decode without complaint.
func TestWalk(t *testing.T) {
	deep := func(n int) string { return `{"a":` + strings.Repeat("[", n-1) + strings.Repeat("]", n-1) + `}` }
	tests := []struct {
		name string
		doc  string
		opts Options
		want error
	}{
		{"flat object", `{"query":"{ a }","variables":{"x":1}}`, Options{FoldTop: true, MaxDepth: 8}, nil},
		{"same key in sibling objects", `{"a":{"k":1},"b":{"k":2},"c":[{"k":1},{"k":2}]}`, Options{MaxDepth: 8}, nil},
		{"case variants below the top", `{"v":{"k":1,"K":2}}`, Options{FoldTop: true, MaxDepth: 8}, nil},
		{"case variants at the top without FoldTop", `{"k":1,"K":2}`, Options{MaxDepth: 8}, nil},
		{"duplicate at the top", `{"query":"a","query":"b"}`, Options{MaxDepth: 8}, ErrDuplicateKey},
		{"duplicate escaped", `{"query":"a","\u0071uery":"b"}`, Options{MaxDepth: 8}, ErrDuplicateKey},
		{"duplicate in another case at the top", `{"query":"a","QUERY":"b"}`, Options{FoldTop: true, MaxDepth: 8}, ErrDuplicateKey},
		{"duplicate by Unicode folding (K and Kelvin sign)", `{"k":1,"\u212a":2}`, Options{FoldTop: true, MaxDepth: 8}, ErrDuplicateKey},
		{"duplicate in a nested object", `{"variables":{"input":{"name":"a","name":"b"}}}`, Options{MaxDepth: 8}, ErrDuplicateKey},
		{"duplicate in an object in an array", `{"v":[1,{"a":1,"a":2}]}`, Options{MaxDepth: 8}, ErrDuplicateKey},
		{"depth at the limit", deep(8), Options{MaxDepth: 8}, nil},
		{"depth past the limit", deep(9), Options{MaxDepth: 8}, ErrTooDeep},
		{"an array", `[1]`, Options{MaxDepth: 8}, ErrNotObject},
		{"two objects", `{} {}`, Options{MaxDepth: 8}, ErrNotObject},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Walk([]byte(tt.doc), tt.opts, nil)
			if tt.want == nil && err != nil || tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("Walk(%s): got %v, want %v", tt.doc, err, tt.want)
			}
			var v any
			if tt.want == ErrDuplicateKey && json.Unmarshal([]byte(tt.doc), &v) != nil {
				t.Errorf("encoding/json refuses %s too: the row proves nothing", tt.doc)
			}
		})
	}
}

// TestWalkMembers: member sees each top-level key with the first token of
// its value, numbers as json.Number, and its error stops the walk.
func TestWalkMembers(t *testing.T) {
	var got []string
	err := Walk([]byte(`{"a":1,"b":{"c":2},"d":"x"}`), Options{MaxDepth: 4}, func(key string, first json.Token) error {
		switch v := first.(type) {
		case json.Number:
			got = append(got, key+"="+v.String())
		case json.Delim:
			got = append(got, key+"="+v.String())
		case string:
			got = append(got, key+"="+v)
		}
		return nil
	})
	if err != nil || strings.Join(got, ",") != "a=1,b={,d=x" {
		t.Errorf("members: got %q (%v), want a=1,b={,d=x", got, err)
	}
	stop := errors.New("stop")
	if err := Walk([]byte(`{"a":1}`), Options{MaxDepth: 4}, func(string, json.Token) error { return stop }); !errors.Is(err, stop) {
		t.Errorf("member error: got %v, want it returned", err)
	}
}

// TestFold: encoding/json's field matching.
func TestFold(t *testing.T) {
	for _, pair := range [][2]string{{"EXP", "exp"}, {"ſub", "sub"}, {"K", "\u212a"}} {
		if Fold(pair[0]) != Fold(pair[1]) {
			t.Errorf("Fold(%q) != Fold(%q)", pair[0], pair[1])
		}
	}
	if Fold("query") == Fold("querx") {
		t.Error("Fold: distinct keys folded together")
	}
}
