import { describe, expect, it } from 'vitest';
import type { WebhookEventType } from '../../gql/enums';
import type { Delivery, Endpoint } from './describeWebhook';
import {
  canonicalEventTypes,
  deliveryEventLabel,
  deliveryStatusLabel,
  endpointStatusLabel,
  errorClassLabel,
  eventTypeLabel,
  failingEndpoints,
  formatDuration,
  testOutcomeSentence,
  urlProblem,
  webhookEventTypes,
  wireEventType,
} from './describeWebhook';

// Every event type of the schema: a new one fails the typecheck of the
// label tables, and this list, until it has words.
const everyType: WebhookEventType[] = [
  'TOKEN_CREATED',
  'TOKEN_REVOKED',
  'TOKEN_ROTATED',
  'TOKEN_EXPIRING',
  'TOKEN_EXPIRED',
  'TOKEN_STALE_WARNING',
  'SETTINGS_UPDATED',
];

describe('event types', () => {
  it('offers every type in the schema’s order, each with its own label', () => {
    expect(webhookEventTypes).toEqual(everyType);
    const labels = everyType.map(eventTypeLabel);
    expect(new Set(labels).size).toBe(everyType.length);
    expect(labels.every((l) => /^[A-Z][a-z ]+$/.test(l))).toBe(true);
  });

  it.each([
    ['TOKEN_CREATED', 'token.created'],
    ['TOKEN_STALE_WARNING', 'token.stale_warning'],
    ['SETTINGS_UPDATED', 'settings.updated'],
  ] as const)('spells %s as the payload does: %s', (type, wire) => {
    expect(wireEventType(type)).toBe(wire);
  });

  it.each([
    ['token.created', 'Token created'],
    ['token.stale_warning', 'Unused token warned'],
    ['settings.updated', 'Settings changed'],
    ['webhook.test', 'Test event'],
    ['token.something_new', 'token.something_new'],
  ])('labels the delivery of %s as %s', (eventType, want) => {
    expect(deliveryEventLabel(eventType)).toBe(want);
  });

  it('keeps the chosen types in the canonical order, once each', () => {
    expect(canonicalEventTypes(['SETTINGS_UPDATED', 'TOKEN_CREATED', 'SETTINGS_UPDATED'])).toEqual([
      'TOKEN_CREATED',
      'SETTINGS_UPDATED',
    ]);
  });
});

describe('statuses', () => {
  it('says each status in a word', () => {
    expect([endpointStatusLabel('ACTIVE'), endpointStatusLabel('FAILING')]).toEqual(['Active', 'Failing']);
    expect([deliveryStatusLabel('PENDING'), deliveryStatusLabel('SUCCEEDED'), deliveryStatusLabel('FAILED')]).toEqual([
      'Pending',
      'Succeeded',
      'Failed',
    ]);
  });

  it.each([
    ['http_status', 'the receiver answered with an error status'],
    ['timeout', 'no complete answer within 10 seconds'],
    ['refused_address', 'the address is not allowed: it is private, loopback or link-local'],
    ['connection', 'the connection was refused or reset'],
    ['something_new', 'something_new'],
  ])('explains the error class %s', (errorClass, want) => {
    expect(errorClassLabel(errorClass)).toBe(want);
  });

  it.each([
    [0, '0 ms'],
    [12, '12 ms'],
    [999, '999 ms'],
    [1500, '1.5 s'],
    [10_000, '10.0 s'],
  ])('says %i ms as %s', (ms, want) => {
    expect(formatDuration(ms)).toBe(want);
  });
});

const delivery = (fields: Partial<Delivery>): Delivery => ({
  id: 'D1',
  eventId: 'E1',
  eventType: 'webhook.test',
  test: true,
  status: 'SUCCEEDED',
  attempts: 1,
  lastHttpStatus: 200,
  lastError: null,
  durationMs: 12,
  nextAttemptAt: null,
  createdAt: '2026-12-01T00:00:00Z',
  finishedAt: '2026-12-01T00:00:00Z',
  ...fields,
});

describe('testOutcomeSentence', () => {
  it('gives the HTTP status and the duration of a success', () => {
    expect(testOutcomeSentence(delivery({}))).toBe('Test delivered: HTTP 200 in 12 ms.');
  });

  it('adds why a failure failed', () => {
    expect(
      testOutcomeSentence(delivery({ status: 'FAILED', lastHttpStatus: 500, lastError: 'http_status', durationMs: 8 })),
    ).toBe('Test failed: HTTP 500 in 8 ms; the receiver answered with an error status.');
  });

  it('says when no answer came', () => {
    expect(
      testOutcomeSentence(delivery({ status: 'FAILED', lastHttpStatus: null, lastError: 'connection', durationMs: 3 })),
    ).toBe('Test failed: no answer in 3 ms; the connection was refused or reset.');
  });
});

describe('failingEndpoints', () => {
  const endpoint = (id: string, status: Endpoint['status'], failingSince: string | null): Endpoint => ({
    id,
    url: `https://${id}.example.com/hook`,
    eventTypes: ['TOKEN_CREATED'],
    status,
    failingSince,
    lastSuccessAt: null,
    previousSecretExpiresAt: null,
    createdAt: '2026-11-01T00:00:00Z',
  });

  it('lists the failing ones, the longest failing first', () => {
    const got = failingEndpoints([
      endpoint('a', 'ACTIVE', null),
      endpoint('b', 'FAILING', '2026-12-02T00:00:00Z'),
      endpoint('c', 'FAILING', '2026-12-01T00:00:00Z'),
    ]);
    expect(got.map((e) => e.id)).toEqual(['c', 'b']);
  });

  it('is empty when all are active', () => {
    expect(failingEndpoints([endpoint('a', 'ACTIVE', null)])).toEqual([]);
  });
});

describe('urlProblem', () => {
  it.each([
    'https://hooks.example.com/pats',
    'https://hooks.example.com:8443/pats?source=pats',
    ' https://hooks.example.com/pats ',
    // The server decides whether http:// and private addresses are allowed.
    'http://127.0.0.1:8080/hook',
  ])('accepts %s', (url) => {
    expect(urlProblem(url)).toBeNull();
  });

  it.each([
    ['', 'Enter the URL that receives the webhooks.'],
    ['   ', 'Enter the URL that receives the webhooks.'],
    ['hooks.example.com', 'Enter a whole URL, starting with https://.'],
    ['https:hooks.example.com', 'Enter a whole URL, starting with https://.'],
    ['ftp://hooks.example.com/', 'Enter a whole URL, starting with https://.'],
    [
      'https://user:secret@hooks.example.com/',
      'Leave the user name and password out of the URL: it is shown to every admin.',
    ],
    ['https://hooks.example.com/#top', 'Remove the #fragment: it is never sent to the receiver.'],
    [`https://hooks.example.com/${'a'.repeat(2048)}`, 'Use a URL of at most 2,048 characters.'],
  ])('refuses %j', (url, want) => {
    expect(urlProblem(url)).toBe(want);
  });
});
