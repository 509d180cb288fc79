import { describe, expect, it } from 'vitest';
import type { PersonalAccessTokenFilter } from '../../gql/graphql';
import { describeFilter, matchingFilter, ownerFilter } from './revocationFilter';

describe('matchingFilter', () => {
  it('takes the inventory filters as they stand, the search trimmed', () => {
    expect(matchingFilter('  deploy ', ['ACTIVE'], 'u-1')).toEqual({
      status: ['ACTIVE'],
      search: 'deploy',
      ownerIds: ['u-1'],
    });
  });

  it('leaves out an empty search and owner', () => {
    expect(matchingFilter(' ', ['ACTIVE', 'EXPIRED'], '')).toEqual({
      status: ['ACTIVE', 'EXPIRED'],
      search: null,
      ownerIds: null,
    });
  });
});

describe('ownerFilter', () => {
  it('is every revocable token of the owner', () => {
    expect(ownerFilter('u-1')).toEqual({ status: ['ACTIVE', 'EXPIRED'], ownerIds: ['u-1'] });
  });
});

describe('describeFilter', () => {
  const ann = 'Ann Lee (ann@example.com)';
  const cases: Array<[PersonalAccessTokenFilter, string | undefined, string]> = [
    [{ status: ['ACTIVE', 'EXPIRED'] }, undefined, 'Every active or expired token of any owner.'],
    [
      { status: ['ACTIVE'], search: 'deploy' },
      undefined,
      'Every active token of any owner whose name, owner name or email contains “deploy”.',
    ],
    [{ status: ['EXPIRED'], ownerIds: ['u-1'] }, ann, `Every expired token of ${ann}.`],
    [{ ownerIds: ['u-1'] }, undefined, 'Every active or expired token of the chosen owner.'],
    [{ ownerIds: ['u-1', 'u-2'] }, undefined, 'Every active or expired token of 2 chosen owners.'],
    [
      { status: ['ACTIVE', 'EXPIRED', 'REVOKED'] },
      undefined,
      'Every active or expired token of any owner. Revoked tokens stay as they are.',
    ],
    [
      { status: ['REVOKED'] },
      undefined,
      'Only revoked tokens are chosen, and a revoked token cannot be revoked again.',
    ],
    [{ status: [] }, undefined, 'No status is chosen, so no token matches.'],
  ];
  it.each(cases)('says %j as a sentence', (filter, owner, want) => {
    expect(describeFilter(filter, owner)).toBe(want);
  });
});
