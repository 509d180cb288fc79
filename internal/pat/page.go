package pat

import (
	"context"

	"github.com/patgov/pats/internal/apperr"
	"github.com/patgov/pats/internal/cursor"
)

// PageRequest asks for one page of a list in keyset order.
type PageRequest struct {
	// First is the page size: DefaultPageSize when nil, else 1..MaxPageSize.
	First *int
	// After is the cursor of the last item of the previous page (nil: the
	// first page). It is valid only for the query and caller it came from.
	After *string
}

// Page is one page of a list: its items in order, each one's cursor, and
// whether more follow.
type Page[T any] struct {
	Items   []T
	Cursors []string
	// HasNextPage is true when at least one more item follows.
	HasNextPage bool
	// HasPreviousPage is true when the page was asked for after a cursor.
	HasPreviousPage bool
	// Total, when the list offers it, counts every item of the query,
	// ignoring the cursor; it runs only when called.
	Total func(ctx context.Context) (int, error)
}

// keysetList is what readPage needs to know of one list.
type keysetList[T any] struct {
	// what names what a cursor is bound to, for the bad-cursor error.
	what string
	// prepare validates the request's filter and returns the query's
	// shape: what its cursors are bound to (the caller and the normalized
	// filter and order; never the position or the page size).
	prepare func() (shape []byte, err error)
	// fetch reads up to limit items after the position (nil: the start).
	fetch func(ctx context.Context, after *cursor.Key, limit int) ([]T, error)
	// key is the position of an item, as fetch's SQL orders it.
	key func(T) cursor.Key
}

// readPage reads one page of l: the one routine of every keyset list. It
// checks the page size, prepares the query, decodes the cursor against the
// query's shape, reads one item more than asked to learn whether more
// follow, and gives each item its cursor.
func readPage[T any](ctx context.Context, codec *cursor.Codec, req PageRequest, l keysetList[T]) (*Page[T], error) {
	limit, err := pageLimit(req.First)
	if err != nil {
		return nil, err
	}
	shape, err := l.prepare()
	if err != nil {
		return nil, err
	}
	var after *cursor.Key
	if req.After != nil {
		key, err := codec.Decode(shape, *req.After)
		if err != nil {
			return nil, errBadCursor(l.what)
		}
		after = &key
	}
	items, err := l.fetch(ctx, after, limit+1)
	if err != nil {
		return nil, err
	}
	page := &Page[T]{HasNextPage: len(items) > limit, HasPreviousPage: after != nil}
	if page.HasNextPage {
		items = items[:limit]
	}
	page.Items = items
	page.Cursors = make([]string, len(items))
	for i, it := range items {
		page.Cursors[i] = codec.Encode(shape, l.key(it))
	}
	return page, nil
}

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
