package mail

import (
	"strings"
	"unicode"
)

// clean makes a user-supplied value safe to place in a mail's text: control
// characters (CR and LF among them) and line or paragraph separators become
// spaces, and format characters (zero-width, bidirectional overrides) are
// dropped, so a token name cannot start a header, forge a paragraph or
// reorder the sentence around it. Token names are already refused with such
// characters (pat.validName); names from the identity provider are not.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case unicode.IsControl(r), unicode.In(r, unicode.Zl, unicode.Zp):
			return ' '
		case unicode.Is(unicode.Cf, r):
			return -1
		}
		return r
	}, s)
}

// oneLine makes s a single header line: cleaned, with runs of spaces
// collapsed and the ends trimmed.
func oneLine(s string) string {
	return strings.Join(strings.Fields(clean(s)), " ")
}
