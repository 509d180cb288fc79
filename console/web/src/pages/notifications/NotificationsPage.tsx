// The "Notifications" tab (admins): the e-mails the service writes to
// token owners (a token expiring, revoked by someone else, about to be
// revoked as unused, a rotated token used again), newest first, a page at
// a time, each one's plain text on demand. With an SMTP server
// (PATS_SMTP_URL) this is the record of what was mailed; without one, the
// development default, the mails are kept here and nowhere else.

import { Fragment } from 'preact';
import { useCallback, useEffect, useId, useRef, useState } from 'preact/hooks';
import { isAbort } from '../../api/ApiError';
import { describeError } from '../../api/errorSentences';
import { useSession } from '../../app/session';
import { DateTime } from '../../components/DateTime';
import { VisibleText } from '../../components/VisibleText';
import { visibleText } from '../../format/visible';
import { EmailNotificationsDocument } from '../../gql/graphql';
import type { EmailNotification } from './describeNotification';
import {
  mailErrorLabel,
  mailEventLabel,
  mailTextLines,
  notificationStatusClass,
  notificationStatusHint,
  notificationStatusLabel,
} from './describeNotification';

const pageSize = 20;
const columns = 7;

interface Log {
  mails: EmailNotification[];
  endCursor: string | null;
  hasNextPage: boolean;
}

