package resolvers

import (
	"context"
	"net/http"
	"time"

	"github.com/vikstrous/dataloadgen"

	"github.com/patgov/pats/auth"
	"github.com/patgov/pats/model"
	"github.com/patgov/pats/pat"
)

// userLoader batches user look-ups (token owners, revokers, settings
// editors) of one request into one query.
type userLoader = dataloadgen.Loader[int64, *model.User]

type loaderKey struct{}

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
			users := dataloadgen.NewMappedLoader(func(ctx context.Context, ids []int64) (map[int64]*model.User, error) {
				list, err := svc.UsersByIDs(ctx, orgID, ids)
				if err != nil {
					return nil, err
				}
				out := make(map[int64]*model.User, len(list))
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
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), loaderKey{}, users)))
		})
	}
}

func usersFrom(ctx context.Context) *userLoader {
	l, _ := ctx.Value(loaderKey{}).(*userLoader)
	return l
}

// loadUser returns the user with the given internal ID, or nil for nil.
func loadUser(ctx context.Context, id *int64) (*model.User, error) {
	if id == nil {
		return nil, nil
	}
	return usersFrom(ctx).Load(ctx, *id)
}

// prefetchUsers loads every owner and revoker of tokens in one query and
// primes the request's loader with them, so the per-field resolvers that
// follow hit its cache. It queries directly rather than through the
// loader, which would first wait for more keys to batch.
func prefetchUsers(ctx context.Context, svc *pat.Service, orgID int64, tokens []*model.PersonalAccessToken) error {
	loader := usersFrom(ctx)
	ids := make([]int64, 0, len(tokens))
	seen := make(map[int64]bool, len(tokens))
	add := func(id int64) {
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	for _, t := range tokens {
		add(t.OwnerID)
		if t.RevokedByID != nil {
			add(*t.RevokedByID)
		}
	}
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
