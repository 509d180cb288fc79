import { describe, expect, it } from 'vitest';
import { formatRelative } from './dates';

const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
const now = Date.UTC(2026, 10, 27, 12, 0, 0);
const at = (seconds: number) => new Date(now + seconds * 1000).toISOString();

describe('formatRelative', () => {
  it.each([
    [0, rtf.format(0, 'second')],
    [-30, rtf.format(-30, 'second')],
    [-2 * 3600, rtf.format(-2, 'hour')],
    [3 * 86400, rtf.format(3, 'day')],
    [90 * 86400, rtf.format(3, 'month')],
    [-400 * 86400, rtf.format(-1, 'year')],
  ])('%i seconds away', (seconds, want) => {
    expect(formatRelative(at(seconds), now)).toBe(want);
  });
});
