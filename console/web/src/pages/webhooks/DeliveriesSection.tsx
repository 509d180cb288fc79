// One endpoint's deliveries, newest first, a page at a time: what was sent,
// how it went, when the next retry is due; any finished delivery can be
// sent again (same body and webhook-id), which queues a new one.

import { useCallback, useEffect, useId, useRef, useState } from 'preact/hooks';
import { isAbort } from '../../api/ApiError';
import { describeError } from '../../api/errorSentences';
import { useSession } from '../../app/session';
import { useAnnounce } from '../../components/Announcer';
import { DateTime } from '../../components/DateTime';
import { VisibleText } from '../../components/VisibleText';
import { visibleText } from '../../format/visible';
import { RedeliverWebhookDocument, WebhookDeliveriesDocument } from '../../gql/graphql';
import type { WebhookDeliveryStatus } from '../../gql/graphql';
import type { Delivery, Endpoint } from './describeWebhook';
import {
  deliveryEventLabel,
  deliveryStatusLabel,
  deliveryStatuses,
  endpointNotFound,
  errorClassLabel,
  formatDuration,
} from './describeWebhook';

const pageSize = 20;

interface Log {
  deliveries: Delivery[];
  endCursor: string | null;
  hasNextPage: boolean;
}

interface DeliveriesSectionProps {
  endpoint: Endpoint;
  /** Changes when the list should be read again from the newest (e.g. a test was sent). */
  refreshKey: number;
  onClose: () => void;
}

