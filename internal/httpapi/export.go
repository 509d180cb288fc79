package httpapi

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/patgov/pats/internal/apperr"
	"github.com/patgov/pats/internal/auth"
	"github.com/patgov/pats/internal/entity"
	"github.com/patgov/pats/internal/pat"
	"github.com/patgov/pats/internal/strictjson"
	"github.com/patgov/pats/model"
)

// exportTimeout bounds one export (the service's write timeout is 60 s):
// a million rows take well under it.
const exportTimeout = 55 * time.Second

// exportBody is the JSON body of POST /export/tokens: the fields of the
// tokens query's filter and orderBy, spelled as in GraphQL.
type exportBody struct {
	Format  string        `json:"format"`
	Filter  *exportFilter `json:"filter"`
	OrderBy *struct {
		Field     string `json:"field"`
		Direction string `json:"direction"`
	} `json:"orderBy"`
}

type exportFilter struct {
	Status         []string `json:"status"`
	OwnerIds       []string `json:"ownerIds"`
	Search         *string  `json:"search"`
	Scopes         []string `json:"scopes"`
	ExpiresBefore  *string  `json:"expiresBefore"`
	ExpiresAfter   *string  `json:"expiresAfter"`
	LastUsedBefore *string  `json:"lastUsedBefore"`
	NeverUsed      *bool    `json:"neverUsed"`
}

// exportColumns are the columns of an export, in order (CSV header and
// NDJSON keys).
var exportColumns = []string{"id", "name", "owner_id", "owner_name", "owner_email", "scopes", "created_at",
	"last_used_at", "expires_at", "status", "revoked_at", "revoked_by", "revocation_source", "hint"}

// exportHandler answers POST /export/tokens: the tokens the caller may see
// (admins: the organization's; members: their own) matching a filter, as
// CSV or NDJSON, streamed a batch at a time. Bad input is answered as
// GraphQL answers it (the same codes, HTTP 400). Once rows are streaming,
// a failure can only cut the response short: the connection is aborted, so
// a client never takes a truncated file for a whole one.
func exportHandler(svc *pat.Service, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, ok := auth.PrincipalFrom(r.Context())
		if !ok {
			writeGraphQLError(w, r, http.StatusUnauthorized, string(apperr.Unauthenticated), "authentication required")
			return
		}
		req, err := readExportRequest(r)
		if err != nil {
			writeExportError(w, r, err)
			return
		}
		started := false
		var enc rowEncoder
		err = svc.ExportTokens(r.Context(), p, req, func(rows []pat.ExportRow) error {
			if !started {
				started = true
				enc = startExport(w, req.Format)
			}
			for _, row := range rows {
				if err := enc.write(exportRecord(row)); err != nil {
					return err
				}
			}
			return enc.flush()
		})
		switch {
		case err != nil && !started:
			writeExportError(w, r, err)
		case err != nil:
			log.WarnContext(r.Context(), "export cut short", "error", err)
			panic(http.ErrAbortHandler) // the client sees a broken transfer, not a short file
		case !started:
			_ = startExport(w, req.Format).flush() // an empty export: the CSV header alone
		}
	})
}

// readExportRequest decodes and validates the body into the domain's
// request (the filter's own rules are the domain's).
func readExportRequest(r *http.Request) (pat.ExportRequest, error) {
	raw, err := io.ReadAll(r.Body)
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return pat.ExportRequest{}, apperr.New(apperr.BadRequest, "request body too large")
	}
	if err != nil {
		return pat.ExportRequest{}, apperr.New(apperr.BadRequest, "could not read the request body")
	}
	if err := strictjson.Walk(bytes.TrimSpace(raw), strictjson.Options{FoldTop: true, MaxDepth: maxBodyDepth}, nil); err != nil {
		return pat.ExportRequest{}, apperr.New(apperr.BadRequest, "the body must be one JSON object without repeated keys")
	}
	var body exportBody
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil {
		return pat.ExportRequest{}, apperr.New(apperr.BadUserInput, "invalid export request: %s", jsonProblem(err))
	}
	req := pat.ExportRequest{Format: body.Format}
	if f := body.Filter; f != nil {
		tf := &pat.TokenFilter{OwnerIDs: f.OwnerIds, Search: f.Search, Scopes: f.Scopes, NeverUsed: f.NeverUsed}
		if f.Status != nil {
			tf.Statuses = make([]entity.TokenStatus, len(f.Status))
			for i, s := range f.Status {
				if tf.Statuses[i], err = model.UnmarshalTokenStatus(s); err != nil {
					return req, apperr.New(apperr.BadUserInput, "%s", err.Error()).With("field", "filter.status")
				}
			}
		}
		for _, t := range []struct {
			name string
			in   *string
			out  **entity.Time
		}{{"expiresBefore", f.ExpiresBefore, &tf.ExpiresBefore}, {"expiresAfter", f.ExpiresAfter, &tf.ExpiresAfter}, {"lastUsedBefore", f.LastUsedBefore, &tf.LastUsedBefore}} {
			if t.in == nil {
				continue
			}
			tm, err := model.UnmarshalTime(*t.in)
			if err != nil {
				return req, apperr.New(apperr.BadUserInput, "%s", err.Error()).With("field", "filter."+t.name)
			}
			*t.out = &tm
		}
		req.Filter = tf
	}
	if o := body.OrderBy; o != nil {
		field, dir := model.PersonalAccessTokenOrderField(o.Field), model.OrderDirection(o.Direction)
		if !field.IsValid() || !dir.IsValid() {
			return req, apperr.New(apperr.BadUserInput, "orderBy needs a field (CREATED_AT, EXPIRES_AT, LAST_USED_AT, NAME) and a direction (ASC, DESC)").
				With("field", "orderBy")
		}
		req.Order = &pat.TokenOrder{Field: pat.TokenOrderField(field), Descending: dir == model.OrderDirectionDesc}
	}
	return req, nil
}

