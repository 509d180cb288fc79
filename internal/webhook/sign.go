package webhook

import (
	"errors"
	"fmt"
	"strings"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
)

// ErrInvalidMessageID is returned for an empty message id: receivers use
// the id to drop duplicates, and the signature covers it.
var ErrInvalidMessageID = errors.New("invalid webhook message id")

// Sign returns the webhook-signature header value ("v1,<base64>") of one
// message under one secret: the HMAC-SHA256 of "{msgID}.{unix seconds}.{body}"
// as the Standard Webhooks specification defines it, computed by the
// specification's reference library so that receivers using any of its
// implementations agree with us byte for byte.
func Sign(secret, msgID string, ts time.Time, body []byte) (string, error) {
	if msgID == "" {
		return "", ErrInvalidMessageID
	}
	key, err := decodeSecret(secret)
	if err != nil {
		return "", err
	}
	wh, err := standardwebhooks.NewWebhookRaw(key)
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrInvalidSecret, err)
	}
	return wh.Sign(msgID, ts, body)
}

// SignAll returns the webhook-signature header value signed under every
// secret, space separated ("v1,a v1,b"). During a secret rotation both
// the old and the new secret sign, so a receiver still on the old one and
// a receiver already on the new one both accept the message.
func SignAll(secrets []string, msgID string, ts time.Time, body []byte) (string, error) {
	if len(secrets) == 0 {
		return "", ErrNoSecrets
	}
	sigs := make([]string, 0, len(secrets))
	for i, s := range secrets {
		sig, err := Sign(s, msgID, ts, body)
		if err != nil {
			// The position, never the value, tells which one is wrong.
			return "", fmt.Errorf("secret %d of %d: %w", i+1, len(secrets), err)
		}
		sigs = append(sigs, sig)
	}
	return strings.Join(sigs, " "), nil
}