export function DeliveriesSection({ endpoint, refreshKey, onClose }: DeliveriesSectionProps) {
  const { client } = useSession();
  const announce = useAnnounce();
  const [status, setStatus] = useState<WebhookDeliveryStatus | ''>('');
  const [log, setLog] = useState<Log | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [refreshes, setRefreshes] = useState(0);
  const [redelivering, setRedelivering] = useState<string | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const headingId = useId();
  const statusId = useId();
  const captionId = useId();
  const endpointId = endpoint.id;

  // Opening the deliveries takes the keyboard there (the parent keys this
  // section by endpoint, so another endpoint's deliveries start afresh).
  useEffect(() => {
    headingRef.current?.focus();
  }, []);

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
        const filter = status ? { status: [status] } : null;
        const data = await client.request(
          WebhookDeliveriesDocument,
          { endpointId, first: pageSize, after, filter },
          controller.signal,
        );
        const page = data.webhookDeliveries;
        setLog((previous) => ({
          deliveries: after && previous ? [...previous.deliveries, ...page.nodes] : page.nodes,
          endCursor: page.pageInfo.endCursor ?? null,
          hasNextPage: page.pageInfo.hasNextPage,
        }));
        setError(null);
        setLoading(false);
      } catch (err) {
        if (isAbort(err)) return;
        setError(describeError(err, { NOT_FOUND: () => endpointNotFound }));
        setLoading(false);
      }
    },
    [client, endpointId, status],
  );

  useEffect(() => {
    void load(null);
    return () => inflight.current?.abort();
  }, [load, refreshes, refreshKey]);

  const loadMore = () => {
    if (!loading && log?.hasNextPage && log.endCursor) void load(log.endCursor);
  };

  const redeliver = async (delivery: Delivery) => {
    if (redelivering) return;
    setRedelivering(delivery.id);
    try {
      await client.request(RedeliverWebhookDocument, { deliveryId: delivery.id });
      announce(
        `${deliveryEventLabel(delivery.eventType)} queued again for ${visibleText(endpoint.url)}: it is sent within seconds.`,
        'success',
      );
      setRefreshes((n) => n + 1);
    } catch (err) {
      announce(describeError(err, { NOT_FOUND: () => 'That delivery no longer exists. Refresh the list.' }), 'error');
    } finally {
      setRedelivering(null);
    }
  };

  const columns = 9;
  return (
    <section class="deliveries" aria-labelledby={headingId}>
      <div class="page-header">
        <h3 id={headingId} ref={headingRef} tabIndex={-1} class="deliveries-heading">
          Deliveries to{' '}
          <span class="webhook-url">
            <VisibleText text={endpoint.url} />
          </span>
        </h3>
        <div class="button-row">
          <button type="button" class="button" onClick={() => setRefreshes((n) => n + 1)}>
            Refresh
          </button>
          <button type="button" class="button" onClick={onClose}>
            Hide deliveries
          </button>
        </div>
      </div>
      <div class="filters">
        <div class="field">
          <label for={statusId}>Status</label>
          <select
            id={statusId}
            value={status}
            onChange={(e) => setStatus(e.currentTarget.value as WebhookDeliveryStatus | '')}
          >
            <option value="">All statuses</option>
            {deliveryStatuses.map((s) => (
              <option key={s} value={s}>
                {deliveryStatusLabel(s)}
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
        <table class="delivery-table" aria-busy={loading}>
          <caption id={captionId} class="visually-hidden">
            Deliveries to {visibleText(endpoint.url)}, newest first
          </caption>
          <thead>
            <tr>
              <th scope="col">Event</th>
              <th scope="col">Status</th>
              <th scope="col">Attempts</th>
              <th scope="col">HTTP status</th>
              <th scope="col">Last error</th>
              <th scope="col">Duration</th>
              <th scope="col">Next attempt</th>
              <th scope="col">Created</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {log?.deliveries.length === 0 && (
              <tr>
                <td colSpan={columns} class="empty">
                  {status ? 'No deliveries with this status.' : 'No deliveries yet.'}
                </td>
              </tr>
            )}
            {!log && (
              <tr>
                <td colSpan={columns} class="empty">
                  {loading ? 'Loading deliveries…' : 'The deliveries could not be loaded.'}
                </td>
              </tr>
            )}
            {log?.deliveries.map((delivery) => (
              <DeliveryRow
                key={delivery.id}
                delivery={delivery}
                busy={redelivering === delivery.id}
                onRedeliver={() => void redeliver(delivery)}
              />
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

interface DeliveryRowProps {
  delivery: Delivery;
  busy: boolean;
  onRedeliver: () => void;
}

function DeliveryRow({ delivery, busy, onRedeliver }: DeliveryRowProps) {
  const label = deliveryEventLabel(delivery.eventType);
  return (
    <tr data-testid="delivery-row" data-delivery-id={delivery.id}>
      <th scope="row">
        <span class="detail-line">{label}</span>
        <code class="detail-line muted">{delivery.eventType}</code>
        <span class="detail-line muted">
          webhook-id <code>{delivery.eventId}</code>
        </span>
      </th>
      <td>
        <span class={`badge badge-${delivery.status.toLowerCase()}`}>{deliveryStatusLabel(delivery.status)}</span>
      </td>
      <td class="number-cell">{delivery.attempts}</td>
      <td class="number-cell">
        {delivery.lastHttpStatus === null ? <span class="muted">—</span> : delivery.lastHttpStatus}
      </td>
      <td>
        {delivery.lastError ? (
          <span class="user">
            <code>{delivery.lastError}</code>
            <span class="user-email">{errorClassLabel(delivery.lastError)}</span>
          </span>
        ) : (
          <span class="muted">—</span>
        )}
      </td>
      <td class="number-cell">
        {delivery.durationMs === null ? <span class="muted">—</span> : formatDuration(delivery.durationMs)}
      </td>
      <td>
        <DateTime value={delivery.status === 'PENDING' ? delivery.nextAttemptAt : null} />
      </td>
      <td>
        <DateTime value={delivery.createdAt} />
      </td>
      <td class="actions-cell">
        {delivery.status !== 'PENDING' && (
          <button
            type="button"
            class="button button-small"
            aria-label={`Redeliver ${label}, ${delivery.eventId}`}
            aria-disabled={busy}
            onClick={onRedeliver}
          >
            {busy ? 'Redelivering…' : 'Redeliver'}
          </button>
        )}
      </td>
    </tr>
  );
}
