package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/patgov/pats/internal/apperr"
	"github.com/patgov/pats/internal/pat"
	"github.com/patgov/pats/internal/ratelimit"
	"github.com/patgov/pats/internal/scanalert"
)

// maxAlertBody bounds a secret-scanning alert request (1 MiB).
const maxAlertBody = 1 << 20

// The headers GitHub signs every secret-scanning alert with.
const (
	headerKeyIdentifier = "Github-Public-Key-Identifier"
	headerKeySignature  = "Github-Public-Key-Signature"
)

// leakRevoker is what the partner endpoint needs of the domain.
type leakRevoker interface {
	RevokeLeaked(ctx context.Context, alerts []pat.LeakAlert) ([]pat.LeakFeedback, error)
}

// githubAlert is one entry of GitHub's alert body.
type githubAlert struct {
	Token  string `json:"token"`
	Type   string `json:"type"`
	URL    string `json:"url"`
	Source string `json:"source"`
}

// githubFeedback is one entry of the answer GitHub's partner program reads.
type githubFeedback struct {
	TokenHash string `json:"token_hash"`
	TokenType string `json:"token_type"`
	Label     string `json:"label"`
}

// secretScanningHandler answers POST /secret-scanning/github: alerts from
// GitHub's secret scanning that it found this service's tokens in public
// code. The signature is checked over the raw body before anything is
// decoded; every token of this service among the alerts is revoked,
// whatever its organization; the answer labels each alert, identified by
// the SHA-256 of its value, never by the value. No token value is logged.
func secretScanningHandler(v *scanalert.Verifier, leaks leakRevoker, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > maxAlertBody {
			writeAlertError(w, http.StatusRequestEntityTooLarge, "request body too large")
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxAlertBody))
		var tooLarge *http.MaxBytesError
		switch {
		case errors.As(err, &tooLarge):
			writeAlertError(w, http.StatusRequestEntityTooLarge, "request body too large")
			return
		case err != nil:
			writeAlertError(w, http.StatusBadRequest, "could not read the request body")
			return
		}
		switch err := v.Verify(r.Context(), r.Header.Get(headerKeyIdentifier), r.Header.Get(headerKeySignature), body); {
		case errors.Is(err, scanalert.ErrKeysUnavailable), errors.Is(err, scanalert.ErrKeyNotChecked):
			// Not a verdict on the alert: the sender must retry, not drop it.
			log.WarnContext(r.Context(), "secret-scanning alert not checked yet", "reason", err.Error())
			w.Header().Set("Retry-After", strconv.Itoa(ratelimit.RetryAfterSeconds(v.RetryAfter())))
			writeAlertError(w, http.StatusServiceUnavailable, "the signature cannot be checked yet; retry later")
			return
		case err != nil:
			log.WarnContext(r.Context(), "secret-scanning alert refused", "reason", err.Error(), "bytes", len(body))
			writeAlertError(w, http.StatusUnauthorized, "invalid signature")
			return
		}
		var alerts []githubAlert
		if err := json.Unmarshal(body, &alerts); err != nil {
			writeAlertError(w, http.StatusBadRequest, "the body must be a JSON array of alerts")
			return
		}
		in := make([]pat.LeakAlert, len(alerts))
		for i, a := range alerts {
			in[i] = pat.LeakAlert{Token: a.Token, Type: a.Type, URL: a.URL, Source: a.Source}
		}
		feedback, err := leaks.RevokeLeaked(r.Context(), in)
		if err != nil {
			if e, ok := apperr.As(err); ok && e.Code == apperr.BadUserInput {
				writeAlertError(w, http.StatusBadRequest, e.Message)
				return
			}
			log.ErrorContext(r.Context(), "secret-scanning alert failed", "error", err, "alerts", len(alerts))
			writeAlertError(w, http.StatusInternalServerError, "internal error")
			return
		}
		out := make([]githubFeedback, len(feedback))
		positives := 0
		for i, f := range feedback {
			out[i] = githubFeedback{TokenHash: f.TokenHash, TokenType: f.TokenType, Label: f.Label}
			if f.Label == pat.LabelTruePositive {
				positives++
			}
		}
		log.InfoContext(r.Context(), "secret-scanning alert", "alerts", len(alerts), "true_positives", positives)
		writeJSON(w, http.StatusOK, out)
	})
}

// writeAlertError answers the partner endpoint's errors.
func writeAlertError(w http.ResponseWriter, status int, message string) {
	writeJSON(w, status, map[string]string{"message": message})
}
