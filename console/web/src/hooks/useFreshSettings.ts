// Reads the organization's policy again when a page opens: another admin
// may have changed it since sign-in, and the pages act on it (the Generate
// button, the expiry picker's limit, the policy line).

import { useEffect } from 'preact/hooks';
import { useSession } from '../app/session';
import { OrganizationPatSettingsDocument } from '../gql/graphql';

export function useFreshSettings(): void {
  const { client, setSettings } = useSession();
  useEffect(() => {
    const controller = new AbortController();
    client.request(OrganizationPatSettingsDocument, {}, controller.signal).then(
      (data) => setSettings(data.organizationPatSettings),
      // On failure keep the policy read at sign-in: the page's own query
      // reports any real trouble, and UNAUTHENTICATED signs the user out.
      () => {},
    );
    return () => controller.abort();
  }, [client, setSettings]);
}