export function NotificationsPage({ devMode }: { devMode: boolean }) {
  const { client } = useSession();
  const [log, setLog] = useState<Log | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  // Bumped by "Refresh" to start again from the newest mail.
  const [refreshes, setRefreshes] = useState(0);
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const captionId = useId();

  // One request at a time: a refresh cancels the last, so a late page
  // never lands in the wrong list.
  const inflight = useRef<AbortController | null>(null);

  const load = useCallback(
    async (after: string | null) => {
      inflight.current?.abort();
      const controller = new AbortController();
      inflight.current = controller;
      setLoading(true);
      try {
        const data = await client.request(EmailNotificationsDocument, { first: pageSize, after }, controller.signal);
        const page = data.emailNotifications;
        setLog((previous) => ({
          mails: after && previous ? [...previous.mails, ...page.nodes] : page.nodes,
          endCursor: page.pageInfo.endCursor ?? null,
          hasNextPage: page.pageInfo.hasNextPage,
        }));
        setError(null);
        setLoading(false);
      } catch (err) {
        if (isAbort(err)) return;
        setError(describeError(err));
        setLoading(false);
      }
    },
    [client],
  );

  useEffect(() => {
    void load(null);
    return () => inflight.current?.abort();
  }, [load, refreshes]);

  const loadMore = () => {
    if (!loading && log?.hasNextPage && log.endCursor) void load(log.endCursor);
  };

  const toggle = (id: string) =>
    setOpen((previous) => {
      const next = new Set(previous);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  return (
    <section class="page" aria-labelledby="notifications-heading">
      <div class="page-header">
        <div class="page-intro">
          <h2 id="notifications-heading">Notifications</h2>
          <p class="policy-summary">
            The e-mails the service writes to token owners: when a token is about to expire, when someone else revoked
            it, before the stale-token policy revokes it, and when a rotated token was used again. With an SMTP server
            configured they are sent, and listed here as a record of what was mailed; without PATS_SMTP_URL the mails
            are only kept here.
          </p>
        </div>
        <button type="button" class="button" onClick={() => setRefreshes((n) => n + 1)}>
          Refresh
        </button>
      </div>

      {devMode && (
        <p class="message message-info">
          This server runs in development mode: unless it was started with PATS_SMTP_URL, nothing is mailed, and every
          message below is kept here only (status “Kept”).
        </p>
      )}

      {error && (
        <p class="message message-error" role="alert">
          {error}{' '}
          <button type="button" class="link-button" onClick={() => setRefreshes((n) => n + 1)}>
            Try again
          </button>
        </p>
      )}

      <div class="table-scroll" role="region" aria-labelledby={captionId} tabIndex={0}>
        <table class="notification-table" aria-busy={loading}>
          <caption id={captionId} class="visually-hidden">
            E-mails to token owners, newest first
          </caption>
          <thead>
            <tr>
              <th scope="col">Subject</th>
              <th scope="col">To</th>
              <th scope="col">Status</th>
              <th scope="col">Created</th>
              <th scope="col">Attempts</th>
              <th scope="col">Last error</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {log?.mails.length === 0 && (
              <tr>
                <td colSpan={columns} class="empty">
                  No e-mails yet. Token owners are written to when someone else revokes one of their tokens, or before a
                  token expires or is revoked as unused.
                </td>
              </tr>
            )}
            {!log && (
              <tr>
                <td colSpan={columns} class="empty">
                  {loading ? 'Loading e-mails…' : 'The e-mails could not be loaded.'}
                </td>
              </tr>
            )}
            {log?.mails.map((mail) => (
              <NotificationRows key={mail.id} mail={mail} open={open.has(mail.id)} onToggle={() => toggle(mail.id)} />
            ))}
          </tbody>
        </table>
      </div>
      {log?.hasNextPage && (
        <div class="pager">
          <button type="button" class="button" onClick={loadMore} aria-disabled={loading}>
            {loading ? 'Loading…' : 'Load more'}
          </button>
        </div>
      )}
    </section>
  );
}

interface NotificationRowsProps {
  mail: EmailNotification;
  open: boolean;
  onToggle: () => void;
}

// The mail's row, and beneath it, when open, its plain text: text nodes
// only (never markup), each line through VisibleText, in a <pre> that
// keeps the body's aligned columns; it scrolls sideways on its own.
function NotificationRows({ mail, open, onToggle }: NotificationRowsProps) {
  const textId = useId();
  const hint = notificationStatusHint(mail.status);
  const subject = visibleText(mail.subject);
  return (
    <>
      <tr data-testid="notification-row" data-notification-id={mail.id}>
        <th scope="row" class="mail-subject-cell">
          <span class="mail-subject">
            <VisibleText text={mail.subject} />
          </span>
          <span class="detail-line muted">{mailEventLabel(mail.eventType)}</span>
        </th>
        <td class="mail-to-cell">
          <VisibleText text={mail.to} />
        </td>
        <td>
          <span class={notificationStatusClass(mail.status)}>{notificationStatusLabel(mail.status)}</span>
          {hint && <span class="detail-line status-hint">{hint}</span>}
          {mail.status === 'SUCCEEDED' && mail.finishedAt && <DateTime value={mail.finishedAt} />}
        </td>
        <td>
          <DateTime value={mail.createdAt} />
        </td>
        <td class="number-cell">{mail.attempts}</td>
        <td>
          {mail.lastError ? (
            <span class="user">
              <code>{mail.lastError}</code>
              <span class="user-email">{mailErrorLabel(mail.lastError)}</span>
            </span>
          ) : (
            <span class="muted">—</span>
          )}
        </td>
        <td class="actions-cell">
          <button
            type="button"
            class="button button-small"
            aria-expanded={open}
            aria-controls={open ? textId : undefined}
            aria-label={`${open ? 'Hide' : 'Show'} text of ${subject}`}
            onClick={onToggle}
          >
            {open ? 'Hide text' : 'Show text'}
          </button>
        </td>
      </tr>
      {open && (
        <tr class="mail-text-row">
          <td colSpan={columns}>
            <pre id={textId} class="mail-text" role="region" aria-label={`Text of ${subject}`} tabIndex={0}>
              {mailTextLines(mail.text).map((line, i) => (
                <Fragment key={i}>
                  {i > 0 && '\n'}
                  <VisibleText text={line} />
                </Fragment>
              ))}
            </pre>
          </td>
        </tr>
      )}
    </>
  );
}
