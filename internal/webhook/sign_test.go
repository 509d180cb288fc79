package webhook

import (
	"encoding/base64"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
)

// The specification's published vector (standard-webhooks README and the
// reference libraries' tests, e.g. libraries/go/webhook_test.go
// TestWebhookSign at v1.3.0).
const (
	vectorSecret    = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	vectorMsgID     = "msg_p5jXN8AQM9LWM0D4loKWxJek"
	vectorTimestamp = 1614265330
	vectorPayload   = `{"test": 2432232314}`
	vectorSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
)

func TestSignSpecVector(t *testing.T) {
	got, err := Sign(vectorSecret, vectorMsgID, time.Unix(vectorTimestamp, 0), []byte(vectorPayload))
	if err != nil {
		t.Fatal(err)
	}
	if got != vectorSignature {
		t.Fatalf("got %q, want %q", got, vectorSignature)
	}
	// The timestamp is signed in unix seconds: a sub-second part or
	// another zone must not change the signature.
	ts := time.Unix(vectorTimestamp, 999_000_000).In(time.FixedZone("x", 3600))
	if got, _ := Sign(vectorSecret, vectorMsgID, ts, []byte(vectorPayload)); got != vectorSignature {
		t.Fatalf("with nanoseconds and a zone: got %q, want %q", got, vectorSignature)
	}
}

func TestSignAllJoinsSignaturesInOrder(t *testing.T) {
	other := mustSecret(t)
	got, err := SignAll([]string{vectorSecret, other}, vectorMsgID, time.Unix(vectorTimestamp, 0), []byte(vectorPayload))
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(got, " ")
	if len(parts) != 2 || parts[0] != vectorSignature || !strings.HasPrefix(parts[1], "v1,") || parts[1] == parts[0] {
		t.Fatalf("got %q, want %q followed by a second v1 signature", got, vectorSignature)
	}
}

func TestNewSecret(t *testing.T) {
	a, b := mustSecret(t), mustSecret(t)
	if a == b {
		t.Fatal("two secrets are equal")
	}
	enc, ok := strings.CutPrefix(a, "whsec_")
	if !ok {
		t.Fatalf("got %q, want the whsec_ prefix", a)
	}
	key, err := base64.StdEncoding.DecodeString(enc)
	if err != nil || len(key) != 32 {
		t.Fatalf("got %d bytes (err %v), want 32", len(key), err)
	}
	// The reference library takes it as it is.
	if _, err := standardwebhooks.NewWebhook(a); err != nil {
		t.Fatal(err)
	}
}

// headersFor builds what a receiver sees, as Deliver sends it.
func headersFor(msgID string, ts time.Time, sig string) http.Header {
	h := http.Header{}
	h.Set(standardwebhooks.HeaderWebhookID, msgID)
	h.Set(standardwebhooks.HeaderWebhookTimestamp, strconv.FormatInt(ts.Unix(), 10))
	h.Set(standardwebhooks.HeaderWebhookSignature, sig)
	return h
}

func TestSignVerifiesWithReferenceLibrary(t *testing.T) {
	secret := mustSecret(t)
	ts := time.Now()
	body := []byte(`{"type":"token.created","data":{"id":"1"}}`)
	sig, err := Sign(secret, "msg_1", ts, body)
	if err != nil {
		t.Fatal(err)
	}
	wh, err := standardwebhooks.NewWebhook(secret)
	if err != nil {
		t.Fatal(err)
	}
	if err := wh.Verify(body, headersFor("msg_1", ts, sig)); err != nil {
		t.Fatalf("round trip: %v", err)
	}

	tampered := []byte(`{"type":"token.created","data":{"id":"2"}}`)
	if err := wh.Verify(tampered, headersFor("msg_1", ts, sig)); !errors.Is(err, standardwebhooks.ErrNoMatchingSignature) {
		t.Fatalf("tampered body: got %v, want %v", err, standardwebhooks.ErrNoMatchingSignature)
	}
	if err := wh.Verify(body, headersFor("msg_1", ts.Add(time.Second), sig)); !errors.Is(err, standardwebhooks.ErrNoMatchingSignature) {
		t.Fatalf("tampered timestamp: got %v, want %v", err, standardwebhooks.ErrNoMatchingSignature)
	}
	if err := wh.Verify(body, headersFor("msg_2", ts, sig)); !errors.Is(err, standardwebhooks.ErrNoMatchingSignature) {
		t.Fatalf("tampered id: got %v, want %v", err, standardwebhooks.ErrNoMatchingSignature)
	}
	old := ts.Add(-10 * time.Minute)
	oldSig, _ := Sign(secret, "msg_1", old, body)
	if err := wh.Verify(body, headersFor("msg_1", old, oldSig)); !errors.Is(err, standardwebhooks.ErrMessageTooOld) {
		t.Fatalf("replayed old message: got %v, want %v", err, standardwebhooks.ErrMessageTooOld)
	}
}

func TestSignAllRotation(t *testing.T) {
	oldSecret, newSecret, stranger := mustSecret(t), mustSecret(t), mustSecret(t)
	ts := time.Now()
	body := []byte(`{"type":"token.revoked"}`)
	sig, err := SignAll([]string{oldSecret, newSecret}, "msg_rot", ts, body)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		secret string
		ok     bool
	}{
		{"receiver on the old secret", oldSecret, true},
		{"receiver on the new secret", newSecret, true},
		{"receiver with another secret", stranger, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wh, err := standardwebhooks.NewWebhook(tc.secret)
			if err != nil {
				t.Fatal(err)
			}
			err = wh.Verify(body, headersFor("msg_rot", ts, sig))
			if got := err == nil; got != tc.ok {
				t.Fatalf("accepted: got %v, want %v (err %v)", got, tc.ok, err)
			}
		})
	}
}

func TestSignRefusesBadInput(t *testing.T) {
	short := "whsec_" + base64.StdEncoding.EncodeToString(make([]byte, 16))
	long := "whsec_" + base64.StdEncoding.EncodeToString(make([]byte, 65))
	bare := strings.TrimPrefix(vectorSecret, "whsec_")
	for _, tc := range []struct {
		name    string
		secrets []string
		msgID   string
		want    error
	}{
		{"no secrets", nil, "m", ErrNoSecrets},
		{"no prefix", []string{bare}, "m", ErrInvalidSecret},
		{"not base64", []string{"whsec_not*base64!"}, "m", ErrInvalidSecret},
		{"key too short", []string{short}, "m", ErrInvalidSecret},
		{"key too long", []string{long}, "m", ErrInvalidSecret},
		{"second secret bad", []string{vectorSecret, "whsec_"}, "m", ErrInvalidSecret},
		{"empty message id", []string{vectorSecret}, "", ErrInvalidMessageID},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := SignAll(tc.secrets, tc.msgID, time.Now(), []byte("{}"))
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
			for _, s := range tc.secrets {
				if enc := strings.TrimPrefix(s, "whsec_"); len(enc) > 4 && strings.Contains(err.Error(), enc) {
					t.Fatalf("error %q contains the secret", err)
				}
			}
		})
	}
}

func mustSecret(t *testing.T) string {
	t.Helper()
	s, err := NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	return s
}
