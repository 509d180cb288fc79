// The expiration date picker of a new token. The user picks a calendar day
// in their own time zone; the token then expires at the end of that day,
// but never later than the organization's maximum lifespan allows (the
// server answers BAD_USER_INPUT past it).

import { formatDateTime } from '../format/dates';

const dayMs = 24 * 60 * 60 * 1000;

/** The date input's bounds and default, as yyyy-mm-dd local dates. */
export interface ExpiryBounds {
  /** Tomorrow. */
  min: string;
  /** Today plus the maximum lifespan; also the default. */
  max: string;
}

export function expiryBounds(maxLifespanDays: number, now = new Date()): ExpiryBounds {
  return {
    min: toDateInputValue(addLocalDays(now, 1)),
    max: toDateInputValue(addLocalDays(now, maxLifespanDays)),
  };
}

/** Whether value is a yyyy-mm-dd date inside the bounds. */
export function isWithinBounds(value: string, bounds: ExpiryBounds): boolean {
  return parseDateInput(value) !== null && value >= bounds.min && value <= bounds.max;
}

/**
 * The instant to send as expiresAt for the chosen day: its last
 * millisecond in the viewer's time zone. Returns null when that is at or
 * past now plus the maximum lifespan: the server's default (the latest
 * allowed instant) is then exactly what the user asked for.
 */
export function expiryInstant(value: string, maxLifespanDays: number, now = new Date()): string | null {
  const day = parseDateInput(value);
  if (day === null) return null;
  const endOfDay = new Date(day.year, day.month - 1, day.day, 23, 59, 59, 999);
  const latest = now.getTime() + maxLifespanDays * dayMs;
  return endOfDay.getTime() >= latest ? null : endOfDay.toISOString();
}

/**
 * The server's BAD_USER_INPUT on expiresAt, beside the date field: the
 * latest instant it accepts (extensions.latestAllowed), when it says.
 */
export function expiryRefusal(latestAllowed: string | undefined): string {
  return latestAllowed
    ? `Choose a date no later than ${formatDateTime(latestAllowed)}, the longest lifespan allowed.`
    : 'Choose a later date within the maximum lifespan.';
}

/** The local calendar date of an instant as yyyy-mm-dd (what <input type=date> uses). */
export function toDateInputValue(date: Date): string {
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${pad(date.getFullYear(), 4)}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

function addLocalDays(date: Date, days: number): Date {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate() + days);
}

function parseDateInput(value: string): { year: number; month: number; day: number } | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(year, month - 1, day);
  const valid = date.getFullYear() === year && date.getMonth() === month - 1 && date.getDate() === day;
  return valid ? { year, month, day } : null;
}
