// Confirms revoking one or more tokens, naming each (and its owner), then
// revokes them all in one revokeTokens call: all or nothing.

import { useState } from 'preact/hooks';
import { ApiError } from '../api/ApiError';
import { describeError } from '../api/errorSentences';
import { useSession } from '../app/session';
import { Dialog } from '../components/Dialog';
import { UserLabel, userLabel } from '../components/UserName';
import { VisibleText } from '../components/VisibleText';
import { plural } from '../format/plural';
import { visibleText } from '../format/visible';
import { RevokeTokensDocument } from '../gql/graphql';
import type { Token } from '../hooks/useTokenPages';

interface RevokeTokensDialogProps {
  tokens: readonly Token[];
  showOwner: boolean;
  onClose: () => void;
  /** Called with the sentence to announce once the tokens are revoked. */
  onRevoked: (message: string) => void;
}

export function RevokeTokensDialog({ tokens, showOwner, onClose, onRevoked }: RevokeTokensDialogProps) {
  const { client } = useSession();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const count = plural(tokens.length, 'token');

  const confirm = async () => {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      const data = await client.request(RevokeTokensDocument, { ids: tokens.map((t) => t.id) });
      onRevoked(revokedMessage(tokens, data.revokeTokens.revokedCount, showOwner));
    } catch (err) {
      setError(revokeErrorMessage(err, tokens));
      setBusy(false);
    }
  };

  return (
    <Dialog title={`Revoke ${count}?`} onClose={onClose}>
      <p>{tokens.length === 1 ? 'This token stops' : 'These tokens stop'} working at once. Revocation is permanent.</p>
      <ul class="revoke-list">
        {tokens.map((token) => (
          <li key={token.id}>
            <strong>
              <VisibleText text={token.name} />
            </strong>{' '}
            <code class="token-hint">{token.hint}</code>
            {showOwner && (
              <span class="muted">
                {' '}
                — <UserLabel user={token.owner} />
              </span>
            )}
          </li>
        ))}
      </ul>
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
          {busy ? 'Revoking…' : `Revoke ${count}`}
        </button>
      </div>
    </Dialog>
  );
}

function revokedMessage(tokens: readonly Token[], revokedCount: number, showOwner: boolean): string {
  const only = tokens.length === 1 ? tokens[0] : undefined;
  if (revokedCount === tokens.length) {
    if (!only) return `Revoked ${plural(revokedCount, 'token')}.`;
    return `Revoked 1 token: “${visibleText(only.name)}”${showOwner ? ` of ${userLabel(only.owner)}` : ''}.`;
  }
  const already = tokens.length - revokedCount;
  return `Revoked ${plural(revokedCount, 'token')}; ${already} ${already === 1 ? 'was' : 'were'} already revoked.`;
}

function revokeErrorMessage(err: unknown, tokens: readonly Token[]): string {
  if (err instanceof ApiError && err.code === 'NOT_FOUND') {
    const missing = new Set(err.missingIds);
    const names = tokens.filter((t) => missing.has(t.id)).map((t) => `“${visibleText(t.name)}”`);
    const which = names.length > 0 ? names.join(', ') : 'Some of these tokens';
    return `${which} no longer ${names.length === 1 ? 'exists' : 'exist'} in your organization, so nothing was revoked. Reload the list and try again.`;
  }
  return describeError(err);
}
