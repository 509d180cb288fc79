// Confirms deleting an endpoint, naming its URL: it stops receiving events
// at once, and its deliveries go with it (pending ones are not sent).

import { useState } from 'preact/hooks';
import { describeError } from '../../api/errorSentences';
import { useSession } from '../../app/session';
import { Dialog } from '../../components/Dialog';
import { VisibleText } from '../../components/VisibleText';
import { DeleteWebhookEndpointDocument } from '../../gql/graphql';
import type { Endpoint } from './describeWebhook';
import { endpointNotFound } from './describeWebhook';

interface DeleteEndpointDialogProps {
  endpoint: Endpoint;
  onClose: () => void;
  onDeleted: (endpoint: Endpoint) => void;
}

export function DeleteEndpointDialog({ endpoint, onClose, onDeleted }: DeleteEndpointDialogProps) {
  const { client } = useSession();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const confirm = async () => {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      await client.request(DeleteWebhookEndpointDocument, { id: endpoint.id });
      onDeleted(endpoint);
    } catch (err) {
      setError(describeError(err, { NOT_FOUND: () => endpointNotFound }));
      setBusy(false);
    }
  };

  return (
    <Dialog title="Delete endpoint?" onClose={onClose}>
      <p>
        <strong class="webhook-url">
          <VisibleText text={endpoint.url} />
        </strong>{' '}
        stops receiving events at once. Its delivery history is deleted too, and deliveries still pending are not sent.
        This cannot be undone.
      </p>
      {error && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
      <div class="dialog-actions">
        <button type="button" class="button" onClick={onClose}>
          Cancel
        </button>
        <button type="button" class="button button-danger" onClick={() => void confirm()} aria-disabled={busy}>
          {busy ? 'Deleting…' : 'Delete endpoint'}
        </button>
      </div>
    </Dialog>
  );
}
