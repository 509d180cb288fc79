// The "Webhooks" tab (admins): the organization's endpoints, which the
// service calls with signed requests when tokens or the policy change.
// Adding one shows its signing secret once; so does rotating it. A test
// event is sent within the call and its outcome shown in the endpoint's
// row; each endpoint's deliveries can be listed, filtered and redelivered.

import { useEffect, useId, useState } from 'preact/hooks';
import { describeError } from '../../api/errorSentences';
import { useAnnounce } from '../../components/Announcer';
import { DateTime } from '../../components/DateTime';
import { VisibleText } from '../../components/VisibleText';
import { useSession } from '../../app/session';
import { visibleText } from '../../format/visible';
import { SendTestWebhookDocument } from '../../gql/graphql';
import type { WebhookEndpoints } from '../../hooks/useWebhookEndpoints';
import { DeleteEndpointDialog } from './DeleteEndpointDialog';
import { DeliveriesSection } from './DeliveriesSection';
import type { Delivery, Endpoint } from './describeWebhook';
import {
  endpointNotFound,
  endpointStatusLabel,
  eventTypeLabel,
  maxEndpoints,
  testOutcomeSentence,
} from './describeWebhook';
import type { CreatedEndpoint } from './EndpointDialog';
import { EndpointDialog } from './EndpointDialog';
import type { RotatedSecret } from './RotateSecretDialog';
import { RotateSecretDialog } from './RotateSecretDialog';
import { WebhookSecretDialog } from './WebhookSecretDialog';

/** The page's heading, which the console's banner sends the keyboard to. */
export const webhooksHeadingId = 'webhooks-heading';

const noEndpoints: Endpoint[] = [];

type OpenDialog =
  | { kind: 'add' }
  | { kind: 'edit'; endpoint: Endpoint }
  | { kind: 'secret'; reason: 'added' | 'rotated'; endpoint: Endpoint; secret: string }
  | { kind: 'rotate'; endpoint: Endpoint }
  | { kind: 'delete'; endpoint: Endpoint }
  | null;

/** A test delivery of one endpoint: on its way, or its outcome. */
type TestState = { kind: 'sending' } | { kind: 'done'; delivery: Delivery } | { kind: 'error'; message: string };

