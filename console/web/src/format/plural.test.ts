import { describe, expect, it } from 'vitest';
import { formatCount, plural, pluralCount } from './plural';

describe('plural', () => {
  it.each([
    [0, '0 tokens'],
    [1, '1 token'],
    [1001, '1001 tokens'],
  ])('says %i as %s', (n, want) => {
    expect(plural(n, 'token')).toBe(want);
  });
});

describe('pluralCount', () => {
  it.each([
    [1, '1 token'],
    [999, '999 tokens'],
    [1234, '1,234 tokens'],
    [1_000_000, '1,000,000 tokens'],
  ])('says %i as %s', (n, want) => {
    expect(pluralCount(n, 'token')).toBe(want);
  });

  it('takes an irregular plural', () => {
    expect(pluralCount(2, 'copy', 'copies')).toBe('2 copies');
  });

  it('groups a bare number', () => {
    expect(formatCount(12345)).toBe('12,345');
  });
});
