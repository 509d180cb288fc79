package pat

import (
	"cmp"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/patgov/pats/internal/apperr"
	"github.com/patgov/pats/internal/auth"
	"github.com/patgov/pats/internal/entity"
	"github.com/patgov/pats/internal/mail"
	"github.com/patgov/pats/internal/store"
	"github.com/patgov/pats/internal/webhook"
)

// Delivery worker defaults (WebhookConfig).
const (
	// DefaultDeliveryInterval is how often each instance looks for events
	// to dispatch and deliveries due.
	DefaultDeliveryInterval = time.Second
	// dispatchBatch is how many outbox events one transaction dispatches;
	// claimBatch how many deliveries one claim takes; sendConcurrency how
	// many of them are sent at once.
	dispatchBatch   = 500
	sendConcurrency = 16
	// claimBatch is sendConcurrency: every claimed delivery is sent at
	// once, so none waits behind others while its lease runs.
	claimBatch = sendConcurrency
	// deliveryLease is how long a claimed delivery stays with its
	// instance: past the longest attempt (a mail: mail.DefaultTimeout plus
	// go-mail's second; a webhook: 10 s) with a wide margin, so a live
	// sender never loses it and no delivery is sent by two instances at
	// once.
	deliveryLease = mail.DefaultTimeout + 30*time.Second
)

// WebhookConfig configures webhooks.
type WebhookConfig struct {
	// Key seals the endpoints' secrets (32 bytes; every instance must
	// share it).
	Key []byte
	// AllowPrivate accepts http:// and private, loopback and link-local
	// addresses (PATS_WEBHOOKS_ALLOW_PRIVATE: development and tests only).
	AllowPrivate bool
	// Client sends deliveries (default webhook.NewClient with
	// AllowPrivate); Wrap, when set, wraps its transport (tracing).
	Client *http.Client
	Wrap   func(http.RoundTripper) http.RoundTripper
	// Interval is how often the worker runs (DefaultDeliveryInterval).
	Interval time.Duration
	// OnAttempt, when set, learns of each attempt's class (metrics).
	OnAttempt func(class webhook.Class, d time.Duration)
}

// webhooks is the service's webhook state.
type webhooks struct {
	box          *secretBox
	allowPrivate bool
	client       *http.Client
	interval     time.Duration
	owner        string
	onAttempt    func(webhook.Class, time.Duration)
}

func newWebhooks(cfg WebhookConfig) (*webhooks, error) {
	box, err := newSecretBox(cfg.Key)
	if err != nil {
		return nil, err
	}
	client := cfg.Client
	if client == nil {
		client = webhook.NewClient(webhook.ClientOptions{AllowPrivate: cfg.AllowPrivate})
	}
	if cfg.Wrap != nil {
		c := *client
		c.Transport = cfg.Wrap(cmp.Or[http.RoundTripper](c.Transport, http.DefaultTransport))
		client = &c
	}
	w := &webhooks{box: box, allowPrivate: cfg.AllowPrivate, client: client,
		interval: cmp.Or(cfg.Interval, DefaultDeliveryInterval), owner: ulid.Make().String(), onAttempt: cfg.OnAttempt}
	if w.onAttempt == nil {
		w.onAttempt = func(webhook.Class, time.Duration) {}
	}
	return w, nil
}