export function WebhooksPage({ webhooks }: { webhooks: WebhookEndpoints }) {
  const { client } = useSession();
  const announce = useAnnounce();
  const { reload } = webhooks;
  const [dialog, setDialog] = useState<OpenDialog>(null);
  const [viewing, setViewing] = useState<string | null>(null);
  const [tests, setTests] = useState<Readonly<Record<string, TestState>>>({});
  const [testsSent, setTestsSent] = useState(0);
  const captionId = useId();
  const endpoints = webhooks.endpoints ?? noEndpoints;
  const full = endpoints.length >= maxEndpoints;
  const viewed = endpoints.find((e) => e.id === viewing);

  // Statuses change as deliveries go: read them again on opening the page.
  useEffect(() => reload(), [reload]);

  const add = () => {
    if (full) {
      announce(
        `Your organization has the ${maxEndpoints} endpoints allowed. Delete one before adding another.`,
        'info',
      );
      return;
    }
    setDialog({ kind: 'add' });
  };

  const onCreated = (created: CreatedEndpoint) => {
    setDialog({ kind: 'secret', reason: 'added', endpoint: created.endpoint, secret: created.secret });
    reload();
  };

  const onRotated = (rotated: RotatedSecret) => {
    setDialog({ kind: 'secret', reason: 'rotated', endpoint: rotated.endpoint, secret: rotated.secret });
    reload();
  };

  const onSecretClosed = () => {
    if (dialog?.kind === 'secret') {
      const url = visibleText(dialog.endpoint.url);
      announce(
        dialog.reason === 'added' ? `Endpoint ${url} added.` : `The signing secret of ${url} was rotated.`,
        'success',
      );
    }
    setDialog(null); // drops the secret
  };

  const onSaved = (endpoint: Endpoint) => {
    setDialog(null);
    announce(`Endpoint ${visibleText(endpoint.url)} saved.`, 'success');
    reload();
  };

  const onDeleted = (endpoint: Endpoint) => {
    setDialog(null);
    if (viewing === endpoint.id) setViewing(null);
    setTests(({ [endpoint.id]: _, ...rest }) => rest);
    announce(`Endpoint ${visibleText(endpoint.url)} deleted.`, 'success');
    reload();
  };

  const sendTest = async (endpoint: Endpoint) => {
    if (tests[endpoint.id]?.kind === 'sending') return;
    const record = (state: TestState) => setTests((previous) => ({ ...previous, [endpoint.id]: state }));
    record({ kind: 'sending' });
    try {
      const data = await client.request(SendTestWebhookDocument, { id: endpoint.id });
      record({ kind: 'done', delivery: data.sendTestWebhook });
      // The deliveries list has a new one. A test changes neither the
      // endpoint's status nor its last success, so the list stays.
      setTestsSent((n) => n + 1);
    } catch (err) {
      record({ kind: 'error', message: describeError(err, { NOT_FOUND: () => endpointNotFound }) });
    }
  };

  return (
    <section class="page" aria-labelledby={webhooksHeadingId}>
      <div class="page-header">
        <div class="webhooks-intro">
          <h2 id={webhooksHeadingId} tabIndex={-1}>
            Webhooks
          </h2>
          <p class="policy-summary">
            The service sends a signed request (Standard Webhooks) to each endpoint when the events it subscribes to
            happen; failed deliveries are retried for a day. At most {maxEndpoints} endpoints.
          </p>
        </div>
        <div class="button-row">
          <button type="button" class="button" onClick={reload}>
            Refresh
          </button>
          <button type="button" class="button button-primary" aria-disabled={full} onClick={add}>
            Add endpoint
          </button>
        </div>
      </div>

      {webhooks.error && (
        <p class="message message-error" role="alert">
          {webhooks.error}{' '}
          <button type="button" class="link-button" onClick={reload}>
            Try again
          </button>
        </p>
      )}

      <div class="table-scroll" role="region" aria-labelledby={captionId} tabIndex={0}>
        <table class="webhook-table" aria-busy={webhooks.loading}>
          <caption id={captionId} class="visually-hidden">
            Webhook endpoints of the organization, oldest first
          </caption>
          <thead>
            <tr>
              <th scope="col">Endpoint</th>
              <th scope="col">Events</th>
              <th scope="col">Status</th>
              <th scope="col">Last success</th>
              <th scope="col">Failing since</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {endpoints.length === 0 && (
              <tr>
                <td colSpan={6} class="empty">
                  {webhooks.endpoints === null
                    ? webhooks.loading
                      ? 'Loading endpoints…'
                      : 'The endpoints could not be loaded.'
                    : 'No endpoints yet. Add one to have your systems told when tokens or the policy change.'}
                </td>
              </tr>
            )}
            {endpoints.map((endpoint) => (
              <EndpointRow
                key={endpoint.id}
                endpoint={endpoint}
                test={tests[endpoint.id]}
                viewing={viewing === endpoint.id}
                onSendTest={() => void sendTest(endpoint)}
                onDeliveries={() => setViewing(viewing === endpoint.id ? null : endpoint.id)}
                onEdit={() => setDialog({ kind: 'edit', endpoint })}
                onRotate={() => setDialog({ kind: 'rotate', endpoint })}
                onDelete={() => setDialog({ kind: 'delete', endpoint })}
              />
            ))}
          </tbody>
        </table>
      </div>

      {viewed && (
        <DeliveriesSection key={viewed.id} endpoint={viewed} refreshKey={testsSent} onClose={() => setViewing(null)} />
      )}

      {(dialog?.kind === 'add' || dialog?.kind === 'edit') && (
        <EndpointDialog
          endpoint={dialog.kind === 'edit' ? dialog.endpoint : undefined}
          onClose={() => setDialog(null)}
          onCreated={onCreated}
          onSaved={onSaved}
        />
      )}
      {dialog?.kind === 'secret' && (
        <WebhookSecretDialog
          reason={dialog.reason}
          endpoint={dialog.endpoint}
          secret={dialog.secret}
          onClose={onSecretClosed}
        />
      )}
      {dialog?.kind === 'rotate' && (
        <RotateSecretDialog endpoint={dialog.endpoint} onClose={() => setDialog(null)} onRotated={onRotated} />
      )}
      {dialog?.kind === 'delete' && (
        <DeleteEndpointDialog endpoint={dialog.endpoint} onClose={() => setDialog(null)} onDeleted={onDeleted} />
      )}
    </section>
  );
}

