// The signed-in console: who is signed in, sign out, and the pages the
// viewer's role may use (admins: the organization's tokens, their own, the
// audit trail, the webhooks and the e-mails to token owners, with a banner
// on every page while a webhook endpoint is failing; members: their own
// tokens).

import { useEffect, useRef, useState } from 'preact/hooks';
import { VisibleText } from '../components/VisibleText';
import { useWebhookEndpoints } from '../hooks/useWebhookEndpoints';
import { AuditTrailPage } from '../pages/audit/AuditTrailPage';
import { InventoryPage } from '../pages/inventory/InventoryPage';
import { MyTokensPage } from '../pages/mytokens/MyTokensPage';
import { NotificationsPage } from '../pages/notifications/NotificationsPage';
import { FailingWebhooksBanner } from '../pages/webhooks/FailingWebhooksBanner';
import { WebhooksPage, webhooksHeadingId } from '../pages/webhooks/WebhooksPage';
import { useSession } from './session';
import type { TabDefinition } from './Tabs';
import { Tabs } from './Tabs';

type PageKey = 'inventory' | 'mine' | 'audit' | 'webhooks' | 'notifications';

const adminTabs: ReadonlyArray<TabDefinition<PageKey>> = [
  { key: 'inventory', label: 'Personal Access Tokens' },
  { key: 'mine', label: 'My tokens' },
  { key: 'audit', label: 'Audit trail' },
  { key: 'webhooks', label: 'Webhooks' },
  // Always: in production the record of what was mailed, in development
  // (no SMTP server) the only place the mails are.
  { key: 'notifications', label: 'Notifications' },
];

interface ConsoleProps {
  /** The server runs in development mode (GET /admin/api/config). */
  devMode: boolean;
  onSignOut: () => void;
}

export function Console({ devMode, onSignOut }: ConsoleProps) {
  const { isAdmin } = useSession();
  const [page, setPage] = useState<PageKey>(isAdmin ? 'inventory' : 'mine');
  const webhooks = useWebhookEndpoints(isAdmin);
  // The banner's button goes away on the page it opens: focus its heading.
  const focusWebhooks = useRef(false);
  useEffect(() => {
    if (page !== 'webhooks' || !focusWebhooks.current) return;
    focusWebhooks.current = false;
    document.getElementById(webhooksHeadingId)?.focus();
  }, [page]);
  const showWebhooks = () => {
    focusWebhooks.current = true;
    setPage('webhooks');
  };

  return (
    <>
      <Header onSignOut={onSignOut} />
      <main id="main" tabIndex={-1} class="main">
        {isAdmin ? (
          <>
            {webhooks.endpoints && (
              <FailingWebhooksBanner
                endpoints={webhooks.endpoints}
                onShow={page === 'webhooks' ? undefined : showWebhooks}
              />
            )}
            <Tabs label="Console sections" tabs={adminTabs} selected={page} onSelect={setPage}>
              {page === 'inventory' && <InventoryPage />}
              {page === 'mine' && <MyTokensPage />}
              {page === 'audit' && <AuditTrailPage />}
              {page === 'webhooks' && <WebhooksPage webhooks={webhooks} />}
              {page === 'notifications' && <NotificationsPage devMode={devMode} />}
            </Tabs>
          </>
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
