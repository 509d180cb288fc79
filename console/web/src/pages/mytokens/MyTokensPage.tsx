// "My tokens": the viewer's own tokens, generating a new one and rotating
// an active one (local accounts, while the organization allows tokens;
// the new secret shown once either way) and revoking their own.

import { useMemo, useState } from 'preact/hooks';
import { useSession } from '../../app/session';
import { useAnnounce } from '../../components/Announcer';
import { visibleText } from '../../format/visible';
import type { PersonalAccessTokenOrder, TokenStatus } from '../../gql/graphql';
import type { Token } from '../../hooks/useTokenPages';
import { useFreshSettings } from '../../hooks/useFreshSettings';
import { useTokenPages } from '../../hooks/useTokenPages';
import { Pager } from '../../tokens/Pager';
import { RevokeTokensDialog } from '../../tokens/RevokeTokensDialog';
import { StatusFilter, defaultStatuses } from '../../tokens/StatusFilter';
import { TokenTable } from '../../tokens/TokenTable';
import type { CreatedToken } from './GenerateTokenDialog';
import { GenerateTokenDialog } from './GenerateTokenDialog';
import { GeneratedTokenDialog } from './GeneratedTokenDialog';
import { RotateTokenDialog } from './RotateTokenDialog';

const pageSize = 50;
const defaultOrder: PersonalAccessTokenOrder = { field: 'CREATED_AT', direction: 'DESC' };
const noTokens: Token[] = [];

type OpenDialog =
  | { kind: 'generate' }
  | { kind: 'rotate'; token: Token }
  | { kind: 'generated'; reason: 'generated' | 'rotated'; created: CreatedToken }
  | { kind: 'revoke'; token: Token }
  | null;

export function MyTokensPage() {
  const { viewer, settings } = useSession();
  const announce = useAnnounce();
  useFreshSettings();
  const [statuses, setStatuses] = useState<TokenStatus[]>([...defaultStatuses]);
  const [order, setOrder] = useState(defaultOrder);
  const [dialog, setDialog] = useState<OpenDialog>(null);
  // Admins see everyone's tokens through the same query: ask for their own.
  const query = useMemo(
    () => ({ filter: { status: statuses, ownerIds: [viewer.id] }, orderBy: order }),
    [statuses, viewer.id, order],
  );
  const pages = useTokenPages(query, pageSize);
  const isLocal = viewer.accountType === 'LOCAL';
  // Rotation issues a token: the same conditions as generating one.
  const canIssue = isLocal && settings.enabled;

  const onCreated = (created: CreatedToken) => {
    setDialog({ kind: 'generated', reason: 'generated', created });
    pages.reload();
  };

  const onRotated = (rotated: CreatedToken) => {
    setDialog({ kind: 'generated', reason: 'rotated', created: rotated });
    pages.reload();
  };

  const onGeneratedClosed = () => {
    if (dialog?.kind === 'generated') {
      const name = visibleText(dialog.created.personalAccessToken.name);
      announce(`Token “${name}” ${dialog.reason}.`, 'success');
    }
    setDialog(null); // drops the secret
  };

  const onRevoked = (message: string) => {
    setDialog(null);
    announce(message, 'success');
    pages.reload();
  };

  return (
    <section class="page" aria-labelledby="my-tokens-heading">
      <div class="page-header">
        <h2 id="my-tokens-heading">My tokens</h2>
        {canIssue && (
          <button type="button" class="button button-primary" onClick={() => setDialog({ kind: 'generate' })}>
            Generate new token
          </button>
        )}
      </div>

      {!settings.enabled && (
        <p class="message message-warning">
          Personal access tokens are disabled for your organization: no token can be generated or used until an admin
          enables them again.
        </p>
      )}
      {!isLocal && (
        <p class="message message-info">
          You cannot create personal access tokens: you signed in with a directory account, and only users with a local
          account can create them.
        </p>
      )}

      <div class="filters">
        <StatusFilter value={statuses} onChange={setStatuses} />
      </div>

      {pages.error && (
        <p class="message message-error" role="alert">
          {pages.error}{' '}
          <button type="button" class="link-button" onClick={pages.reload}>
            Try again
          </button>
        </p>
      )}

      <TokenTable
        caption="Your personal access tokens"
        tokens={pages.page?.nodes ?? noTokens}
        loading={pages.loading}
        order={order}
        onOrderChange={setOrder}
        showOwner={false}
        onRevoke={(token) => setDialog({ kind: 'revoke', token })}
        onRotate={canIssue ? (token) => setDialog({ kind: 'rotate', token }) : undefined}
        emptyText={statuses.length === 0 ? 'Choose at least one status.' : 'You have no tokens with these statuses.'}
      />
      <Pager pages={pages} />

      {dialog?.kind === 'generate' && <GenerateTokenDialog onClose={() => setDialog(null)} onCreated={onCreated} />}
      {dialog?.kind === 'rotate' && (
        <RotateTokenDialog token={dialog.token} onClose={() => setDialog(null)} onRotated={onRotated} />
      )}
      {dialog?.kind === 'generated' && (
        <GeneratedTokenDialog reason={dialog.reason} created={dialog.created} onClose={onGeneratedClosed} />
      )}
      {dialog?.kind === 'revoke' && (
        <RevokeTokensDialog
          tokens={[dialog.token]}
          showOwner={false}
          onClose={() => setDialog(null)}
          onRevoked={onRevoked}
        />
      )}
    </section>
  );
}
