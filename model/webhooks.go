package model

import (
	"strings"

	"github.com/99designs/gqlgen/graphql"

	"github.com/patgov/pats/internal/entity"
)

// MarshalWebhookEventType writes an event type as the enum spells it:
// token.revoked is TOKEN_REVOKED.
func MarshalWebhookEventType(t entity.EventType) graphql.Marshaler {
	return graphql.MarshalString(strings.ToUpper(strings.ReplaceAll(string(t), ".", "_")))
}

// UnmarshalWebhookEventType reads the enum value as the event type it
// names (TOKEN_STALE_WARNING is token.stale_warning).
func UnmarshalWebhookEventType(v any) (entity.EventType, error) {
	names := make([]string, len(webhookEventTypes))
	for i, t := range webhookEventTypes {
		names[i] = strings.ToUpper(strings.ReplaceAll(string(t), ".", "_"))
	}
	name, err := unmarshalEnum(v, "WebhookEventType", names...)
	if err != nil {
		return "", err
	}
	for i, n := range names {
		if n == name {
			return webhookEventTypes[i], nil
		}
	}
	return "", err
}

// webhookEventTypes are the enum's values, in its order.
var webhookEventTypes = []entity.EventType{
	entity.EventTokenCreated, entity.EventTokenRevoked, entity.EventTokenRotated, entity.EventTokenExpiring,
	entity.EventTokenExpired, entity.EventTokenStaleWarning, entity.EventSettingsUpdated,
}

// MarshalWebhookEndpointStatus writes the enum value.
func MarshalWebhookEndpointStatus(s entity.WebhookStatus) graphql.Marshaler { return marshalEnum(s) }

// UnmarshalWebhookEndpointStatus reads the enum value.
func UnmarshalWebhookEndpointStatus(v any) (entity.WebhookStatus, error) {
	return unmarshalEnum(v, "WebhookEndpointStatus", entity.WebhookActive, entity.WebhookFailing)
}

// MarshalWebhookDeliveryStatus writes the enum value.
func MarshalWebhookDeliveryStatus(s entity.DeliveryState) graphql.Marshaler { return marshalEnum(s) }

// UnmarshalWebhookDeliveryStatus reads the enum value.
func UnmarshalWebhookDeliveryStatus(v any) (entity.DeliveryState, error) {
	return unmarshalEnum(v, "WebhookDeliveryStatus", entity.DeliveryPending, entity.DeliverySucceeded, entity.DeliveryFailed)
}
