// "Rotate token": the owner replaces an active token with a new one of the
// same name and scopes, with an expiration date like a new token's; the
// old one is revoked at once. The new secret is shown once by the parent
// (GeneratedTokenDialog); refusals are explained beside the date or in
// the dialog.

import { useId, useMemo, useState } from 'preact/hooks';
import { useSession } from '../../app/session';
import { Dialog } from '../../components/Dialog';
import { ScopeList } from '../../components/ScopeList';
import { VisibleText } from '../../components/VisibleText';
import { plural } from '../../format/plural';
import { RotatePersonalAccessTokenDocument } from '../../gql/graphql';
import type { Token } from '../../hooks/useTokenPages';
import { expiryBounds, expiryInstant, isWithinBounds } from '../../tokens/expiryChoice';
import { rotationRefusal } from '../../tokens/rotation';
import type { CreatedToken } from './GenerateTokenDialog';

interface RotateTokenDialogProps {
  token: Token;
  onClose: () => void;
  onRotated: (rotated: CreatedToken) => void;
}

export function RotateTokenDialog({ token, onClose, onRotated }: RotateTokenDialogProps) {
  const { client, settings } = useSession();
  const bounds = useMemo(() => expiryBounds(settings.maxLifespanDays), [settings.maxLifespanDays]);
  const [expiry, setExpiry] = useState(bounds.max);
  const [expiryError, setExpiryError] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const ids = { expiry: useId(), expiryHint: useId(), expiryError: useId() };

  const focusExpiry = () => document.getElementById(ids.expiry)?.focus();

  const submit = async (event: Event) => {
    event.preventDefault();
    if (busy) return;
    setFormError(null);
    if (!isWithinBounds(expiry, bounds)) {
      setExpiryError(`Choose a date from tomorrow up to ${plural(settings.maxLifespanDays, 'day')} from today.`);
      return focusExpiry();
    }
    setExpiryError(null);
    setBusy(true);
    try {
      const data = await client.request(RotatePersonalAccessTokenDocument, {
        id: token.id,
        expiresAt: expiryInstant(expiry, settings.maxLifespanDays),
      });
      onRotated(data.rotatePersonalAccessToken);
    } catch (err) {
      const refusal = rotationRefusal(err);
      if (refusal.field === 'expiresAt') {
        setExpiryError(refusal.message);
        focusExpiry();
      } else {
        setFormError(refusal.message);
      }
      setBusy(false);
    }
  };

  return (
    <Dialog title="Rotate token?" onClose={onClose} class="dialog-wide">
      <form onSubmit={(e) => void submit(e)} noValidate>
        <p>
          A new token named{' '}
          <strong>
            <VisibleText text={token.name} />
          </strong>{' '}
          with the same scopes replaces <code class="token-hint">{token.hint}</code>, which stops working at once. Put
          the new token wherever this one is used.
        </p>
        <div class="field rotate-scopes">
          <p>Scopes of the new token:</p>
          <ScopeList scopes={token.scopes} />
        </div>

        <div class="field">
          <label for={ids.expiry}>Expiration date of the new token</label>
          <input
            id={ids.expiry}
            type="date"
            class="input-narrow"
            value={expiry}
            min={bounds.min}
            max={bounds.max}
            required
            aria-invalid={expiryError ? true : undefined}
            aria-describedby={expiryError ? `${ids.expiryError} ${ids.expiryHint}` : ids.expiryHint}
            onInput={(e) => setExpiry(e.currentTarget.value)}
          />
          {expiryError && (
            <p id={ids.expiryError} class="field-error">
              {expiryError}
            </p>
          )}
          <p id={ids.expiryHint} class="hint">
            The new token expires at the end of that day, your time. Your organization allows at most{' '}
            {plural(settings.maxLifespanDays, 'day')}.
          </p>
        </div>

        {formError && (
          <p class="field-error" role="alert">
            {formError}
          </p>
        )}
        <div class="dialog-actions">
          <button type="button" class="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="button button-primary" aria-disabled={busy}>
            {busy ? 'Rotating…' : 'Rotate token'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
