import { describe, expect, it } from 'vitest';

import { eventDetails, leakLocation, type AuditEvent } from './describeEvent';

const base = {
  id: 'E1',
  action: 'TOKEN_REVOKED',
  occurredAt: '2026-12-01T00:00:00.000Z',
  revocationSource: 'SECRET_SCANNING',
  settingsChange: null,
  leakAlert: { url: 'https://github.com/acme/app/blob/main/.env', source: 'content' },
} as unknown as AuditEvent;

describe('secret-scanning revocations', () => {
  it('names the scanner as the source', () => {
    expect(eventDetails(base)).toEqual(['Revoked by GitHub secret scanning, which found it in public code']);
  });
  it('links to where the token was found', () => {
    expect(leakLocation(base)).toEqual({
      href: 'https://github.com/acme/app/blob/main/.env',
      text: 'https://github.com/acme/app/blob/main/.env',
      source: 'content',
    });
  });
  it('never links a script address, only shows it', () => {
    const event = { ...base, leakAlert: { url: 'javascript:alert(1)', source: 'content' } } as AuditEvent;
    expect(leakLocation(event)?.href).toBeNull();
    expect(leakLocation(event)?.text).toBe('javascript:alert(1)');
  });
  it('has nothing to say for other revocations', () => {
    expect(leakLocation({ ...base, leakAlert: null } as AuditEvent)).toBeNull();
  });
});

describe('revocations by filter', () => {
  it('names the filter and the job', () => {
    const event = {
      ...base,
      revocationSource: 'FILTER',
      revocationJobId: '01JOB',
      leakAlert: null,
    } as unknown as AuditEvent;
    expect(eventDetails(event)).toEqual([
      'Revoked by an admin, with every token matching a filter',
      'Revocation job 01JOB',
    ]);
  });
});

describe('stale-token policy', () => {
  it('names the policy as the source of a revocation', () => {
    const event = { ...base, revocationSource: 'UNUSED', leakAlert: null } as unknown as AuditEvent;
    expect(eventDetails(event)).toEqual(['Revoked by the stale-token policy, unused for too long']);
  });
  it('describes a change of the policy', () => {
    const event = {
      ...base,
      revocationSource: null,
      leakAlert: null,
      settingsChange: {
        previousEnabled: true,
        enabled: true,
        previousMaxLifespanDays: 90,
        maxLifespanDays: 90,
        previousRevokeUnusedAfterDays: 0,
        revokeUnusedAfterDays: 90,
      },
    } as unknown as AuditEvent;
    expect(eventDetails(event)).toEqual(['Revoke unused tokens off → after 90 days']);
  });
});

describe('webhook changes', () => {
  it('names the endpoint by its URL', () => {
    const event = {
      ...base,
      action: 'WEBHOOK_CREATED',
      revocationSource: null,
      leakAlert: null,
      webhook: { id: '01W', url: 'https://hooks.example.com/pats' },
    } as unknown as AuditEvent;
    expect(eventDetails(event)).toEqual(['Webhook endpoint https://hooks.example.com/pats']);
  });
});
