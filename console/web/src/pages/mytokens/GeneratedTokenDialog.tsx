// Shows a new token's secret this once, generated or rotated, with a Copy
// button. The secret lives only in the parent's state while this dialog is
// open; closing the dialog drops it.

import { useId, useRef, useState } from 'preact/hooks';
import { Dialog } from '../../components/Dialog';
import { DateTime } from '../../components/DateTime';
import { VisibleText } from '../../components/VisibleText';
import type { CreatedToken } from './GenerateTokenDialog';

interface GeneratedTokenDialogProps {
  /** "generated": a new token; "rotated": a new token in place of created.personalAccessToken.rotatedFrom. */
  reason: 'generated' | 'rotated';
  created: CreatedToken;
  onClose: () => void;
}

export function GeneratedTokenDialog({ reason, created, onClose }: GeneratedTokenDialogProps) {
  const fieldRef = useRef<HTMLInputElement>(null);
  const [copyStatus, setCopyStatus] = useState('');
  const fieldId = useId();
  const warningId = useId();
  const token = created.personalAccessToken;
  const replaced = reason === 'rotated' ? token.rotatedFrom : null;

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(created.token);
      setCopyStatus('Copied to the clipboard.');
    } catch {
      // No clipboard access (e.g. not a secure context): let the user copy.
      fieldRef.current?.select();
      fieldRef.current?.focus();
      setCopyStatus('Copying was not allowed: the token is selected, press Ctrl+C (or ⌘C) to copy it.');
    }
  };

  return (
    <Dialog title={reason === 'rotated' ? 'Token rotated' : 'Generated token'} onClose={onClose} class="dialog-wide">
      <p>
        Your new token{' '}
        <strong>
          <VisibleText text={token.name} />
        </strong>{' '}
        expires <DateTime value={token.expiresAt} inline />.
        {reason === 'rotated' && (
          <>
            {' '}
            It replaces {replaced ? <code class="token-hint">{replaced.hint}</code> : 'the previous token'}, which no
            longer works.
          </>
        )}
      </p>
      <p id={warningId} class="message message-warning">
        Copy the token now: it will not be shown again.
      </p>
      <div class="field">
        <label for={fieldId}>Your new token</label>
        <div class="input-with-button">
          <input
            ref={fieldRef}
            id={fieldId}
            type="text"
            readOnly
            value={created.token}
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
      <div class="dialog-actions">
        <button type="button" class="button" onClick={onClose}>
          Done
        </button>
      </div>
    </Dialog>
  );
}
