// The signed-in session as every page sees it: the API client bound to the
// credential, who the viewer is, and the organization's policy.

import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { GraphQLClient } from '../api/graphqlClient';
import type { SessionClaims } from '../auth/jwt';
import type { SettingsFieldsFragment, UserFieldsFragment } from '../gql/graphql';

export interface Session {
  client: GraphQLClient;
  /** From the JWT: for display only; the server enforces every rule. */
  claims: SessionClaims;
  viewer: UserFieldsFragment;
  settings: SettingsFieldsFragment;
  availableScopes: string[];
  /**
   * Whether to show the admin tabs (Query.viewerRole). The server checks
   * the role on every call regardless.
   */
  isAdmin: boolean;
  /** Replaces the policy after a change, so every page shows the new one. */
  setSettings: (settings: SettingsFieldsFragment) => void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in console');
  return session;
}
