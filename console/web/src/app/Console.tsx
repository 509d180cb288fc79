// The signed-in console: who is signed in, sign out, and the pages the
// viewer's role may use (admins: the organization's tokens, their own and
// the audit trail; members: their own tokens).

import { useState } from 'preact/hooks';
import { VisibleText } from '../components/VisibleText';
import { AuditTrailPage } from '../pages/audit/AuditTrailPage';
import { InventoryPage } from '../pages/inventory/InventoryPage';
import { MyTokensPage } from '../pages/mytokens/MyTokensPage';
import { useSession } from './session';
import type { TabDefinition } from './Tabs';
import { Tabs } from './Tabs';

type PageKey = 'inventory' | 'mine' | 'audit';

const adminTabs: ReadonlyArray<TabDefinition<PageKey>> = [
  { key: 'inventory', label: 'Personal Access Tokens' },
  { key: 'mine', label: 'My tokens' },
  { key: 'audit', label: 'Audit trail' },
];

export function Console({ onSignOut }: { onSignOut: () => void }) {
  const { isAdmin } = useSession();
  const [page, setPage] = useState<PageKey>(isAdmin ? 'inventory' : 'mine');

  return (
    <>
      <Header onSignOut={onSignOut} />
      <main id="main" tabIndex={-1} class="main">
        {isAdmin ? (
          <Tabs label="Console sections" tabs={adminTabs} selected={page} onSelect={setPage}>
            {page === 'inventory' && <InventoryPage />}
            {page === 'mine' && <MyTokensPage />}
            {page === 'audit' && <AuditTrailPage />}
          </Tabs>
        ) : (
          <MyTokensPage />
        )}
      </main>
    </>
  );
}

function Header({ onSignOut }: { onSignOut: () => void }) {
  const { viewer, claims, isAdmin } = useSession();
  const role = isAdmin ? 'Admin' : 'Member';
  return (
    <header class="header">
      <h1 class="header-title">Personal access tokens</h1>
      <div class="header-user">
        <p class="signed-in-as">
          <span class="visually-hidden">Signed in as </span>
          <span class="user-name">
            <VisibleText text={viewer.name || viewer.email} />
          </span>{' '}
          <span class="user-email">
            <VisibleText text={viewer.email} />
          </span>
          <span class="role-badge">{role}</span>
          {viewer.accountType === 'DIRECTORY' && <span class="role-badge">Directory account</span>}
          {claims.org && (
            <span class="user-org">
              <VisibleText text={claims.org} />
            </span>
          )}
        </p>
        <button type="button" class="button" onClick={onSignOut}>
          Sign out
        </button>
      </div>
    </header>
  );
}
