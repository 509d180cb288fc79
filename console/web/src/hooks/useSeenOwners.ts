// The owners of every token seen so far, for the owner filter's choices.
// The API has no user directory, so the list grows as pages are viewed.

import { useMemo, useRef } from 'preact/hooks';
import type { UserFieldsFragment } from '../gql/graphql';
import type { Token } from './useTokenPages';

export function useSeenOwners(tokens: readonly Token[]): UserFieldsFragment[] {
  const seen = useRef(new Map<string, UserFieldsFragment>());
  return useMemo(() => {
    for (const token of tokens) seen.current.set(token.owner.id, token.owner);
    return [...seen.current.values()].sort((a, b) =>
      (a.name || a.email).localeCompare(b.name || b.email, undefined, { sensitivity: 'base' }),
    );
  }, [tokens]);
}
