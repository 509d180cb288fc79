// Webhooks in words: event types, statuses, what went wrong with a
// delivery, and the checks the endpoint form makes before the server's.

import { formatCount } from '../../format/plural';
import type {
  WebhookDeliveryFieldsFragment,
  WebhookDeliveryStatus,
  WebhookEndpointFieldsFragment,
  WebhookEndpointStatus,
  WebhookEventType,
} from '../../gql/graphql';

export type Endpoint = WebhookEndpointFieldsFragment;
export type Delivery = WebhookDeliveryFieldsFragment;

const eventTypeLabels: Record<WebhookEventType, string> = {
  TOKEN_CREATED: 'Token created',
  TOKEN_REVOKED: 'Token revoked',
  TOKEN_ROTATED: 'Token rotated',
  TOKEN_EXPIRING: 'Token expiring soon',
  TOKEN_EXPIRED: 'Token expired',
  TOKEN_STALE_WARNING: 'Unused token warned',
  SETTINGS_UPDATED: 'Settings changed',
};

const eventTypeHints: Record<WebhookEventType, string> = {
  TOKEN_CREATED: 'someone generates a personal access token',
  TOKEN_REVOKED: 'a token is revoked, by a person or by a policy',
  TOKEN_ROTATED: 'a token is replaced by a new one',
  TOKEN_EXPIRING: 'a token is about to expire',
  TOKEN_EXPIRED: 'a token reaches its expiration date',
  TOKEN_STALE_WARNING: 'a token is about to be revoked for going unused',
  SETTINGS_UPDATED: 'an admin changes the token policy',
};

/** Every event type, in the schema's order (the order the server keeps). */
export const webhookEventTypes = Object.keys(eventTypeLabels) as WebhookEventType[];

/** "Token created". */
export function eventTypeLabel(type: WebhookEventType): string {
  return eventTypeLabels[type];
}

/** When an endpoint subscribed to type receives a request: "When {hint}." */
export function eventTypeHint(type: WebhookEventType): string {
  return eventTypeHints[type];
}

/** The payload's `type` of an event type: TOKEN_STALE_WARNING is `token.stale_warning`. */
export function wireEventType(type: WebhookEventType): string {
  const [group = '', ...rest] = type.toLowerCase().split('_');
  return `${group}.${rest.join('_')}`;
}

/** The test event sendTestWebhook sends. */
export const testEventType = 'webhook.test';

/** A delivery's `eventType` (the payload's dotted `type`) as a label; an unknown type as it is. */
export function deliveryEventLabel(eventType: string): string {
  if (eventType === testEventType) return 'Test event';
  const known = webhookEventTypes.find((t) => wireEventType(t) === eventType);
  return known ? eventTypeLabels[known] : eventType;
}

const endpointStatusLabels: Record<WebhookEndpointStatus, string> = {
  ACTIVE: 'Active',
  FAILING: 'Failing',
};

export function endpointStatusLabel(status: WebhookEndpointStatus): string {
  return endpointStatusLabels[status];
}

const deliveryStatusLabels: Record<WebhookDeliveryStatus, string> = {
  PENDING: 'Pending',
  SUCCEEDED: 'Succeeded',
  FAILED: 'Failed',
};

/** Every delivery status, for the filter. */
export const deliveryStatuses = Object.keys(deliveryStatusLabels) as WebhookDeliveryStatus[];

export function deliveryStatusLabel(status: WebhookDeliveryStatus): string {
  return deliveryStatusLabels[status];
}

// The server's classes of a failed attempt (internal/webhook Class).
const errorClassLabels: Readonly<Record<string, string>> = {
  http_status: 'the receiver answered with an error status',
  redirect: 'the receiver answered with a redirect, which is not followed',
  timeout: 'no complete answer within 10 seconds',
  refused_address: 'the address is not allowed: it is private, loopback or link-local',
  dns: 'the host name could not be resolved',
  tls: 'the TLS handshake or the receiver’s certificate failed',
  connection: 'the connection was refused or reset',
  canceled: 'the attempt was interrupted as the service stopped',
  invalid_request: 'the request could not be made',
};

/** Why an attempt failed, from the server's class ("timeout"); an unknown class as it is. */
export function errorClassLabel(errorClass: string): string {
  return errorClassLabels[errorClass] ?? errorClass;
}

/** "12 ms", "1.5 s". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${formatCount(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

/**
 * The outcome of a test delivery in one sentence: "Test delivered: HTTP 200
 * in 12 ms." or "Test failed: HTTP 500 in 8 ms; the receiver answered with
 * an error status."
 */
export function testOutcomeSentence(delivery: Delivery): string {
  const parts: string[] = [];
  if (delivery.lastHttpStatus !== null) parts.push(`HTTP ${delivery.lastHttpStatus}`);
  else parts.push('no answer');
  if (delivery.durationMs !== null) parts.push(`in ${formatDuration(delivery.durationMs)}`);
  const facts = parts.join(' ');
  switch (delivery.status) {
    case 'SUCCEEDED':
      return `Test delivered: ${facts}.`;
    case 'FAILED':
      return `Test failed: ${facts}${delivery.lastError ? `; ${errorClassLabel(delivery.lastError)}` : ''}.`;
    case 'PENDING':
      return 'Test queued: not sent yet.';
  }
}

/** The FAILING endpoints, the one failing longest first, for the console's banner. */
export function failingEndpoints(endpoints: readonly Endpoint[]): Endpoint[] {
  return endpoints
    .filter((e) => e.status === 'FAILING')
    .sort((a, b) => (a.failingSince ?? '').localeCompare(b.failingSince ?? ''));
}

/** NOT_FOUND for an endpoint: another admin deleted it meanwhile. */
export const endpointNotFound = 'That webhook endpoint no longer exists in your organization. Reload the page.';

/** The server's limits (pat.MaxWebhookEndpoints, webhook.MaxURLLength). */
export const maxEndpoints = 10;
export const maxUrlLength = 2048;

const wholeUrl = 'Enter a whole URL, starting with https://.';

/**
 * What is wrong with a URL before the server sees it, or null. The server
 * checks the rest (https unless it allows private addresses, the address
 * rules) and says why in its own words.
 */
export function urlProblem(raw: string): string | null {
  const url = raw.trim();
  if (url === '') return 'Enter the URL that receives the webhooks.';
  if (new TextEncoder().encode(url).length > maxUrlLength) {
    return `Use a URL of at most ${formatCount(maxUrlLength)} characters.`;
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return wholeUrl;
  }
  if (!/^https?:\/\//i.test(url) || parsed.hostname === '') return wholeUrl;
  if (parsed.username !== '' || parsed.password !== '') {
    return 'Leave the user name and password out of the URL: it is shown to every admin.';
  }
  if (url.includes('#')) return 'Remove the #fragment: it is never sent to the receiver.';
  return null;
}

/** The event types chosen, in the canonical order, each once. */
export function canonicalEventTypes(types: readonly WebhookEventType[]): WebhookEventType[] {
  return webhookEventTypes.filter((t) => types.includes(t));
}
