// Instants shown in the viewer's own time zone and language, with a
// relative hint ("in 3 days", "2 hours ago") for quick scanning.

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const fullDateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'long' });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

/** "Nov 27, 2026, 8:27 AM" in the viewer's time zone. */
export function formatDateTime(iso: string): string {
  return dateTime.format(new Date(iso));
}

/** The long form with the time zone, for tooltips. */
export function formatFullDateTime(iso: string): string {
  return fullDateTime.format(new Date(iso));
}

/** "Nov 27, 2026". */
export function formatDate(iso: string): string {
  return dateOnly.format(new Date(iso));
}

// Each unit is used while the distance is below its limit (in seconds).
const units: ReadonlyArray<[Intl.RelativeTimeFormatUnit, number, number]> = [
  // unit, seconds per unit, used below this many seconds
  ['second', 1, 60],
  ['minute', 60, 3600],
  ['hour', 3600, 86400],
  ['day', 86400, 30 * 86400],
  ['month', 30 * 86400, 365 * 86400],
  ['year', 365 * 86400, Infinity],
];

/** "in 3 days", "2 hours ago", "now", relative to now. */
export function formatRelative(iso: string, now = Date.now()): string {
  const seconds = (new Date(iso).getTime() - now) / 1000;
  const distance = Math.abs(seconds);
  for (const [unit, size, below] of units) {
    if (distance < below) return relative.format(Math.round(seconds / size), unit);
  }
  return relative.format(Math.round(seconds / (365 * 86400)), 'year');
}
