package pat

import (
	"context"
	"encoding/json"
	"slices"

	"github.com/patgov/pats/internal/apperr"
	"github.com/patgov/pats/internal/auth"
	"github.com/patgov/pats/internal/entity"
)

// The file formats of an export.
const (
	ExportCSV    = "csv"
	ExportNDJSON = "ndjson"
)

// exportBatch is how many tokens an export reads, and hands on, at a time:
// memory stays flat however many tokens match.
const exportBatch = 1000

// exportUserCache bounds the users an export keeps between batches (a few
// hundred bytes each), so that an organization's owners are read about
// once per export rather than once per batch: without it, a 1M-token
// export of 2,000 owners read 800,000 user rows. Past the bound the cache
// starts afresh.
const exportUserCache = 10_000

// ExportRequest asks for the tokens the caller may see as a file.
type ExportRequest struct {
	// Format is ExportCSV or ExportNDJSON.
	Format string
	Filter *TokenFilter
	Order  *TokenOrder
}

// ExportRow is one exported token with the users it names.
type ExportRow struct {
	Token *entity.PersonalAccessToken
	Owner *entity.User
	// RevokedBy is nil while the token is not revoked.
	RevokedBy *entity.User
}

// ExportTokens hands every token the caller may see that matches the
// request (the organization's for admins, their own for members), in the
// request's order, to emit, a batch at a time, with their owners and
// revokers. The filter is validated as ListTokens validates it, before
// anything is emitted; the export is audited (who, which format, which
// filter) before the first batch. An error from emit stops the export.
func (s *Service) ExportTokens(ctx context.Context, p *auth.Principal, req ExportRequest, emit func([]ExportRow) error) error {
	if req.Format != ExportCSV && req.Format != ExportNDJSON {
		return apperr.New(apperr.BadUserInput, "format must be %s or %s", ExportCSV, ExportNDJSON).With("field", "format")
	}
	now := s.clock()
	q, err := listQuery(p, ListRequest{Filter: req.Filter, Order: req.Order}, now)
	if err != nil {
		return err
	}
	shape, err := json.Marshal(struct {
		Filter *TokenFilter `json:"filter"`
		Order  *TokenOrder  `json:"order"`
	}{req.Filter, req.Order})
	if err != nil {
		return err
	}
	e := newAuditEvent(ctx, p, entity.AuditTokensExported, now)
	format, filter := req.Format, string(shape)
	e.ExportFormat, e.ExportFilter = &format, &filter
	if err := s.store.RecordEvent(ctx, p.Org.ID, e); err != nil {
		return err
	}
	q.Limit = exportBatch
	users := make(map[int64]*entity.User)
	for {
		tokens, err := s.store.ListTokens(ctx, q)
		if err != nil {
			return err
		}
		deriveStatus(p.Org, now, tokens...)
		if len(users) > exportUserCache {
			clear(users)
		}
		rows, err := s.exportRows(ctx, p.Org.ID, tokens, users)
		if err != nil {
			return err
		}
		if len(rows) > 0 {
			if err := emit(rows); err != nil {
				return err
			}
		}
		if len(tokens) < exportBatch {
			return nil
		}
		// Continue after the last token, by the list's own sort key.
		key := sortKey(q.Order, tokens[len(tokens)-1])
		q.After = &key
	}
}

// exportRows pairs tokens with their owners and revokers: those not in
// byID are read in one statement and added to it.
func (s *Service) exportRows(ctx context.Context, orgID int64, tokens []*entity.PersonalAccessToken,
	byID map[int64]*entity.User,
) ([]ExportRow, error) {
	var missing []int64
	for _, t := range tokens {
		if _, ok := byID[t.OwnerID]; !ok {
			missing = append(missing, t.OwnerID)
		}
		if t.RevokedByID != nil {
			if _, ok := byID[*t.RevokedByID]; !ok {
				missing = append(missing, *t.RevokedByID)
			}
		}
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		missing = slices.Compact(missing)
		users, err := s.store.UsersByIDs(ctx, orgID, missing)
		if err != nil {
			return nil, err
		}
		for _, u := range users {
			byID[u.ID] = u
		}
	}
	rows := make([]ExportRow, len(tokens))
	for i, t := range tokens {
		rows[i] = ExportRow{Token: t, Owner: byID[t.OwnerID]}
		if t.RevokedByID != nil {
			rows[i].RevokedBy = byID[*t.RevokedByID]
		}
	}
	return rows, nil
}
