package mail

import (
	"reflect"
	"strings"
	"testing"
)

// TestCleanedCoversEveryString: every string Data holds, now or after a
// field is added, goes through clean before a template sees it.
func TestCleanedCoversEveryString(t *testing.T) {
	const dirty = "a\r\nb\u202ec"
	var d Data
	v := reflect.ValueOf(&d).Elem()
	for i := range v.NumField() {
		switch f := v.Field(i); f.Kind() {
		case reflect.String:
			f.SetString(dirty)
		case reflect.Slice:
			if f.Type().Elem().Kind() == reflect.String {
				f.Set(reflect.ValueOf([]string{dirty}).Convert(f.Type()))
			}
		}
	}
	c := reflect.ValueOf(d.cleaned())
	for i := range c.NumField() {
		name := c.Type().Field(i).Name
		switch f := c.Field(i); f.Kind() {
		case reflect.String:
			if got := f.String(); got != "a  bc" {
				t.Errorf("cleaned().%s = %q, want %q", name, got, "a  bc")
			}
		case reflect.Slice:
			if f.Type().Elem().Kind() == reflect.String && f.Index(0).String() != "a  bc" {
				t.Errorf("cleaned().%s[0] = %q, want %q", name, f.Index(0).String(), "a  bc")
			}
		}
	}
	if d.Scopes[0] != dirty {
		t.Errorf("cleaned modified the caller's Scopes slice")
	}
}

func TestOneLine(t *testing.T) {
	for in, want := range map[string]string{
		"plain":                     "plain",
		"  two\r\nlines  ":          "two lines",
		"tab\there":                 "tab here",
		"sep\u2028par\u2029end":     "sep par end",
		"zero\u200bwidth\ufeff":     "zerowidth",
		"nul\x00del\x7fc1\u0085end": "nul del c1 end",
	} {
		if got := oneLine(in); got != want {
			t.Errorf("oneLine(%q) = %q, want %q", in, got, want)
		}
		if strings.ContainsAny(oneLine(in), "\r\n") {
			t.Errorf("oneLine(%q) has a line break", in)
		}
	}
}