interface EndpointRowProps {
  endpoint: Endpoint;
  test: TestState | undefined;
  viewing: boolean;
  onSendTest: () => void;
  onDeliveries: () => void;
  onEdit: () => void;
  onRotate: () => void;
  onDelete: () => void;
}

function EndpointRow(props: EndpointRowProps) {
  const { endpoint, test, viewing, onSendTest, onDeliveries, onEdit, onRotate, onDelete } = props;
  const url = visibleText(endpoint.url);
  const overlap = endpoint.previousSecretExpiresAt;
  const sending = test?.kind === 'sending';
  return (
    <tr data-testid="webhook-row" data-endpoint-id={endpoint.id}>
      <th scope="row" class="webhook-url-cell">
        <span class="webhook-url">
          <VisibleText text={endpoint.url} />
        </span>
        {overlap && Date.parse(overlap) > Date.now() && (
          <span class="detail-line muted">
            The previous secret signs too until <DateTime value={overlap} inline />
          </span>
        )}
      </th>
      <td>
        <ul class="scopes">
          {endpoint.eventTypes.map((type) => (
            <li key={type}>{eventTypeLabel(type)}</li>
          ))}
        </ul>
      </td>
      <td>
        <span class={`badge badge-${endpoint.status.toLowerCase()}`}>{endpointStatusLabel(endpoint.status)}</span>
      </td>
      <td>
        <DateTime value={endpoint.lastSuccessAt} fallback="Never" />
      </td>
      <td>
        <DateTime value={endpoint.status === 'FAILING' ? endpoint.failingSince : null} />
      </td>
      <td class="actions-cell">
        <div class="button-row webhook-actions">
          <button
            type="button"
            class="button button-small"
            aria-label={`Send test to ${url}`}
            aria-disabled={sending}
            onClick={onSendTest}
          >
            {sending ? 'Sending…' : 'Send test'}
          </button>
          <button
            type="button"
            class="button button-small"
            aria-label={`Deliveries to ${url}`}
            aria-expanded={viewing}
            onClick={onDeliveries}
          >
            Deliveries
          </button>
          <button type="button" class="button button-small" aria-label={`Edit ${url}`} onClick={onEdit}>
            Edit
          </button>
          <button type="button" class="button button-small" aria-label={`Rotate secret of ${url}`} onClick={onRotate}>
            Rotate secret
          </button>
          <button
            type="button"
            class="button button-small button-danger-outline"
            aria-label={`Delete ${url}`}
            onClick={onDelete}
          >
            Delete
          </button>
        </div>
        <p
          class={`test-outcome${test?.kind === 'done' ? ` test-outcome-${test.delivery.status.toLowerCase()}` : ''}`}
          role="status"
        >
          {test?.kind === 'sending' && 'Sending a test event…'}
          {test?.kind === 'done' && testOutcomeSentence(test.delivery)}
          {test?.kind === 'error' && test.message}
        </p>
      </td>
    </tr>
  );
}
