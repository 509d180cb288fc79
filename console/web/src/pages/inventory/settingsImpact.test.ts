import { describe, expect, it } from 'vitest';
import { impactSentences, sampleHeading } from './settingsImpact';

const current = { enabled: true, maxLifespanDays: 90, revokeUnusedAfterDays: 0 };
const none = { tokensExpiring: 0, tokensRestored: 0, tokensBlocked: 0, tokensRevokedAsUnused: 0, affectedOwners: 0 };

describe('impactSentences', () => {
  it.each([
    ['lowering the lifespan', { maxLifespanDays: 30 }],
    ['raising the lifespan', { maxLifespanDays: 180 }],
    ['turning PATs off', { enabled: false }],
    ['turning the stale-token policy on', { revokeUnusedAfterDays: 90 }],
  ])('says so when %s affects no token', (_, change) => {
    expect(impactSentences(change, current, none)).toEqual(['No existing token is affected.']);
  });

  it('counts the tokens a lower lifespan expires, grouped, and their owners', () => {
    const impact = { ...none, tokensExpiring: 1234, affectedOwners: 87 };
    expect(impactSentences({ maxLifespanDays: 30 }, current, impact)).toEqual([
      'Lowering to 30 days expires 1,234 active tokens.',
      '87 users affected.',
    ]);
  });

  it('counts the tokens a higher lifespan restores', () => {
    const impact = { ...none, tokensRestored: 12, affectedOwners: 3 };
    expect(impactSentences({ maxLifespanDays: 180 }, current, impact)).toEqual([
      'Raising to 180 days restores 12 tokens.',
      '3 users affected.',
    ]);
  });

  it('counts the tokens turning PATs off blocks', () => {
    const impact = { ...none, tokensBlocked: 3456, affectedOwners: 1 };
    expect(impactSentences({ enabled: false }, current, impact)).toEqual([
      'Turning PATs off blocks 3,456 active tokens.',
      '1 user affected.',
    ]);
  });

  it('counts the tokens the stale-token policy revokes within the hour', () => {
    const impact = { ...none, tokensRevokedAsUnused: 210, affectedOwners: 40 };
    expect(impactSentences({ revokeUnusedAfterDays: 90 }, current, impact)).toEqual([
      'Revoking tokens unused for 90 days revokes 210 tokens within the hour.',
      '40 users affected.',
    ]);
  });

  it('says one token and one day in the singular', () => {
    const impact = { ...none, tokensExpiring: 1, affectedOwners: 1 };
    expect(impactSentences({ maxLifespanDays: 1 }, current, impact)).toEqual([
      'Lowering to 1 day expires 1 active token.',
      '1 user affected.',
    ]);
  });

  it('names the policy in force when the tokens a change restores are unused for too long', () => {
    const policy = { ...current, maxLifespanDays: 30, revokeUnusedAfterDays: 60 };
    const impact = { ...none, tokensRestored: 5, tokensRevokedAsUnused: 2, affectedOwners: 4 };
    expect(impactSentences({ maxLifespanDays: 365 }, policy, impact)).toEqual([
      'Raising to 365 days restores 5 tokens.',
      'The stale-token policy (unused for 60 days) revokes 2 tokens within the hour.',
      '4 users affected.',
    ]);
  });

  it('lists every effect of a change of several fields, in the order of the fields', () => {
    const impact = { ...none, tokensExpiring: 7, tokensBlocked: 20, tokensRevokedAsUnused: 9, affectedOwners: 6 };
    const change = { enabled: false, maxLifespanDays: 14, revokeUnusedAfterDays: 7 };
    expect(impactSentences(change, current, impact)).toEqual([
      'Turning PATs off blocks 20 active tokens.',
      'Lowering to 14 days expires 7 active tokens.',
      'Revoking tokens unused for 7 days revokes 9 tokens within the hour.',
      '6 users affected.',
    ]);
  });

  it('says that turning PATs on lets tokens authenticate again, which nothing counts', () => {
    const disabled = { ...current, enabled: false };
    expect(impactSentences({ enabled: true }, disabled, none)).toEqual([
      'Turning PATs on lets the active tokens authenticate again.',
    ]);
  });

  it('says turning the stale-token policy off affects no token', () => {
    const policy = { ...current, revokeUnusedAfterDays: 30 };
    expect(impactSentences({ revokeUnusedAfterDays: 0 }, policy, none)).toEqual(['No existing token is affected.']);
  });
});

describe('sampleHeading', () => {
  it.each([
    [1, 'The affected token'],
    [3, 'The 3 affected tokens'],
    [19, 'The 19 affected tokens'],
    [20, 'The first 20 affected tokens'],
  ])('heads %i listed tokens as %s', (listed, want) => {
    expect(sampleHeading(listed)).toBe(want);
  });
});
