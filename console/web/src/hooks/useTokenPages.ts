// One page at a time of the token list, with cursor pagination both ways:
// the API pages forward only, so the cursors of the pages already seen are
// kept on a stack and "previous" pops back to the one before.

import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { isAbort } from '../api/ApiError';
import { describeError } from '../api/errorSentences';
import { useSession } from '../app/session';
import { PersonalAccessTokensDocument } from '../gql/graphql';
import type { PersonalAccessTokenFilter, PersonalAccessTokenOrder, PersonalAccessTokensQuery } from '../gql/graphql';

export type TokenPage = PersonalAccessTokensQuery['personalAccessTokens'];
export type Token = TokenPage['nodes'][number];

export interface TokenQuery {
  filter: PersonalAccessTokenFilter;
  orderBy: PersonalAccessTokenOrder;
}

export interface TokenPages {
  /** The page on screen; kept while the next one loads, so nothing jumps. */
  page: TokenPage | null;
  loading: boolean;
  /** A sentence, when the last load failed. */
  error: string | null;
  /** 1-based. */
  pageNumber: number;
  pageSize: number;
  hasPrevious: boolean;
  hasNext: boolean;
  next: () => void;
  previous: () => void;
  /** Loads the current page again (after a change such as a revocation). */
  reload: () => void;
}

export function useTokenPages(query: TokenQuery, pageSize: number): TokenPages {
  const { client } = useSession();
  // A new filter or order starts again from the first page.
  const queryKey = JSON.stringify(query);
  const [cursors, setCursors] = useState<{ key: string; stack: Array<string | null> }>({
    key: queryKey,
    stack: [null],
  });
  const stack = cursors.key === queryKey ? cursors.stack : [null];
  const after = stack[stack.length - 1] ?? null;
  const [reloads, setReloads] = useState(0);
  const [page, setPage] = useState<TokenPage | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    const { filter, orderBy } = JSON.parse(queryKey) as TokenQuery;
    setLoading(true);
    client
      .request(PersonalAccessTokensDocument, { first: pageSize, after, filter, orderBy }, controller.signal)
      .then((data) => {
        const result = data.personalAccessTokens;
        // A reload after revocations may leave a later page empty: step back.
        if (result.nodes.length === 0 && stack.length > 1) {
          setCursors({ key: queryKey, stack: stack.slice(0, -1) });
          return;
        }
        setPage(result);
        setError(null);
        setLoading(false);
      })
      .catch((err: unknown) => {
        if (isAbort(err)) return;
        setError(describeError(err));
        setLoading(false);
      });
    return () => controller.abort();
    // stack is left out on purpose: after and queryKey are what it changes.
  }, [client, queryKey, after, pageSize, reloads]);

  // Both wait for the page on screen to be the current one: its end cursor
  // is where the next page starts.
  const next = useCallback(() => {
    const cursor = page?.pageInfo.endCursor;
    if (loading || !page?.pageInfo.hasNextPage || !cursor) return;
    setCursors({ key: queryKey, stack: [...stack, cursor] });
  }, [page, loading, queryKey, stack]);

  const previous = useCallback(() => {
    if (!loading && stack.length > 1) setCursors({ key: queryKey, stack: stack.slice(0, -1) });
  }, [loading, queryKey, stack]);

  const reload = useCallback(() => setReloads((n) => n + 1), []);

  return useMemo(
    () => ({
      page,
      loading,
      error,
      pageNumber: stack.length,
      pageSize,
      hasPrevious: stack.length > 1,
      hasNext: Boolean(page?.pageInfo.hasNextPage && page.pageInfo.endCursor),
      next,
      previous,
      reload,
    }),
    [page, loading, error, stack.length, pageSize, next, previous, reload],
  );
}
