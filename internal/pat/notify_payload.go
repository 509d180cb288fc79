package pat

import (
	"encoding/json"

	"github.com/oklog/ulid/v2"

	"github.com/patgov/pats/internal/entity"
	"github.com/patgov/pats/internal/store"
)

// The JSON of webhook payloads, in the Standard Webhooks shape: the event
// type, when it happened, and its data. No secret, digest or hint is
// ever in them: tokens appear by ID, name, scopes and expiry; users by
// the identity provider's ID, e-mail and name.
type (
	payload struct {
		Type      entity.EventType `json:"type"`
		Timestamp entity.Time      `json:"timestamp"`
		Data      any              `json:"data"`
	}
	payloadUser struct {
		ID    string `json:"id"`
		Email string `json:"email,omitempty"`
		Name  string `json:"name,omitempty"`
	}
	payloadToken struct {
		ID        string       `json:"id"`
		Name      string       `json:"name"`
		Scopes    []string     `json:"scopes,omitempty"`
		ExpiresAt *entity.Time `json:"expiresAt,omitempty"`
	}
	tokenEventData struct {
		Token            payloadToken             `json:"token"`
		Owner            *payloadUser             `json:"owner,omitempty"`
		Actor            *payloadUser             `json:"actor,omitempty"`
		RevocationSource *entity.RevocationSource `json:"revocationSource,omitempty"`
		RequestID        string                   `json:"requestId,omitempty"`
	}
	policyData struct {
		Enabled               bool `json:"enabled"`
		MaxLifespanDays       int  `json:"maxLifespanDays"`
		RevokeUnusedAfterDays int  `json:"revokeUnusedAfterDays"`
	}
	settingsEventData struct {
		Previous  policyData   `json:"previous"`
		Current   policyData   `json:"current"`
		Actor     *payloadUser `json:"actor,omitempty"`
		RequestID string       `json:"requestId,omitempty"`
	}
	expiryData struct {
		Token     payloadToken `json:"token"`
		Owner     *payloadUser `json:"owner,omitempty"`
		ExpiresAt entity.Time  `json:"expiresAt"`
		DaysLeft  int          `json:"daysLeft"`
	}
	rotationData struct {
		From  payloadToken `json:"from"`
		To    payloadToken `json:"to"`
		Owner *payloadUser `json:"owner,omitempty"`
	}
	staleWarningData struct {
		Token      payloadToken `json:"token"`
		Owner      *payloadUser `json:"owner,omitempty"`
		LastUsedAt *entity.Time `json:"lastUsedAt"`
		RevokeAt   entity.Time  `json:"revokeAt"`
	}
)

func userOf(users map[int64]*entity.User, id int64) *payloadUser {
	u := users[id]
	if u == nil {
		return nil
	}
	return &payloadUser{ID: u.Subject, Email: u.Email, Name: u.Name}
}

// eventData is the payload data of outbox event e, from its audit event
// or its own payload; ok false when it cannot be built (its audit event
// is missing), in which case the event is dispatched to nobody.
func eventData(e *entity.OutboxEvent, b store.OutboxBatch) (any, bool) {
	if e.AuditEventID != nil {
		a := b.Audit[*e.AuditEventID]
		if a == nil {
			return nil, false
		}
		if a.Action == entity.AuditSettingsUpdated {
			c := a.SettingsChange()
			if c == nil {
				return nil, false
			}
			return settingsEventData{
				Previous:  policyData{c.PreviousEnabled, c.PreviousMaxLifespanDays, c.PreviousRevokeUnusedAfterDays},
				Current:   policyData{c.Enabled, c.MaxLifespanDays, c.RevokeUnusedAfterDays},
				Actor:     userOf(b.Users, a.ActorID),
				RequestID: a.RequestID,
			}, true
		}
		t := a.Token()
		if t == nil {
			return nil, false
		}
		d := tokenEventData{
			Token:            payloadToken{ID: t.ID, Name: t.Name, Scopes: t.ScopeList(), ExpiresAt: a.TokenExpiresAt},
			Owner:            userOf(b.Users, t.OwnerID),
			Actor:            userOf(b.Users, a.ActorID),
			RevocationSource: a.RevocationSource,
			RequestID:        a.RequestID,
		}
		return d, true
	}
	if e.Payload == nil {
		return nil, false
	}
	switch e.EventType {
	case entity.EventTokenExpiring, entity.EventTokenExpired:
		var x ExpiryPayload
		if err := json.Unmarshal([]byte(*e.Payload), &x); err != nil {
			return nil, false
		}
		return expiryData{Token: payloadToken{ID: x.TokenID, Name: x.TokenName}, Owner: userOf(b.Users, x.OwnerID),
			ExpiresAt: x.ExpiresAt, DaysLeft: x.DaysLeft}, true
	case entity.EventTokenRotated:
		var r RotatedPayload
		if err := json.Unmarshal([]byte(*e.Payload), &r); err != nil {
			return nil, false
		}
		return rotationData{From: payloadToken{ID: r.FromTokenID, Name: r.TokenName}, To: payloadToken{ID: r.ToTokenID, Name: r.TokenName},
			Owner: userOf(b.Users, r.OwnerID)}, true
	case entity.EventTokenStaleWarning:
		var w StaleWarningPayload
		if err := json.Unmarshal([]byte(*e.Payload), &w); err != nil {
			return nil, false
		}
		return staleWarningData{
			Token: payloadToken{ID: w.TokenID, Name: w.TokenName}, Owner: userOf(b.Users, w.OwnerID),
			LastUsedAt: w.LastUsedAt, RevokeAt: w.RevokeAt,
		}, true
	}
	return nil, false
}

// buildDeliveries makes, for each event of b, a webhook delivery per
// endpoint of its organization that subscribes to its type, and the
// e-mail to the token's owner it calls for (mailFor), due at now; the
// e-mail is KEPT instead when no SMTP server is configured.
func buildDeliveries(b store.OutboxBatch, now entity.Time, mailCfg MailConfig) []*entity.Delivery {
	var out []*entity.Delivery
	for _, e := range b.Events {
		if d, _ := mailFor(e, b, mailCfg.ConsoleURL); d != nil {
			d.State, d.NextAttemptAt, d.CreatedAt = entity.DeliveryPending, now, now
			if mailCfg.Sender == nil {
				d.State, d.FinishedAt = entity.DeliveryKept, &now
			}
			out = append(out, d)
		}
		var body []byte
		for _, ep := range b.Endpoints[e.OrganizationID] {
			if !ep.Subscribes(e.EventType) {
				continue
			}
			if body == nil {
				data, ok := eventData(e, b)
				if !ok {
					break
				}
				var err error
				if body, err = json.Marshal(payload{Type: e.EventType, Timestamp: e.OccurredAt, Data: data}); err != nil {
					break
				}
			}
			id := ep.ID
			out = append(out, &entity.Delivery{
				ID: ulid.Make().String(), OrganizationID: e.OrganizationID, Channel: entity.ChannelWebhook, EndpointID: &id,
				EventID: e.ID, EventType: e.EventType, Body: string(body), State: entity.DeliveryPending,
				NextAttemptAt: now, CreatedAt: now,
			})
		}
	}
	return out
}
