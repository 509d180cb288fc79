// The audit trail (admins): who created or revoked which token, and who
// changed the policy, newest first, a page at a time.

import { useCallback, useEffect, useId, useRef, useState } from 'preact/hooks';
import { isAbort } from '../../api/ApiError';
import { describeError } from '../../api/errorSentences';
import { useSession } from '../../app/session';
import { DateTime } from '../../components/DateTime';
import { UserName } from '../../components/UserName';
import { VisibleText } from '../../components/VisibleText';
import { AuditEventsDocument } from '../../gql/graphql';
import type { AuditAction } from '../../gql/graphql';
import type { AuditEvent } from './describeEvent';
import { actionLabel, auditActions, eventDetails, leakLocation } from './describeEvent';

const pageSize = 50;

interface Trail {
  events: AuditEvent[];
  endCursor: string | null;
  hasNextPage: boolean;
}

export function AuditTrailPage() {
  const { client } = useSession();
  const [action, setAction] = useState<AuditAction | ''>('');
  const [trail, setTrail] = useState<Trail | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  // Bumped by "Refresh" to start again from the newest event.
  const [refreshes, setRefreshes] = useState(0);
  const actionId = useId();
  const captionId = useId();

  // One request at a time: a new one (other filter, refresh) cancels the
  // last, so a late page never lands in the wrong list.
  const inflight = useRef<AbortController | null>(null);

  const load = useCallback(
    async (after: string | null) => {
      inflight.current?.abort();
      const controller = new AbortController();
      inflight.current = controller;
      setLoading(true);
      try {
        const filter = action ? { actions: [action] } : null;
        const data = await client.request(AuditEventsDocument, { first: pageSize, after, filter }, controller.signal);
        const page = data.auditEvents;
        setTrail((previous) => ({
          events: after && previous ? [...previous.events, ...page.nodes] : page.nodes,
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
    [client, action],
  );

  useEffect(() => {
    void load(null);
    return () => inflight.current?.abort();
  }, [load, refreshes]);

  const loadMore = () => {
    if (!loading && trail?.hasNextPage && trail.endCursor) void load(trail.endCursor);
  };

  return (
    <section class="page" aria-labelledby="audit-heading">
      <div class="page-header">
        <h2 id="audit-heading">Audit trail</h2>
        <button type="button" class="button" onClick={() => setRefreshes((n) => n + 1)}>
          Refresh
        </button>
      </div>
      <div class="filters">
        <div class="field">
          <label for={actionId}>Action</label>
          <select id={actionId} value={action} onChange={(e) => setAction(e.currentTarget.value as AuditAction | '')}>
            <option value="">All actions</option>
            {auditActions.map((a) => (
              <option key={a} value={a}>
                {actionLabel(a)}
              </option>
            ))}
          </select>
        </div>
      </div>

      {error && (
        <p class="message message-error" role="alert">
          {error}
        </p>
      )}

      <div class="table-scroll" role="region" aria-labelledby={captionId} tabIndex={0}>
        <table class="audit-table" aria-busy={loading}>
          <caption id={captionId} class="visually-hidden">
            Audit events, newest first
          </caption>
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Actor</th>
              <th scope="col">Action</th>
              <th scope="col">Token</th>
              <th scope="col">Details</th>
            </tr>
          </thead>
          <tbody>
            {trail?.events.length === 0 && (
              <tr>
                <td colSpan={5} class="empty">
                  No events yet.
                </td>
              </tr>
            )}
            {!trail && (
              <tr>
                <td colSpan={5} class="empty">
                  {loading ? 'Loading events…' : 'The audit trail could not be loaded.'}
                </td>
              </tr>
            )}
            {trail?.events.map((event) => (
              <AuditRow key={event.id} event={event} />
            ))}
          </tbody>
        </table>
      </div>
      {trail?.hasNextPage && (
        <div class="pager">
          <button type="button" class="button" onClick={loadMore} aria-disabled={loading}>
            {loading ? 'Loading…' : 'Load more'}
          </button>
        </div>
      )}
    </section>
  );
}

function AuditRow({ event }: { event: AuditEvent }) {
  const details = eventDetails(event);
  const leak = leakLocation(event);
  return (
    <tr data-testid="audit-row" data-event-id={event.id}>
      <td>
        <DateTime value={event.occurredAt} />
      </td>
      <td>
        <UserName user={event.actor} />
      </td>
      <th scope="row">{actionLabel(event.action)}</th>
      <td>
        {event.token ? (
          <span class="user">
            <span>
              <VisibleText text={event.token.name} /> <code class="token-hint">{event.token.hint}</code>
            </span>
            <span class="user-email">
              of <VisibleText text={event.token.owner.name || event.token.owner.email} />
            </span>
          </span>
        ) : (
          <span class="muted">—</span>
        )}
      </td>
      <td>
        {details.map((line) => (
          <span key={line} class="detail-line">
            {line}
          </span>
        ))}
        {leak && (
          <span class="detail-line" data-testid="leak-location">
            Found in {leak.source ? <VisibleText text={leak.source} /> : 'public code'} at{' '}
            {leak.href ? (
              <a href={leak.href} target="_blank" rel="noopener noreferrer">
                <VisibleText text={leak.text} />
              </a>
            ) : (
              <VisibleText text={leak.text} />
            )}
          </span>
        )}
        <span class="detail-line muted">From {event.clientIp || 'an unknown address'}</span>
        {/* The service's request ID matches its logs; the client's own
            X-Request-ID (letters, digits, '-', '_', '.' only) its tracing. */}
        <span class="detail-line muted">
          Request <code>{event.requestId}</code>
          {event.clientRequestId && (
            <>
              {' '}
              (client's <code>{event.clientRequestId}</code>)
            </>
          )}
        </span>
      </td>
    </tr>
  );
}
