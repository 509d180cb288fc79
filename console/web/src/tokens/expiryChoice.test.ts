import { describe, expect, it } from 'vitest';
import { formatDateTime } from '../format/dates';
import { expiryBounds, expiryInstant, expiryRefusal, isWithinBounds, toDateInputValue } from './expiryChoice';

// Local times, so the tests hold in any time zone.
const now = new Date(2026, 10, 27, 14, 30); // 27 Nov 2026, 14:30 local

describe('expiryBounds', () => {
  it('runs from tomorrow to today plus the maximum lifespan', () => {
    expect(expiryBounds(90, now)).toEqual({ min: '2026-11-28', max: '2027-02-25' });
  });
  it('allows only tomorrow for a one-day maximum', () => {
    expect(expiryBounds(1, now)).toEqual({ min: '2026-11-28', max: '2026-11-28' });
  });
});

describe('isWithinBounds', () => {
  const bounds = expiryBounds(30, now);
  it.each([
    ['2026-11-28', true],
    ['2026-12-27', true],
    ['2026-11-27', false],
    ['2026-12-28', false],
    ['2026-02-30', false],
    ['', false],
    ['28/11/2026', false],
  ])('%s → %s', (value, want) => {
    expect(isWithinBounds(value, bounds)).toBe(want);
  });
});

describe('expiryInstant', () => {
  it('is the end of the chosen local day', () => {
    expect(expiryInstant('2026-12-01', 30, now)).toBe(new Date(2026, 11, 1, 23, 59, 59, 999).toISOString());
  });
  it('leaves the last day to the server default, which is the latest allowed', () => {
    expect(expiryInstant(expiryBounds(30, now).max, 30, now)).toBeNull();
  });
  it('ignores what is not a date', () => {
    expect(expiryInstant('soon', 30, now)).toBeNull();
  });
});

describe('toDateInputValue', () => {
  it('pads months and days', () => {
    expect(toDateInputValue(new Date(2027, 0, 5))).toBe('2027-01-05');
  });
});

describe('expiryRefusal', () => {
  it('names the latest instant the server allows', () => {
    const latest = '2027-02-25T14:30:00Z';
    expect(expiryRefusal(latest)).toBe(
      `Choose a date no later than ${formatDateTime(latest)}, the longest lifespan allowed.`,
    );
  });
  it('asks for a date within the lifespan when the server does not say', () => {
    expect(expiryRefusal(undefined)).toBe('Choose a later date within the maximum lifespan.');
  });
});