// RunDeliveries dispatches outbox events and sends due deliveries every
// interval until ctx ends.
func (s *Service) RunDeliveries(ctx context.Context) {
	t := time.NewTicker(s.webhooks.interval)
	defer t.Stop()
	for {
		if _, err := s.DeliverDue(ctx); err != nil && ctx.Err() == nil {
			slog.WarnContext(ctx, "webhook deliveries failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// DeliveryRound is what one DeliverDue did.
type DeliveryRound struct {
	Dispatched, Sent int
}

// DeliverDue dispatches every pending outbox event into deliveries, then
// claims the deliveries due now and sends them (a bounded number at
// once), recording each outcome. Any instance may run it at any time:
// claims are leases, so no delivery is sent by two at once.
func (s *Service) DeliverDue(ctx context.Context) (DeliveryRound, error) {
	var r DeliveryRound
	for {
		now := s.clock()
		n, err := s.store.DispatchOutbox(ctx, dispatchBatch, now, func(b store.OutboxBatch) []*entity.Delivery {
			return buildDeliveries(b, now, s.mail)
		})
		r.Dispatched += n
		if err != nil {
			return r, err
		}
		if n < dispatchBatch {
			break
		}
	}
	for {
		now := s.clock()
		claimed, err := s.store.ClaimDeliveries(ctx, s.webhooks.owner, now, now.Millis()+deliveryLease.Milliseconds(), claimBatch)
		if err != nil {
			return r, err
		}
		s.sendAll(ctx, claimed)
		r.Sent += len(claimed)
		if len(claimed) < claimBatch {
			return r, nil
		}
	}
}

// sendAll sends the claimed deliveries, sendConcurrency at a time.
func (s *Service) sendAll(ctx context.Context, claimed []*entity.Delivery) {
	sem := make(chan struct{}, sendConcurrency)
	var wg sync.WaitGroup
	for _, d := range claimed {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			if err := s.sendOne(ctx, d); err != nil && ctx.Err() == nil {
				slog.WarnContext(ctx, "webhook delivery: recording the attempt failed", "delivery", d.ID, "err", err)
			}
		}()
	}
	wg.Wait()
}

// sendOne makes one attempt of a claimed delivery and records it: a 2xx
// succeeds; otherwise it is retried on webhook.NextAttempt's schedule
// until that gives up (a test delivery is not retried).
func (s *Service) sendOne(ctx context.Context, d *entity.Delivery) error {
	now := s.clock()
	out := store.AttemptOutcome{At: now}
	var res webhook.Result
	permanent := false
	if d.Channel == entity.ChannelEmail {
		var err error
		var took time.Duration
		permanent, took, err = s.sendMail(ctx, d)
		res = webhook.Result{Class: webhook.ClassOK, Duration: took}
		if err != nil {
			res.Class, res.Err = "smtp_temporary", err
			if permanent {
				res.Class = "smtp_permanent"
			}
		}
	} else {
		res = s.attempt(ctx, d, now)
		// An endpoint deleted, or a URL no longer allowed, will not get
		// better: the delivery fails now rather than for 30 hours.
		permanent = res.Class == webhook.ClassInvalidRequest
	}
	s.webhooks.onAttempt(res.Class, res.Duration)
	out.DurationMs = int(res.Duration.Milliseconds())
	if res.StatusCode != 0 {
		code := res.StatusCode
		out.StatusCode = &code
	}
	switch delay, giveUp := webhook.NextAttempt(d.Attempts, nil); {
	case res.Class == webhook.ClassOK:
		out.State, out.NextAttemptAt = entity.DeliverySucceeded, now
	case d.Test || giveUp || permanent:
		out.State, out.NextAttemptAt = entity.DeliveryFailed, now
	default:
		out.State, out.NextAttemptAt = entity.DeliveryPending, entity.TimeOf(now.Add(delay))
	}
	if res.Class != webhook.ClassOK {
		class := string(res.Class)
		out.Error = &class
	}
	d.State, d.NextAttemptAt, d.LastStatusCode, d.LastError, d.LastDurationMs = out.State, out.NextAttemptAt, out.StatusCode, out.Error, &out.DurationMs
	return s.store.RecordAttempt(context.WithoutCancel(ctx), d, s.webhooks.owner, out)
}

// attempt sends d once, signed with its endpoint's current secret (and
// the previous one during a rotation).
func (s *Service) attempt(ctx context.Context, d *entity.Delivery, now entity.Time) webhook.Result {
	if d.EndpointID == nil {
		return webhook.Result{Class: webhook.ClassInvalidRequest, Err: errors.New("not a webhook delivery")}
	}
	ep, err := s.store.WebhookEndpoint(ctx, d.OrganizationID, *d.EndpointID)
	if err != nil {
		return webhook.Result{Class: webhook.ClassInvalidRequest, Err: err}
	}
	// Checked again at every send: a URL saved while
	// PATS_WEBHOOKS_ALLOW_PRIVATE was on is not sent once it is off.
	if err := webhook.ValidateURL(ep.URL, s.webhooks.allowPrivate); err != nil {
		return webhook.Result{Class: webhook.ClassInvalidRequest, Err: err}
	}
	secrets, err := s.secretsOf(ep, now)
	if err != nil {
		return webhook.Result{Class: webhook.ClassInvalidRequest, Err: err}
	}
	return webhook.Deliver(ctx, s.webhooks.client, webhook.Request{
		URL: ep.URL, MsgID: d.EventID, Timestamp: now.Time, Body: []byte(d.Body), Secrets: secrets, EventType: string(d.EventType),
	})
}

// secretsOf opens ep's signing secrets: the current one, and the previous
// one while its overlap lasts.
func (s *Service) secretsOf(ep *entity.WebhookEndpoint, now entity.Time) ([]string, error) {
	current, err := s.webhooks.box.open(ep.ID, ep.SecretCiphertext)
	if err != nil {
		return nil, err
	}
	secrets := []string{current}
	if len(ep.PreviousSecretCiphertext) > 0 && ep.PreviousSecretExpiresAt != nil && ep.PreviousSecretExpiresAt.After(now.Time) {
		if prev, err := s.webhooks.box.open(ep.ID, ep.PreviousSecretCiphertext); err == nil {
			secrets = append(secrets, prev)
		}
	}
	return secrets, nil
}

// testEventType is the payload type of sendTestWebhook's deliveries.
const testEventType entity.EventType = "webhook.test"

// SendTestWebhook sends a test event to an endpoint now, within the call,
// and returns its delivery with the outcome (admins only). It is not
// retried.
func (s *Service) SendTestWebhook(ctx context.Context, p *auth.Principal, id string) (*entity.Delivery, error) {
	if !p.IsAdmin() {
		return nil, errForbiddenAdmin()
	}
	ep, err := s.store.WebhookEndpoint(ctx, p.Org.ID, id)
	if err != nil {
		return nil, webhookNotFound(err)
	}
	now := s.clock()
	eventID := ulid.Make().String()
	body := `{"type":"webhook.test","timestamp":"` + now.String() + `","data":{"endpointId":"` + ep.ID + `"}}`
	d := &entity.Delivery{
		ID: ulid.Make().String(), OrganizationID: p.Org.ID, Channel: entity.ChannelWebhook, EndpointID: &ep.ID,
		EventID: eventID, EventType: testEventType, Body: body, Test: true, State: entity.DeliveryPending,
		Attempts: 1, NextAttemptAt: now, CreatedAt: now, LeaseOwner: s.webhooks.owner,
		LeaseUntil: now.Millis() + deliveryLease.Milliseconds(),
	}
	if err := s.store.InsertDelivery(ctx, d); err != nil {
		return nil, err
	}
	if err := s.sendOne(ctx, d); err != nil {
		return nil, err
	}
	d.FinishedAt = &now
	return d, nil
}

// RedeliverWebhook queues a new delivery of a delivery's event to its
// endpoint, due now, with the same body and webhook-id (admins only).
func (s *Service) RedeliverWebhook(ctx context.Context, p *auth.Principal, deliveryID string) (*entity.Delivery, error) {
	if !p.IsAdmin() {
		return nil, errForbiddenAdmin()
	}
	old, err := s.store.Delivery(ctx, p.Org.ID, deliveryID)
	if err != nil || old.Channel != entity.ChannelWebhook {
		return nil, apperr.New(apperr.NotFound, "webhook delivery not found")
	}
	now := s.clock()
	d := &entity.Delivery{
		ID: ulid.Make().String(), OrganizationID: old.OrganizationID, Channel: old.Channel, EndpointID: old.EndpointID,
		EventID: old.EventID, EventType: old.EventType, Body: old.Body, Test: old.Test, State: entity.DeliveryPending,
		NextAttemptAt: now, CreatedAt: now,
	}
	if err := s.store.InsertDelivery(ctx, d); err != nil {
		return nil, err
	}
	return d, nil
}

// DeliveryPage is a page of an endpoint's deliveries, newest first.
type DeliveryPage struct {
	Deliveries []*entity.Delivery
	HasNext    bool
}

// WebhookDeliveries lists an endpoint's deliveries, newest first (admins
// only): first 1..100, after an ID from an earlier page, states to
// narrow.
func (s *Service) WebhookDeliveries(ctx context.Context, p *auth.Principal, endpointID string, first int, after string, states []entity.DeliveryState) (*DeliveryPage, error) {
	if !p.IsAdmin() {
		return nil, errForbiddenAdmin()
	}
	if _, err := s.store.WebhookEndpoint(ctx, p.Org.ID, endpointID); err != nil {
		return nil, webhookNotFound(err)
	}
	q := store.DeliveryQuery{OrgID: p.Org.ID, EndpointID: endpointID, States: states}
	return s.deliveryPage(ctx, q, first, after, "after is not a delivery of this endpoint", func(d *entity.Delivery) bool {
		return d.EndpointID != nil && *d.EndpointID == endpointID
	})
}

// deliveryPage reads the page of q of first (1..100) deliveries after the
// one with ID after, which must be one of q's (belongs), else bad input
// with badAfter.
func (s *Service) deliveryPage(ctx context.Context, q store.DeliveryQuery, first int, after, badAfter string, belongs func(*entity.Delivery) bool) (*DeliveryPage, error) {
	if first < 1 || first > MaxPageSize {
		return nil, apperr.New(apperr.BadUserInput, "first must be between 1 and %d", MaxPageSize).With("field", "first")
	}
	q.Limit = first + 1
	if after = strings.TrimSpace(after); after != "" {
		prev, err := s.store.Delivery(ctx, q.OrgID, after)
		if err != nil || !belongs(prev) {
			return nil, apperr.New(apperr.BadUserInput, "%s", badAfter).With("field", "after")
		}
		q.AfterCreatedAt, q.AfterID = prev.CreatedAt.Millis(), prev.ID
	}
	rows, err := s.store.ListDeliveries(ctx, q)
	if err != nil {
		return nil, err
	}
	page := &DeliveryPage{Deliveries: rows}
	if len(rows) > first {
		page.Deliveries, page.HasNext = rows[:first], true
	}
	return page, nil
}
