// The owner filter's choices: the organization's users from the API (up to
// maxUsers, by name), plus the owner of every token seen so far, so a
// larger organization still offers the owners on screen.

import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { useSession } from '../app/session';
import { OrganizationUsersDocument, type OrganizationUsersQuery, type UserFieldsFragment } from '../gql/graphql';
import type { Token } from './useTokenPages';

const maxUsers = 1000;

export function useOwnerChoices(tokens: readonly Token[]): UserFieldsFragment[] {
  const { client } = useSession();
  const [listed, setListed] = useState<readonly UserFieldsFragment[]>([]);
  const seen = useRef(new Map<string, UserFieldsFragment>());

  useEffect(() => {
    const controller = new AbortController();
    (async () => {
      const users: UserFieldsFragment[] = [];
      let after: string | null = null;
      do {
        const data: OrganizationUsersQuery = await client.request(
          OrganizationUsersDocument,
          { after },
          controller.signal,
        );
        users.push(...data.users.nodes);
        after = data.users.pageInfo.hasNextPage ? (data.users.pageInfo.endCursor ?? null) : null;
      } while (after && users.length < maxUsers);
      setListed(users);
    })().catch(
      // The seen owners remain; the page's own query reports real trouble.
      () => {},
    );
    return () => controller.abort();
  }, [client]);

  return useMemo(() => {
    for (const token of tokens) seen.current.set(token.owner.id, token.owner);
    const all = new Map(seen.current);
    for (const user of listed) all.set(user.id, user);
    return [...all.values()].sort((a, b) =>
      (a.name || a.email).localeCompare(b.name || b.email, undefined, { sensitivity: 'base' }),
    );
  }, [tokens, listed]);
}
