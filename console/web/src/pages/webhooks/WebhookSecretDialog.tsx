// Shows an endpoint's signing secret this once, new or rotated, with a Copy
// button and how a receiver checks the signatures (Standard Webhooks). The
// secret lives only in the parent's state while this dialog is open;
// closing the dialog drops it.

import { useId, useRef, useState } from 'preact/hooks';
import { DateTime } from '../../components/DateTime';
import { Dialog } from '../../components/Dialog';
import { VisibleText } from '../../components/VisibleText';
import type { Endpoint } from './describeWebhook';
import { eventTypeLabel } from './describeWebhook';

interface WebhookSecretDialogProps {
  /** "added": a new endpoint; "rotated": a new secret beside the previous one. */
  reason: 'added' | 'rotated';
  endpoint: Endpoint;
  secret: string;
  onClose: () => void;
}

export function WebhookSecretDialog({ reason, endpoint, secret, onClose }: WebhookSecretDialogProps) {
  const fieldRef = useRef<HTMLInputElement>(null);
  const [copyStatus, setCopyStatus] = useState('');
  const fieldId = useId();
  const warningId = useId();
  const verifyId = useId();

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopyStatus('Copied to the clipboard.');
    } catch {
      // No clipboard access (e.g. not a secure context): let the user copy.
      fieldRef.current?.select();
      fieldRef.current?.focus();
      setCopyStatus('Copying was not allowed: the secret is selected, press Ctrl+C (or ⌘C) to copy it.');
    }
  };

  const url = (
    <strong class="webhook-url">
      <VisibleText text={endpoint.url} />
    </strong>
  );

  return (
    <Dialog title={reason === 'added' ? 'Endpoint added' : 'New signing secret'} onClose={onClose} class="dialog-wide">
      {reason === 'added' ? (
        <p>
          {url} receives {endpoint.eventTypes.map(eventTypeLabel).join(', ')}, each request signed with the secret
          below.
        </p>
      ) : (
        <p>
          {url} now has a new signing secret. The previous secret keeps signing every delivery beside it for 24 hours
          {endpoint.previousSecretExpiresAt && (
            <>
              , until <DateTime value={endpoint.previousSecretExpiresAt} inline />
            </>
          )}
          : switch your receiver to the new one before then.
        </p>
      )}
      <p id={warningId} class="message message-warning">
        Copy the signing secret now: it will not be shown again.
      </p>
      <div class="field">
        <label for={fieldId}>Signing secret</label>
        <div class="input-with-button">
          <input
            ref={fieldRef}
            id={fieldId}
            type="text"
            readOnly
            value={secret}
            class="secret"
            spellcheck={false}
            autoComplete="off"
            aria-describedby={warningId}
            onFocus={(e) => e.currentTarget.select()}
          />
          <button type="button" class="button button-primary" onClick={() => void copy()} autoFocus>
            Copy
          </button>
        </div>
        <p class="hint" role="status">
          {copyStatus}
        </p>
      </div>

      <section class="verify-signatures" aria-labelledby={verifyId}>
        <h3 id={verifyId}>Verifying the signatures</h3>
        <p>
          Requests follow{' '}
          <a href="https://www.standardwebhooks.com/" target="_blank" rel="noopener noreferrer">
            Standard Webhooks
          </a>
          : the <code>webhook-id</code>, <code>webhook-timestamp</code> and <code>webhook-signature</code> headers sign
          the body. Its libraries check them given the whole secret; by hand:
        </p>
        <ol>
          <li>
            Decode the part of the secret after <code>whsec_</code> from base64: that is the key.
          </li>
          <li>
            Compute the HMAC-SHA256 of <code>webhook-id.webhook-timestamp.body</code> (the values joined by dots, the
            body exactly as received) and encode it in base64.
          </li>
          <li>
            Accept the request if it equals one of the <code>v1,</code> signatures in <code>webhook-signature</code>{' '}
            (separated by spaces; during a rotation there are two), compared in constant time, and the timestamp is
            within 5 minutes of now.
          </li>
          <li>
            Keep the <code>webhook-id</code> to ignore an event you have already handled: retries and redeliveries send
            the same one.
          </li>
        </ol>
      </section>

      <div class="dialog-actions">
        <button type="button" class="button" onClick={onClose}>
          Done
        </button>
      </div>
    </Dialog>
  );
}
