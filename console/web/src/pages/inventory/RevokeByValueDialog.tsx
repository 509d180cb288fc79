// Revokes a leaked token from its pasted value. The value stays in the
// password field only until Revoke is pressed: the field is emptied before
// the request is sent, and the value is never put in component state, shown
// again, or kept once the call returns.

import { useId, useRef, useState } from 'preact/hooks';
import { describeError } from '../../api/errorSentences';
import { useSession } from '../../app/session';
import type { Tone } from '../../components/Announcer';
import { Dialog } from '../../components/Dialog';
import { userLabel } from '../../components/UserName';
import { visibleText } from '../../format/visible';
import { RevokeTokenByValueDocument } from '../../gql/graphql';

interface RevokeByValueDialogProps {
  onClose: () => void;
  /** Called after a token was revoked, so the list can reload. */
  onRevoked: () => void;
}

interface Outcome {
  text: string;
  tone: Tone;
}

export function RevokeByValueDialog({ onClose, onRevoked }: RevokeByValueDialogProps) {
  const { client } = useSession();
  const inputRef = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const fieldId = useId();
  const hintId = useId();
  const outcomeId = useId();

  const submit = async (event: Event) => {
    event.preventDefault();
    const input = inputRef.current;
    if (!input || busy) return;
    const value = input.value;
    input.value = '';
    if (value.trim() === '') {
      setOutcome({ text: 'Paste the token’s value first.', tone: 'error' });
      input.focus();
      return;
    }
    setBusy(true);
    setOutcome(null);
    try {
      const data = await client.request(RevokeTokenByValueDocument, { token: value });
      const { outcome: result, token } = data.revokeTokenByValue;
      const who = `“${visibleText(token.name)}” of ${userLabel(token.owner)}`;
      setOutcome(
        result === 'ALREADY_REVOKED'
          ? { text: `The token ${who} was already revoked.`, tone: 'info' }
          : { text: `Revoked the token ${who}.`, tone: 'success' },
      );
      if (result === 'REVOKED') onRevoked();
    } catch (err) {
      setOutcome({
        text: describeError(err, {
          NOT_FOUND: () => 'Token not found: no token of your organization has that value.',
          BAD_USER_INPUT: () => 'Token not found: that is not a token value.',
        }),
        tone: 'error',
      });
    } finally {
      setBusy(false);
      input.focus();
    }
  };

  return (
    <Dialog title="Revoke a token by its value" onClose={onClose}>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <div class="field">
          <label for={fieldId}>Token value</label>
          <input
            ref={inputRef}
            id={fieldId}
            type="password"
            autoComplete="off"
            spellcheck={false}
            aria-describedby={outcome ? `${hintId} ${outcomeId}` : hintId}
          />
          <p id={hintId} class="hint">
            Paste a leaked token (it starts with opat_) to revoke exactly that token. The value is sent once and not
            kept.
          </p>
        </div>
        <p id={outcomeId} class={outcome ? `message message-${outcome.tone}` : 'visually-hidden'} role="status">
          {outcome?.text}
        </p>
        <div class="dialog-actions">
          <button type="button" class="button" onClick={onClose}>
            Close
          </button>
          <button type="submit" class="button button-danger" aria-disabled={busy}>
            {busy ? 'Revoking…' : 'Revoke'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
