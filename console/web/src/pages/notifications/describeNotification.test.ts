import { describe, expect, it } from 'vitest';
import {
  mailErrorLabel,
  mailEventLabel,
  mailTextLines,
  notificationStatusClass,
  notificationStatusHint,
  notificationStatusLabel,
} from './describeNotification';

describe('statuses', () => {
  it.each([
    ['PENDING', 'Pending', 'badge badge-pending'],
    ['SUCCEEDED', 'Sent', 'badge badge-succeeded'],
    ['FAILED', 'Failed', 'badge badge-failed'],
    ['KEPT', 'Kept', 'badge badge-kept'],
  ])('shows %s as %s', (status, label, badge) => {
    expect(notificationStatusLabel(status)).toBe(label);
    expect(notificationStatusClass(status)).toBe(badge);
    expect(notificationStatusHint(status)).toMatch(/^[a-z].*[a-z)]$/);
  });

  it('explains KEPT as no SMTP server', () => {
    expect(notificationStatusHint('KEPT')).toBe('not sent: no SMTP server configured (development)');
  });

  it('shows an unknown status as it is, with no class made of it', () => {
    expect(notificationStatusLabel('BOUNCED')).toBe('BOUNCED');
    expect(notificationStatusHint('BOUNCED')).toBeNull();
    expect(notificationStatusClass('x badge-active')).toBe('badge');
  });
});

describe('mailErrorLabel', () => {
  it.each([
    ['smtp_temporary', 'the SMTP server refused it for now, so it is retried'],
    ['smtp_permanent', 'the SMTP server refused it for good'],
    ['something_new', 'something_new'],
  ])('says %s', (errorClass, label) => {
    expect(mailErrorLabel(errorClass)).toBe(label);
  });
});

describe('mailEventLabel', () => {
  it.each([
    ['token.revoked', 'Token revoked'],
    ['token.expiring', 'Token expiring soon'],
    ['token.stale_warning', 'Unused token to be revoked'],
    ['token.other', 'token.other'],
  ])('says %s', (eventType, label) => {
    expect(mailEventLabel(eventType)).toBe(label);
  });
});

describe('mailTextLines', () => {
  it('splits on any line ending and drops the last empty line', () => {
    expect(mailTextLines('Hello Ann,\r\n\r\nYour token\nwas revoked.\rBye\n')).toEqual([
      'Hello Ann,',
      '',
      'Your token',
      'was revoked.',
      'Bye',
    ]);
  });

  it('keeps a body without line ending, and an empty one', () => {
    expect(mailTextLines('one line')).toEqual(['one line']);
    expect(mailTextLines('')).toEqual(['']);
  });

  it('keeps markup as text', () => {
    expect(mailTextLines('Token:  deploy <b>prod</b>')).toEqual(['Token:  deploy <b>prod</b>']);
  });
});
