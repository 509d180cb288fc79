package pat

import (
	"github.com/patgov/pats/internal/apperr"
	"github.com/patgov/pats/model"
)

// pageLimit is the page size first asks for: DefaultPageSize when absent,
// and BAD_USER_INPUT outside 1..MaxPageSize.
func pageLimit(first *int) (int, error) {
	limit := DefaultPageSize
	if first != nil {
		limit = *first
	}
	if limit < 1 || limit > MaxPageSize {
		return 0, apperr.New(apperr.BadUserInput, "first must be between 1 and %d", MaxPageSize).With("field", "first")
	}
	return limit, nil
}

// errBadCursor is the one answer for every cursor that does not belong to
// the query: forged, edited, or from another query or caller.
func errBadCursor(query string) error {
	return apperr.New(apperr.BadUserInput, "invalid cursor: it must come from the same query (%s and caller)", query).
		With("field", "after")
}

// keysetPage cuts rows, read with limit+1 to learn whether more follow, to
// limit, and returns them with each one's cursor and the Relay page info.
func keysetPage[T any](rows []T, limit int, hasAfter bool, cursorOf func(T) string) ([]T, []string, *model.PageInfo) {
	info := &model.PageInfo{HasNextPage: len(rows) > limit, HasPreviousPage: hasAfter}
	if info.HasNextPage {
		rows = rows[:limit]
	}
	cursors := make([]string, len(rows))
	for i, r := range rows {
		cursors[i] = cursorOf(r)
	}
	if len(cursors) > 0 {
		info.StartCursor, info.EndCursor = &cursors[0], &cursors[len(cursors)-1]
	}
	return rows, cursors, info
}
