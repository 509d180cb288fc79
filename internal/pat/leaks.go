package pat

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"unicode/utf8"

	"github.com/patgov/pats/internal/apperr"
	"github.com/patgov/pats/internal/auth"
	"github.com/patgov/pats/internal/entity"
	"github.com/patgov/pats/internal/store"
)

// LeakAlert is one value a secret scanner found in public code, as GitHub's
// secret-scanning partner program reports it.
type LeakAlert struct {
	Token  string
	Type   string
	URL    string
	Source string
}

// LeakFeedback answers one alert in GitHub's terms.
type LeakFeedback struct {
	// TokenHash is the SHA-256 (hex) of the value as reported; the value
	// itself is never returned.
	TokenHash string
	TokenType string
	// Label is LabelTruePositive when the value is one of this service's
	// tokens (active, expired or revoked), else LabelFalsePositive.
	Label string
}

// The feedback labels of GitHub's secret-scanning partner program.
const (
	LabelTruePositive  = "true_positive"
	LabelFalsePositive = "false_positive"
)

// MaxLeakAlerts bounds one alert request: each involved organization
// costs a few statements of the one transaction.
const MaxLeakAlerts = 1000

// Bounds of what an alert's url and source keep in the audit trail (the
// columns' sizes).
const (
	maxAlertURL    = 2048
	maxAlertSource = 64
)

// SecretScanningActor is the user, in each organization, that revokes
// tokens on secret-scanning alerts; its subject is reserved, so no session
// can be it.
var SecretScanningActor = store.SystemActor{
	Subject: auth.ReservedSubjectPrefix + "secret-scanning",
	Name:    "GitHub secret scanning",
}

// RevokeLeaked revokes, in whichever organization it lives, every token of
// this service among the alerts' values (source SECRET_SCANNING, by that
// organization's SecretScanningActor, the alert's url and source in the
// audit event), and answers each alert: a true positive when the value is
// one of this service's tokens, whatever its state. The caller (the
// partner endpoint) has verified that the alerts come from the scanner.
// Idempotent: an alert repeated revokes nothing more.
func (s *Service) RevokeLeaked(ctx context.Context, alerts []LeakAlert) ([]LeakFeedback, error) {
	if len(alerts) > MaxLeakAlerts {
		return nil, apperr.New(apperr.BadUserInput, "at most %d alerts per request", MaxLeakAlerts).With("limit", MaxLeakAlerts)
	}
	out := make([]LeakFeedback, len(alerts))
	values := make([]string, len(alerts))
	for i, a := range alerts {
		sum := sha256.Sum256([]byte(a.Token))
		out[i] = LeakFeedback{TokenHash: hex.EncodeToString(sum[:]), TokenType: a.Type, Label: LabelFalsePositive}
		values[i] = a.Token
	}
	slot, digests := distinctDigests(values, strings.TrimSpace)
	if len(digests) == 0 {
		return out, nil
	}
	// The first alert of each digest: its url and source go in the audit
	// event.
	first := make(map[string]int, len(digests))
	for i, n := range slot {
		if n < 0 {
			continue
		}
		if _, seen := first[string(digests[n])]; !seen {
			first[string(digests[n])] = i
		}
	}
	now := s.clock()
	found, _, err := s.store.RevokeLeaked(ctx, digests, SecretScanningActor, now, func(r store.LeakedRevocation) []*entity.AuditEvent {
		events := make([]*entity.AuditEvent, len(r.Unrevoked))
		for i, t := range r.Unrevoked {
			a := alerts[first[string(t.TokenDigest)]]
			e := newActorEvent(ctx, r.Org.ID, r.Actor.ID, entity.AuditTokenRevoked, now)
			withToken(e, t, EffectiveExpiry(t.CreatedAt, t.ExpiresAt, r.Org.MaxLifespanDays))
			source := entity.RevokedBySecretScanning
			url, where := clip(a.URL, maxAlertURL), clip(a.Source, maxAlertSource)
			e.RevocationSource, e.AlertURL, e.AlertSource = &source, &url, &where
			events[i] = e
		}
		return events
	})
	if err != nil {
		return nil, err
	}
	ours := make(map[string]bool, len(found)) // by digest
	changed := store.Changes{}
	for _, t := range found {
		ours[string(t.TokenDigest)] = true
		changed.RevokedDigests = append(changed.RevokedDigests, t.TokenDigest)
	}
	s.validator.invalidate(changed)
	for i, n := range slot {
		if n >= 0 && ours[string(digests[n])] {
			out[i].Label = LabelTruePositive
		}
	}
	return out, nil
}

// clip cuts s to at most n bytes on a character boundary, and drops
// invalid UTF-8.
func clip(s string, n int) string {
	s = strings.ToValidUTF8(s, "")
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
