package pat

import (
	"fmt"
	"strings"
	"testing"
	"unicode"

	"github.com/patgov/pats/internal/apperr"
)

// TestValidNameRefusesInvisible: every control and format character is
// refused wherever it stands, with the boundaries of each range of issue
// 15 (U+202A-U+202E, U+2066-U+2069, U+200B-U+200F, U+FEFF) and their
// neighbours outside it; the error names the code point and its position.
func TestValidNameRefusesInvisible(t *testing.T) {
	refused := []struct {
		name string
		r    rune
	}{
		{"left-to-right embedding (first of U+202A-U+202E)", '\u202A'},
		{"right-to-left embedding", '\u202B'},
		{"pop directional formatting", '\u202C'},
		{"left-to-right override", '\u202D'},
		{"right-to-left override (last of U+202A-U+202E)", '\u202E'},
		{"left-to-right isolate (first of U+2066-U+2069)", '\u2066'},
		{"right-to-left isolate", '\u2067'},
		{"first strong isolate", '\u2068'},
		{"pop directional isolate (last of U+2066-U+2069)", '\u2069'},
		{"zero width space (first of U+200B-U+200F)", '\u200B'},
		{"zero width non-joiner", '\u200C'},
		{"zero width joiner", '\u200D'},
		{"left-to-right mark", '\u200E'},
		{"right-to-left mark (last of U+200B-U+200F)", '\u200F'},
		{"zero width no-break space (byte order mark)", '\uFEFF'},
		// Other format characters (Cf).
		{"soft hyphen", '\u00AD'},
		{"arabic letter mark", '\u061C'},
		{"word joiner", '\u2060'},
		{"invisible plus (last Cf before the isolates)", '\u2064'},
		{"inhibit symmetric swapping (Cf after the isolates)", '\u206A'},
		{"interlinear annotation anchor", '\uFFF9'},
		{"language tag", '\U000E0001'},
		{"tag latin small letter a", '\U000E0061'},
		// Controls (Cc).
		{"NUL", '\u0000'},
		{"unit separator (last C0)", '\u001F'},
		{"tab", '\t'},
		{"DEL", '\u007F'},
		{"first C1", '\u0080'},
		{"next line", '\u0085'},
		{"last C1", '\u009F'},
	}
	places := []struct {
		name     string
		build    func(r rune) string
		position int
	}{
		{"inside", func(r rune) string { return "ab" + string(r) + "cd" }, 3},
		{"first after trimming", func(r rune) string { return "  " + string(r) + "deploy" }, 1},
		{"last", func(r rune) string { return "deploy" + string(r) }, 7},
	}
	for _, tc := range refused {
		for _, pl := range places {
			input := pl.build(tc.r)
			// White space (tab, next line) at either end is trimmed, as
			// before: it is refused only inside a name.
			if unicode.IsSpace(tc.r) && pl.name != "inside" {
				continue
			}
			t.Run(tc.name+"/"+pl.name, func(t *testing.T) {
				got, err := validName(input)
				if err == nil {
					t.Fatalf("validName(%+q): got %q, want BAD_USER_INPUT", input, got)
				}
				ae, ok := apperr.As(err)
				if !ok || ae.Code != apperr.BadUserInput {
					t.Fatalf("validName(%+q): got %v, want BAD_USER_INPUT", input, err)
				}
				want := fmt.Sprintf("name must not contain control, invisible or bidirectional formatting characters (%U at position %d)", tc.r, pl.position)
				if ae.Message != want {
					t.Errorf("message: got %q, want %q", ae.Message, want)
				}
				if got, want := ae.Extensions["character"], fmt.Sprintf("%U", tc.r); got != want {
					t.Errorf("extensions.character: got %v, want %v", got, want)
				}
				if got := ae.Extensions["position"]; got != pl.position {
					t.Errorf("extensions.position: got %v, want %d", got, pl.position)
				}
				if got := ae.Extensions["field"]; got != "name" {
					t.Errorf("extensions.field: got %v, want name", got)
				}
			})
		}
	}
}

// TestValidNameAccepts: the neighbours of the refused ranges that are not
// control or format characters, right-to-left letters and emoji are kept.
func TestValidNameAccepts(t *testing.T) {
	tests := []struct {
		name, input, want string
	}{
		{"plain", "CI deploy", "CI deploy"},
		{"trimmed", "  deploy \t\n", "deploy"},
		{"accents", "Déploiement été", "Déploiement été"},
		{"hebrew letters", "פריסה ci", "פריסה ci"},
		{"arabic letters", "نشر", "نشر"},
		{"emoji with a variation selector", "🚀 deploy ❤\uFE0F", "🚀 deploy ❤\uFE0F"},
		{"hair space (before U+200B)", "a\u200Ab", "a\u200Ab"},
		{"hyphen (after U+200F)", "a\u2010b", "a\u2010b"},
		{"paragraph separator (before U+202A)", "a\u2029b", "a\u2029b"},
		{"narrow no-break space (after U+202E)", "a\u202Fb", "a\u202Fb"},
		{"unassigned U+2065 (before U+2066)", "a\u2065b", "a\u2065b"},
		{"no-break space", "a\u00A0b", "a\u00A0b"},
		{"arabic ligature (before U+FEFF)", "a\uFEFCb", "a\uFEFCb"},
		{"fullwidth exclamation (after U+FEFF)", "a\uFF01b", "a\uFF01b"},
		{"100 characters", strings.Repeat("é", 100), strings.Repeat("é", 100)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := validName(tt.input)
			if err != nil {
				t.Fatalf("validName(%+q): got error %v, want %+q", tt.input, err, tt.want)
			}
			if got != tt.want {
				t.Errorf("validName(%+q): got %+q, want %+q", tt.input, got, tt.want)
			}
		})
	}
}
