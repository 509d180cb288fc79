// The "Personal Access Tokens" tab (admins): every token of the
// organization, searchable, filterable and sortable, revocable one by one
// or by selection; revoking leaked tokens by their values, found in pasted
// text or files; the policy.

import { useEffect, useMemo, useState } from 'preact/hooks';
import { describeError } from '../../api/errorSentences';
import { useSession } from '../../app/session';
import { useAnnounce } from '../../components/Announcer';
import { plural } from '../../format/plural';
import { userLabel, userShortLabel } from '../../components/UserName';
import type {
  PersonalAccessTokenFilter,
  PersonalAccessTokenOrder,
  SettingsFieldsFragment,
  TokenStatus,
} from '../../gql/graphql';
import { useDebouncedValue } from '../../hooks/useDebouncedValue';
import { useOwnerChoices } from '../../hooks/useOwnerChoices';
import type { Token } from '../../hooks/useTokenPages';
import { useFreshSettings } from '../../hooks/useFreshSettings';
import { useTokenPages } from '../../hooks/useTokenPages';
import { Pager } from '../../tokens/Pager';
import { RevokeTokensDialog } from '../../tokens/RevokeTokensDialog';
import { defaultStatuses } from '../../tokens/StatusFilter';
import { TokenTable } from '../../tokens/TokenTable';
import { InventoryFilters } from './InventoryFilters';
import { PolicySummary } from './PolicySummary';
import { RevokeByValueDialog } from './RevokeByValueDialog';
import { RevokeMatchingDialog } from './RevokeMatchingDialog';
import type { RevokeMatchingOutcome } from './RevokeMatchingDialog';
import { matchingFilter, ownerFilter } from './revocationFilter';
import { SettingsDialog } from './SettingsDialog';

const pageSize = 50;
const searchDelayMs = 300;
const defaultOrder: PersonalAccessTokenOrder = { field: 'CREATED_AT', direction: 'DESC' };

const noTokens: Token[] = [];

type OpenDialog =
  | { kind: 'revoke'; tokens: Token[] }
  | { kind: 'revokeByValue' }
  | { kind: 'revokeMatching'; title: string; filter: PersonalAccessTokenFilter; ownerLabel?: string | undefined }
  | { kind: 'settings' }
  | null;

