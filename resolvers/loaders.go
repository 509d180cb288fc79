package resolvers

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"time"

	"github.com/vikstrous/dataloadgen"

	"github.com/patgov/pats/internal/auth"
	"github.com/patgov/pats/internal/entity"
	"github.com/patgov/pats/internal/pat"
)

// userLoader batches user look-ups (token owners, revokers, settings
// editors) of one request into one query.
type userLoader = dataloadgen.Loader[int64, *entity.User]

type loaderKey struct{}

// lineageLoaders batch the rotation look-ups of one request: the tokens
// by ID (rotatedFrom) and the successors by the ID they replaced
// (rotatedTo), each page's in one query.
type lineageLoaders struct {
	byID, successor *dataloadgen.Loader[string, *entity.PersonalAccessToken]
}

type lineageKey struct{}

// WithLoaders is HTTP middleware, placed after authentication, that gives
// each request its own loaders, scoped to the caller's organization.
func WithLoaders(svc *pat.Service) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			p, ok := auth.PrincipalFrom(r.Context())
			if !ok {
				next.ServeHTTP(w, r)
				return
			}
			orgID := p.Org.ID
			users := dataloadgen.NewMappedLoader(func(ctx context.Context, ids []int64) (map[int64]*entity.User, error) {
				list, err := svc.UsersByIDs(ctx, orgID, ids)
				if err != nil {
					return nil, err
				}
				out := make(map[int64]*entity.User, len(list))
				for i, u := range list {
					if u != nil {
						out[ids[i]] = u
					}
				}
				return out, nil
			}, dataloadgen.WithWait(2*time.Millisecond))
			// The caller is already known: no query for viewer or for
			// their own tokens' owner.
			users.Prime(p.User.ID, p.User)
			lineage := &lineageLoaders{
				byID: dataloadgen.NewMappedLoader(func(ctx context.Context, ids []string) (map[string]*entity.PersonalAccessToken, error) {
					return svc.TokensByIDs(ctx, p, ids)
				}, dataloadgen.WithWait(2*time.Millisecond)),
				successor: dataloadgen.NewMappedLoader(func(ctx context.Context, ids []string) (map[string]*entity.PersonalAccessToken, error) {
					return svc.SuccessorsOf(ctx, p, ids)
				}, dataloadgen.WithWait(2*time.Millisecond)),
			}
			ctx := context.WithValue(r.Context(), loaderKey{}, users)
			next.ServeHTTP(w, r.WithContext(context.WithValue(ctx, lineageKey{}, lineage)))
		})
	}
}

// loadLineage returns the token with the given ID within the caller's
// reach (successor false), or the token that replaced it (successor
// true); nil when there is none.
func loadLineage(ctx context.Context, id string, successor bool) (*entity.PersonalAccessToken, error) {
	l, _ := ctx.Value(lineageKey{}).(*lineageLoaders)
	if l == nil {
		return nil, nil
	}
	loader := l.byID
	if successor {
		loader = l.successor
	}
	t, err := loader.Load(ctx, id)
	if errors.Is(err, dataloadgen.ErrNotFound) {
		return nil, nil
	}
	return t, err
}

func usersFrom(ctx context.Context) *userLoader {
	l, _ := ctx.Value(loaderKey{}).(*userLoader)
	return l
}

// loadUser returns the user with the given internal ID, or nil for nil.
func loadUser(ctx context.Context, id *int64) (*entity.User, error) {
	if id == nil {
		return nil, nil
	}
	return usersFrom(ctx).Load(ctx, *id)
}

// prefetchUsers loads every owner and revoker of tokens in one query and
// primes the request's loader with them (see prefetchUserIDs).
func prefetchUsers(ctx context.Context, svc *pat.Service, orgID int64, tokens []*entity.PersonalAccessToken) error {
	ids := make([]int64, 0, len(tokens))
	for _, t := range tokens {
		ids = append(ids, t.OwnerID)
		if t.RevokedByID != nil {
			ids = append(ids, *t.RevokedByID)
		}
	}
	return prefetchUserIDs(ctx, svc, orgID, ids)
}

// auditUserIDs are the actors and token owners of events.
func auditUserIDs(events []*entity.AuditEvent) []int64 {
	ids := make([]int64, 0, 2*len(events))
	for _, e := range events {
		ids = append(ids, e.ActorID)
		if e.TokenOwnerID != nil {
			ids = append(ids, *e.TokenOwnerID)
		}
	}
	return ids
}

// prefetchUserIDs loads the users with the given IDs in one query and
// primes the request's loader with them, so the per-field resolvers that
// follow hit its cache. It queries directly rather than through the
// loader, which would first wait for more keys to batch.
func prefetchUserIDs(ctx context.Context, svc *pat.Service, orgID int64, ids []int64) error {
	loader := usersFrom(ctx)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	if len(ids) == 0 {
		return nil
	}
	users, err := svc.UsersByIDs(ctx, orgID, ids)
	if err != nil {
		return err
	}
	for _, u := range users {
		if u != nil {
			loader.Prime(u.ID, u)
		}
	}
	return nil
}
