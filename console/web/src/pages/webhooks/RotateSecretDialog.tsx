// Confirms replacing an endpoint's signing secret. The new one is shown
// once (by the parent, in WebhookSecretDialog); the previous one keeps
// signing beside it for 24 hours, so the receiver can switch over without
// refusing a delivery.

import { useState } from 'preact/hooks';
import { describeError } from '../../api/errorSentences';
import { useSession } from '../../app/session';
import { Dialog } from '../../components/Dialog';
import { VisibleText } from '../../components/VisibleText';
import { RotateWebhookSecretDocument } from '../../gql/graphql';
import type { RotateWebhookSecretMutation } from '../../gql/graphql';
import type { Endpoint } from './describeWebhook';
import { endpointNotFound } from './describeWebhook';

export type RotatedSecret = RotateWebhookSecretMutation['rotateWebhookSecret'];

interface RotateSecretDialogProps {
  endpoint: Endpoint;
  onClose: () => void;
  onRotated: (rotated: RotatedSecret) => void;
}

export function RotateSecretDialog({ endpoint, onClose, onRotated }: RotateSecretDialogProps) {
  const { client } = useSession();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const confirm = async () => {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      const data = await client.request(RotateWebhookSecretDocument, { id: endpoint.id });
      onRotated(data.rotateWebhookSecret);
    } catch (err) {
      setError(describeError(err, { NOT_FOUND: () => endpointNotFound }));
      setBusy(false);
    }
  };

  return (
    <Dialog title="Rotate the signing secret?" onClose={onClose}>
      <p>
        A new secret is made for{' '}
        <strong class="webhook-url">
          <VisibleText text={endpoint.url} />
        </strong>{' '}
        and shown once. The current secret keeps signing every delivery beside the new one for 24 hours, then stops:
        switch your receiver to the new secret within that time.
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
        <button type="button" class="button button-primary" onClick={() => void confirm()} aria-disabled={busy}>
          {busy ? 'Rotating…' : 'Rotate secret'}
        </button>
      </div>
    </Dialog>
  );
}