export function InventoryPage() {
  const { setSettings, client } = useSession();
  const announce = useAnnounce();
  useFreshSettings();
  const [search, setSearch] = useState('');
  const debouncedSearch = useDebouncedValue(search.trim(), searchDelayMs);
  const [statuses, setStatuses] = useState<TokenStatus[]>([...defaultStatuses]);
  const [ownerId, setOwnerId] = useState('');
  const [order, setOrder] = useState(defaultOrder);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [dialog, setDialog] = useState<OpenDialog>(null);

  const query = useMemo(
    () => ({
      filter: { status: statuses, search: debouncedSearch || null, ownerIds: ownerId ? [ownerId] : null },
      orderBy: order,
    }),
    [statuses, debouncedSearch, ownerId, order],
  );
  const pages = useTokenPages(query, pageSize);
  const tokens = pages.page?.nodes ?? noTokens;
  const owners = useOwnerChoices(tokens);

  // The selection only ever holds revocable tokens of the page on screen.
  useEffect(() => {
    const revocable = new Set(tokens.filter((t) => t.status !== 'REVOKED').map((t) => t.id));
    setSelected((previous) => {
      const kept = [...previous].filter((id) => revocable.has(id));
      return kept.length === previous.size ? previous : new Set(kept);
    });
  }, [tokens]);

  const selectedTokens = tokens.filter((t) => selected.has(t.id));
  const owner = ownerId ? owners.find((o) => o.id === ownerId) : undefined;

  // Every token the filters on screen match, on every page (the search as
  // typed, even before the list has caught up with it).
  const revokeMatching = () =>
    setDialog({
      kind: 'revokeMatching',
      title: 'Revoke matching tokens',
      filter: matchingFilter(search, statuses, ownerId),
      ownerLabel: owner && userLabel(owner),
    });
  // Offboarding: every token of the owner chosen, whatever the other filters.
  const revokeOwner = () =>
    owner &&
    setDialog({
      kind: 'revokeMatching',
      title: `Revoke all of ${userShortLabel(owner)}’s tokens`,
      filter: ownerFilter(owner.id),
      ownerLabel: userLabel(owner),
    });
  const onMatchingClosed = (outcome?: RevokeMatchingOutcome) => {
    setDialog(null);
    if (!outcome) return;
    announce(outcome.message, outcome.tone);
    pages.reload();
  };

  const revokeSelected = () => {
    if (selectedTokens.length === 0) {
      announce('Select the tokens to revoke first.', 'info');
      return;
    }
    setDialog({ kind: 'revoke', tokens: selectedTokens });
  };

  const onRevoked = (message: string) => {
    if (dialog?.kind === 'revoke') {
      const revoked = new Set(dialog.tokens.map((t) => t.id));
      setSelected((previous) => new Set([...previous].filter((id) => !revoked.has(id))));
    }
    setDialog(null);
    announce(message, 'success');
    pages.reload();
  };

  // The export takes the filters and order on screen; the server streams
  // every matching token, not only this page.
  const [exporting, setExporting] = useState(false);
  const exportCSV = async () => {
    setExporting(true);
    try {
      const file = await client.download('/export/tokens', { format: 'csv', ...query });
      const url = URL.createObjectURL(file.blob);
      const link = document.createElement('a');
      link.href = url;
      link.download = file.filename;
      link.click();
      URL.revokeObjectURL(url);
      announce(`Exported ${file.filename}.`, 'success');
    } catch (err) {
      announce(describeError(err), 'error');
    } finally {
      setExporting(false);
    }
  };

  const onSettingsSaved = (settings: SettingsFieldsFragment) => {
    setDialog(null);
    setSettings(settings);
    announce('Settings saved.', 'success');
    pages.reload(); // a new maximum lifespan changes expiries and statuses
  };

  return (
    <section class="page" aria-labelledby="inventory-heading">
      <div class="page-header">
        <div>
          <h2 id="inventory-heading">Personal Access Tokens</h2>
          <PolicySummary />
        </div>
        <div class="button-row">
          <button type="button" class="button" onClick={() => setDialog({ kind: 'revokeByValue' })}>
            Revoke tokens
          </button>
          <button type="button" class="button" onClick={exportCSV} disabled={exporting}>
            {exporting ? 'Exporting…' : 'Export CSV'}
          </button>
          <button type="button" class="button" onClick={() => setDialog({ kind: 'settings' })}>
            Settings
          </button>
        </div>
      </div>

      <InventoryFilters
        search={search}
        onSearchChange={setSearch}
        statuses={statuses}
        onStatusesChange={setStatuses}
        ownerId={ownerId}
        onOwnerChange={setOwnerId}
        owners={owners}
      />

      <div class="list-toolbar">
        <p class="total" aria-live="polite">
          {pages.page ? `${plural(pages.page.totalCount, 'token')} found` : ' '}
          {statuses.length === 0 && ' (choose at least one status)'}
        </p>
        <div class="button-row">
          <button type="button" class="button button-danger-outline" onClick={revokeMatching}>
            Revoke matching…
          </button>
          {owner && (
            <button type="button" class="button button-danger-outline" onClick={revokeOwner}>
              Revoke all of {userShortLabel(owner)}’s tokens
            </button>
          )}
          <span class="muted">{selectedTokens.length > 0 && `${selectedTokens.length} selected`}</span>
          <button
            type="button"
            class="button button-danger"
            aria-disabled={selectedTokens.length === 0}
            onClick={revokeSelected}
          >
            Revoke
          </button>
        </div>
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
        caption="Personal access tokens of the organization"
        tokens={tokens}
        loading={pages.loading}
        order={order}
        onOrderChange={setOrder}
        showOwner
        selection={{ selected, onChange: setSelected }}
        onRevoke={(token) => setDialog({ kind: 'revoke', tokens: [token] })}
        emptyText="No tokens match these filters."
      />
      <Pager pages={pages} />

      {dialog?.kind === 'revoke' && (
        <RevokeTokensDialog tokens={dialog.tokens} showOwner onClose={() => setDialog(null)} onRevoked={onRevoked} />
      )}
      {dialog?.kind === 'revokeByValue' && (
        <RevokeByValueDialog onClose={() => setDialog(null)} onRevoked={pages.reload} />
      )}
      {dialog?.kind === 'revokeMatching' && (
        <RevokeMatchingDialog
          title={dialog.title}
          filter={dialog.filter}
          ownerLabel={dialog.ownerLabel}
          onClose={onMatchingClosed}
          onRevoked={pages.reload}
        />
      )}
      {dialog?.kind === 'settings' && <SettingsDialog onClose={() => setDialog(null)} onSaved={onSettingsSaved} />}
    </section>
  );
}
