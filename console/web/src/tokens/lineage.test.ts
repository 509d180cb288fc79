import { describe, expect, it } from 'vitest';
import type { RevocationSource } from '../gql/enums';
import type { TokenLineageFieldsFragment } from '../gql/graphql';
import { lineageLinks, revocationReason } from './lineage';

// Every source of the schema: a new one fails the typecheck of the label
// table, and this list, until it has words.
const everySource: RevocationSource[] = [
  'OWNER',
  'ADMIN',
  'BY_VALUE',
  'SECRET_SCANNING',
  'FILTER',
  'UNUSED',
  'ROTATED',
  'REUSE_DETECTED',
];

const neighbour = (id: string, name = 'Deploy key'): TokenLineageFieldsFragment => ({
  id,
  name,
  hint: `opat_…${id}`,
  createdAt: '2026-12-01T10:00:00Z',
  status: 'REVOKED',
});

describe('revocationReason', () => {
  it('says every source in its own words', () => {
    const reasons = everySource.map(revocationReason);
    expect(new Set(reasons).size).toBe(everySource.length);
    for (const reason of reasons) expect(reason).toMatch(/^[A-Z][^.]*[a-z)]$/);
  });

  it.each([
    ['ROTATED', 'Rotated'],
    ['REUSE_DETECTED', 'Reuse detected: a token rotated away earlier in its lineage was used again'],
  ] as const)('says %s', (source, reason) => {
    expect(revocationReason(source)).toBe(reason);
  });
});

describe('lineageLinks', () => {
  it('has nothing for a token never rotated', () => {
    expect(lineageLinks({ name: 'Deploy key', rotatedFrom: null, rotatedTo: null })).toEqual([]);
  });

  it('names the predecessor, then the successor', () => {
    const from = neighbour('aaaa');
    const to = neighbour('bbbb');
    expect(lineageLinks({ name: 'Deploy key', rotatedFrom: from, rotatedTo: to })).toEqual([
      { relation: 'rotatedFrom', label: 'Rotated from', token: from, otherName: null },
      { relation: 'rotatedTo', label: 'Replaced by', token: to, otherName: null },
    ]);
  });

  it('gives a neighbour’s name only when it differs', () => {
    const from = neighbour('aaaa', 'Old deploy key');
    expect(lineageLinks({ name: 'Deploy key', rotatedFrom: from, rotatedTo: null })).toEqual([
      { relation: 'rotatedFrom', label: 'Rotated from', token: from, otherName: 'Old deploy key' },
    ]);
  });
});
