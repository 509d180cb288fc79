package webhook

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
)

// MaxResponseBody is how much of a receiver's answer is read and kept:
// enough to show an admin an error page's start, too little for a
// receiver to make us buffer or wait on an endless body.
const MaxResponseBody = 64 << 10

// DefaultUserAgent is sent when Request.UserAgent is empty, so receivers
// can tell our calls apart in their logs.
const DefaultUserAgent = "PATS-Webhooks"

// HeaderEvent carries Request.EventType, in the manner of GitHub's
// X-GitHub-Event, so a receiver can route a message before parsing it.
// (The Standard Webhooks headers have no event type; the payload's own
// "type" field remains the authoritative one.)
const HeaderEvent = "X-Pats-Event"

// Request is one delivery attempt of one message to one endpoint.
type Request struct {
	// URL is the endpoint, already accepted by ValidateURL.
	URL string
	// MsgID identifies the message, the same on every retry, so that a
	// receiver can drop duplicates (webhook-id).
	MsgID string
	// Timestamp is when this attempt is signed (webhook-timestamp, unix
	// seconds); receivers refuse one far from their clock, so each retry
	// signs anew.
	Timestamp time.Time
	// Body is the JSON payload, sent and signed exactly as given.
	Body []byte
	// Secrets are the endpoint's whsec_ secrets: one normally, two while
	// a rotation is under way.
	Secrets []string
	// EventType is sent as HeaderEvent when not empty.
	EventType string
	// UserAgent overrides DefaultUserAgent.
	UserAgent string
	// Header holds extra headers, such as traceparent. The signature
	// headers, Content-Type and User-Agent are set after it and win.
	Header http.Header
}

// Result is the outcome of one attempt, for the delivery log.
type Result struct {
	// StatusCode is the receiver's HTTP status, 0 when it gave none.
	StatusCode int
	// Duration is the time from sending to the end of the body read.
	Duration time.Duration
	// Class sorts the outcome; ClassOK exactly when Err is nil.
	Class Class
	// Err says what went wrong. It may name the URL's host but never its
	// path, query or a secret, since it is stored and shown to admins.
	Err error
	// ResponseBody is the start of the receiver's answer, at most
	// MaxResponseBody bytes.
	ResponseBody []byte
}

// Deliver makes one signed POST of req with client, which should come
// from NewClient. A 2xx answer is a success; anything else, a 3xx
// included, is a failure for the caller's retry schedule to handle.
// Deliver never retries by itself.
func Deliver(ctx context.Context, client *http.Client, req Request) Result {
	host := redactedHost(req.URL)
	fail := func(class Class, err error) Result {
		return Result{Class: class, Err: fmt.Errorf("deliver to %s: %w", host, err)}
	}
	if client == nil {
		return fail(ClassInvalidRequest, errors.New("no HTTP client"))
	}
	sig, err := SignAll(req.Secrets, req.MsgID, req.Timestamp, req.Body)
	if err != nil {
		return fail(ClassInvalidRequest, err)
	}
	httpReq, err := http.NewRequestWithContext(ctx, http.MethodPost, req.URL, bytes.NewReader(req.Body))
	if err != nil {
		return fail(ClassInvalidRequest, errors.New("the URL cannot be requested"))
	}
	setHeaders(httpReq, req, sig)

	start := time.Now()
	resp, err := client.Do(httpReq)
	if err != nil {
		r := fail(classify(ctx, err), unwrapURLError(err))
		r.Duration = time.Since(start)
		return r
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, MaxResponseBody))
	// Closing without draining drops the connection instead of reading an
	// unbounded remainder just to reuse it.
	resp.Body.Close()

	r := Result{StatusCode: resp.StatusCode, Duration: time.Since(start), ResponseBody: body}
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		r.Class = ClassOK
	case resp.StatusCode >= 300 && resp.StatusCode < 400:
		r.Class = ClassRedirect
		r.Err = fmt.Errorf("deliver to %s: receiver answered %d, a redirect, which is not followed", host, resp.StatusCode)
	default:
		r.Class = ClassHTTPStatus
		r.Err = fmt.Errorf("deliver to %s: receiver answered %d", host, resp.StatusCode)
	}
	return r
}

func setHeaders(httpReq *http.Request, req Request, sig string) {
	if req.Header != nil {
		httpReq.Header = req.Header.Clone()
	}
	h := httpReq.Header
	ua := req.UserAgent
	if ua == "" {
		ua = DefaultUserAgent
	}
	h.Set("Content-Type", "application/json")
	h.Set("User-Agent", ua)
	h.Set(standardwebhooks.HeaderWebhookID, req.MsgID)
	h.Set(standardwebhooks.HeaderWebhookTimestamp, strconv.FormatInt(req.Timestamp.Unix(), 10))
	h.Set(standardwebhooks.HeaderWebhookSignature, sig)
	if req.EventType != "" {
		h.Set(HeaderEvent, req.EventType)
	}
}

// redactedHost is the part of a URL an error may show: its host (and
// port). Paths and queries can be credentials (Slack-style hook URLs,
// ?token=), so they never leave here.
func redactedHost(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "the endpoint"
	}
	return u.Host
}

// unwrapURLError drops the *url.Error layer, whose message quotes the
// whole URL, query string included.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