// jsonProblem says what is wrong with a body without echoing its values.
func jsonProblem(err error) string {
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &typeErr):
		return fmt.Sprintf("%s has the wrong type", typeErr.Field)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return "unknown field " + strings.TrimPrefix(err.Error(), "json: unknown field ")
	default:
		return "not a JSON object of format, filter and orderBy"
	}
}

// writeExportError answers an export that did not start, with the code in
// the GraphQL error shape.
func writeExportError(w http.ResponseWriter, r *http.Request, err error) {
	e, ok := apperr.As(err)
	if !ok {
		writeGraphQLError(w, r, http.StatusInternalServerError, string(apperr.Internal), "internal error")
		return
	}
	status := http.StatusBadRequest
	switch e.Code {
	case apperr.Forbidden:
		status = http.StatusForbidden
	case apperr.RateLimited:
		status = http.StatusTooManyRequests
	}
	writeGraphQLError(w, r, status, string(e.Code), e.Message)
}

// rowEncoder writes export rows in one format.
type rowEncoder interface {
	write(record []string) error
	flush() error
}

// startExport sends the headers of a download and returns its encoder.
func startExport(w http.ResponseWriter, format string) rowEncoder {
	h := w.Header()
	name := "tokens-" + time.Now().UTC().Format("20060102-150405")
	if format == pat.ExportCSV {
		h.Set("Content-Type", "text/csv; charset=utf-8")
	} else {
		h.Set("Content-Type", "application/x-ndjson")
	}
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.%s"`, name, format))
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	flusher, _ := w.(http.Flusher)
	if format == pat.ExportCSV {
		c := &csvEncoder{w: csv.NewWriter(w), flusher: flusher}
		_ = c.w.Write(exportColumns)
		return c
	}
	return &ndjsonEncoder{enc: json.NewEncoder(w), flusher: flusher}
}

// csvEncoder writes RFC 4180 CSV (encoding/csv), each cell defused against
// spreadsheet formula injection.
type csvEncoder struct {
	w       *csv.Writer
	flusher http.Flusher
}

func (c *csvEncoder) write(record []string) error {
	for i, cell := range record {
		record[i] = defuseCell(cell)
	}
	return c.w.Write(record)
}

func (c *csvEncoder) flush() error {
	c.w.Flush()
	if c.flusher != nil {
		c.flusher.Flush()
	}
	return c.w.Error()
}

// defuseCell prefixes a cell a spreadsheet would run as a formula (one
// that starts with =, +, -, @, a tab or a carriage return) with a quote,
// which spreadsheets show as text (OWASP's CSV injection advice). Token
// names and user names are free text from users.
func defuseCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// ndjsonEncoder writes one JSON object per line, keyed by exportColumns.
type ndjsonEncoder struct {
	enc     *json.Encoder
	flusher http.Flusher
}

func (n *ndjsonEncoder) write(record []string) error {
	obj := make(map[string]string, len(record))
	for i, v := range record {
		obj[exportColumns[i]] = v
	}
	return n.enc.Encode(obj)
}

func (n *ndjsonEncoder) flush() error {
	if n.flusher != nil {
		n.flusher.Flush()
	}
	return nil
}

// exportRecord is row's cells, in exportColumns order; times are RFC 3339
// with milliseconds, absent values empty.
func exportRecord(row pat.ExportRow) []string {
	t := row.Token
	when := func(tm *entity.Time) string {
		if tm == nil {
			return ""
		}
		return tm.String()
	}
	var ownerID, ownerName, ownerEmail, revokedBy, source string
	if row.Owner != nil {
		ownerID, ownerName, ownerEmail = row.Owner.Subject, row.Owner.Name, row.Owner.Email
	}
	if row.RevokedBy != nil {
		revokedBy = row.RevokedBy.Subject
	}
	if t.RevocationSource != nil {
		source = string(*t.RevocationSource)
	}
	created, expires := t.CreatedAt, t.EffectiveExpiresAt
	return []string{t.ID, t.Name, ownerID, ownerName, ownerEmail, strings.Join(t.ScopeList(), " "), when(&created),
		when(t.LastUsedAt), when(&expires), string(t.Status), when(t.RevokedAt), revokedBy, source, t.Hint}
}
