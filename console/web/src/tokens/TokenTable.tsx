// The token list as a table: sortable headers, optional owner column and
// row selection, a Revoke button per revocable row (and Rotate per active
// one, where offered), why a token was revoked and its rotation lineage
// beneath its status. Wide tables scroll sideways inside their own region
// on narrow screens.

import { useId, useRef } from 'preact/hooks';
import { DateTime } from '../components/DateTime';
import { ScopeList } from '../components/ScopeList';
import { StatusBadge } from '../components/StatusBadge';
import { UserName } from '../components/UserName';
import { VisibleText } from '../components/VisibleText';
import { formatDate, formatFullDateTime } from '../format/dates';
import { visibleText } from '../format/visible';
import type { PersonalAccessTokenOrder } from '../gql/graphql';
import type { Token } from '../hooks/useTokenPages';
import { lineageLinks, revocationReason } from './lineage';
import { SortHeader } from './SortHeader';
import { useFocusRescue } from './useFocusRescue';

export interface Selection {
  selected: ReadonlySet<string>;
  onChange: (selected: Set<string>) => void;
}

interface TokenTableProps {
  caption: string;
  tokens: readonly Token[];
  loading: boolean;
  order: PersonalAccessTokenOrder;
  onOrderChange: (order: PersonalAccessTokenOrder) => void;
  showOwner: boolean;
  /** Checkboxes per revocable row and for the whole page; none when absent. */
  selection?: Selection | undefined;
  onRevoke: (token: Token) => void;
  /** A Rotate button per active token (the owner's own list); none when absent. */
  onRotate?: ((token: Token) => void) | undefined;
  emptyText: string;
}

export function TokenTable(props: TokenTableProps) {
  const { caption, tokens, loading, order, onOrderChange, showOwner, selection, onRevoke, onRotate, emptyText } = props;
  const captionId = useId();
  const regionRef = useRef<HTMLDivElement>(null);
  useFocusRescue(regionRef, tokens);
  const revocable = tokens.filter((t) => t.status !== 'REVOKED');
  const columns = 7 + (showOwner ? 1 : 0) + (selection ? 1 : 0);
  const sort = { order, onOrderChange };

  return (
    <div ref={regionRef} class="table-scroll" role="region" aria-labelledby={captionId} tabIndex={0}>
      <table class="token-table" aria-busy={loading}>
        <caption id={captionId} class="visually-hidden">
          {caption}
        </caption>
        <thead>
          <tr>
            {selection && (
              <th scope="col" class="select-cell">
                <SelectAll tokens={revocable} selection={selection} />
              </th>
            )}
            <SortHeader label="Name" field="NAME" {...sort} />
            {showOwner && <th scope="col">Owner</th>}
            <th scope="col">Scopes</th>
            <SortHeader label="Created" field="CREATED_AT" {...sort} />
            <SortHeader label="Last used" field="LAST_USED_AT" {...sort} />
            <SortHeader label="Expires" field="EXPIRES_AT" {...sort} />
            <th scope="col">Status</th>
            <th scope="col">
              <span class="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {tokens.length === 0 && (
            <tr>
              <td colSpan={columns} class="empty">
                {loading ? 'Loading tokens…' : emptyText}
              </td>
            </tr>
          )}
          {tokens.map((token) => (
            <TokenRow
              key={token.id}
              token={token}
              showOwner={showOwner}
              selection={selection}
              onRevoke={onRevoke}
              onRotate={onRotate}
            />
          ))}
        </tbody>
      </table>
    </div>
  );
}

interface TokenRowProps {
  token: Token;
  showOwner: boolean;
  selection?: Selection | undefined;
  onRevoke: (token: Token) => void;
  onRotate?: ((token: Token) => void) | undefined;
}

function TokenRow({ token, showOwner, selection, onRevoke, onRotate }: TokenRowProps) {
  const revoked = token.status === 'REVOKED';
  const selected = selection?.selected.has(token.id) ?? false;
  const toggle = () => {
    if (!selection) return;
    const next = new Set(selection.selected);
    if (selected) next.delete(token.id);
    else next.add(token.id);
    selection.onChange(next);
  };
  return (
    <tr data-testid="token-row" data-token-id={token.id} class={selected ? 'selected' : undefined}>
      {selection && (
        <td class="select-cell">
          {!revoked && (
            <input
              type="checkbox"
              checked={selected}
              onChange={toggle}
              aria-label={`Select ${visibleText(token.name)}`}
            />
          )}
        </td>
      )}
      <th scope="row" class="name-cell">
        <span class="token-name">
          <VisibleText text={token.name} />
        </span>
        <code class="token-hint">{token.hint}</code>
      </th>
      {showOwner && (
        <td>
          <UserName user={token.owner} />
        </td>
      )}
      <td>
        <ScopeList scopes={token.scopes} />
      </td>
      <td>
        <DateTime value={token.createdAt} />
      </td>
      <td>
        <DateTime value={token.lastUsedAt} fallback="Never used" />
      </td>
      <td>
        <DateTime value={token.expiresAt} />
      </td>
      <td>
        <StatusBadge status={token.status} />
        {revoked && token.revokedAt && (
          <span class="revoked-detail">
            <DateTime value={token.revokedAt} />
            {token.revokedBy && (
              <span class="muted">
                by <VisibleText text={token.revokedBy.name || token.revokedBy.email} />
              </span>
            )}
            {token.revocationSource && <span>{revocationReason(token.revocationSource)}</span>}
          </span>
        )}
        {lineageLinks(token).map((link) => (
          <span key={link.relation} class="lineage">
            {link.label} <code class="token-hint">{link.token.hint}</code>
            {link.otherName && (
              <>
                {' '}
                (<VisibleText text={link.otherName} />)
              </>
            )}
            {link.relation === 'rotatedFrom' && (
              <>
                , created{' '}
                <time dateTime={link.token.createdAt} title={formatFullDateTime(link.token.createdAt)}>
                  {formatDate(link.token.createdAt)}
                </time>
              </>
            )}
          </span>
        ))}
      </td>
      <td class="actions-cell">
        {!revoked && (
          <div class="button-row token-actions">
            {onRotate && token.status === 'ACTIVE' && (
              <button
                type="button"
                class="button button-small"
                aria-label={`Rotate ${visibleText(token.name)}`}
                onClick={() => onRotate(token)}
              >
                Rotate
              </button>
            )}
            <button
              type="button"
              class="button button-small button-danger-outline"
              aria-label={`Revoke ${visibleText(token.name)}`}
              onClick={() => onRevoke(token)}
            >
              Revoke
            </button>
          </div>
        )}
      </td>
    </tr>
  );
}

function SelectAll({ tokens, selection }: { tokens: readonly Token[]; selection: Selection }) {
  const count = tokens.filter((t) => selection.selected.has(t.id)).length;
  const all = tokens.length > 0 && count === tokens.length;
  return (
    <input
      type="checkbox"
      aria-label="Select all tokens on this page"
      checked={all}
      indeterminate={count > 0 && !all}
      disabled={tokens.length === 0}
      onChange={() => selection.onChange(all ? new Set() : new Set(tokens.map((t) => t.id)))}
    />
  );
}
