// E-mails to token owners in words: their statuses (KEPT: none sent, no
// SMTP server), what went wrong, the events they tell of, and their
// plain-text bodies as lines.

import type { EmailNotificationFieldsFragment } from '../../gql/graphql';

export type EmailNotification = EmailNotificationFieldsFragment;

// The schema gives the status as a string: these are the values it
// documents; anything else is shown as it is.
const statusLabels: Readonly<Record<string, string>> = {
  PENDING: 'Pending',
  SUCCEEDED: 'Sent',
  FAILED: 'Failed',
  KEPT: 'Kept',
};

const statusHints: Readonly<Record<string, string>> = {
  PENDING: 'to be sent; a refused attempt is retried',
  SUCCEEDED: 'the SMTP server accepted it',
  FAILED: 'not sent: the retries ran out, or the SMTP server refused it for good',
  KEPT: 'not sent: no SMTP server configured (development)',
};

/** "Kept"; an unknown status as it is. */
export function notificationStatusLabel(status: string): string {
  return statusLabels[status] ?? status;
}

/** What the status means for the mail ("not sent: no SMTP server configured (development)"); null if unknown. */
export function notificationStatusHint(status: string): string | null {
  return statusHints[status] ?? null;
}

/** The badge's class for the status: one of the known ones, never the server's text itself. */
export function notificationStatusClass(status: string): string {
  return Object.hasOwn(statusLabels, status) ? `badge badge-${status.toLowerCase()}` : 'badge';
}

// The server's classes of a failed attempt (pat deliveries: smtp_temporary, smtp_permanent).
const errorLabels: Readonly<Record<string, string>> = {
  smtp_temporary: 'the SMTP server refused it for now, so it is retried',
  smtp_permanent: 'the SMTP server refused it for good',
};

/** Why the last attempt failed, from the server's class; an unknown class as it is. */
export function mailErrorLabel(errorClass: string): string {
  return errorLabels[errorClass] ?? errorClass;
}

// The events a mail tells of (the outbox event's dotted type).
const eventLabels: Readonly<Record<string, string>> = {
  'token.revoked': 'Token revoked',
  'token.expiring': 'Token expiring soon',
  'token.stale_warning': 'Unused token to be revoked',
};

/** "Token revoked"; an unknown type as it is. */
export function mailEventLabel(eventType: string): string {
  return eventLabels[eventType] ?? eventType;
}

/** The plain-text body's lines, whatever its line endings, without a last empty one. */
export function mailTextLines(text: string): string[] {
  const lines = text.split(/\r\n|\r|\n/);
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}
