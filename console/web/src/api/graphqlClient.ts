// A tiny GraphQL client: POST /query with the session's bearer token, one
// typed document at a time. Every failure becomes an ApiError; an
// UNAUTHENTICATED one also tells the session, which signs the user out.

import type { TypedDocumentString } from '../gql/graphql';
import { ApiError, codeForStatus, errorFromGraphQL, isAbort } from './ApiError';

export interface GraphQLClient {
  /** Runs one operation and returns its data, or throws an ApiError. */
  request<TResult, TVariables>(
    document: TypedDocumentString<TResult, TVariables>,
    variables: TVariables,
    signal?: AbortSignal,
  ): Promise<TResult>;
  /** POSTs body as JSON to a download endpoint (e.g. /export/tokens) and returns the file. */
  download(path: string, body: unknown, signal?: AbortSignal): Promise<Download>;
}

/** A file the server sent as an attachment. */
export interface Download {
  blob: Blob;
  filename: string;
}

// Same origin as the console: the service serves both.
const endpoint = '/query';

export function createGraphQLClient(credential: string, onUnauthenticated: (err: ApiError) => void): GraphQLClient {
  return {
    async request(document, variables, signal) {
      try {
        return await post(credential, document.toString(), variables, signal);
      } catch (err) {
        if (err instanceof ApiError && err.code === 'UNAUTHENTICATED') onUnauthenticated(err);
        throw err;
      }
    },
    async download(path, body, signal) {
      try {
        return await fetchDownload(credential, path, body, signal);
      } catch (err) {
        if (err instanceof ApiError && err.code === 'UNAUTHENTICATED') onUnauthenticated(err);
        throw err;
      }
    },
  };
}

async function fetchDownload(credential: string, path: string, body: unknown, signal?: AbortSignal): Promise<Download> {
  let response: Response;
  try {
    response = await fetch(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${credential}` },
      body: JSON.stringify(body),
      credentials: 'omit',
      cache: 'no-store',
      signal,
    });
  } catch (err) {
    if (isAbort(err)) throw err;
    throw new ApiError('NETWORK', err instanceof Error ? err.message : 'fetch failed');
  }
  if (!response.ok) {
    const errors = (await readJSON(response))?.errors;
    if (Array.isArray(errors) && errors.length > 0) throw errorFromGraphQL(errors[0], response.status);
    throw new ApiError(codeForStatus(response.status), `HTTP ${response.status}`, {}, response.status);
  }
  const disposition = response.headers.get('Content-Disposition') ?? '';
  const filename = /filename="([^"]+)"/.exec(disposition)?.[1] ?? 'tokens.csv';
  return { blob: await response.blob(), filename };
}

async function post<TResult>(
  credential: string,
  query: string,
  variables: unknown,
  signal?: AbortSignal,
): Promise<TResult> {
  let response: Response;
  try {
    response = await fetch(endpoint, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/json',
        Authorization: `Bearer ${credential}`,
      },
      body: JSON.stringify({ query, variables }),
      credentials: 'omit', // the bearer token is the only credential
      cache: 'no-store',
      signal,
    });
  } catch (err) {
    if (isAbort(err)) throw err;
    throw new ApiError('NETWORK', err instanceof Error ? err.message : 'fetch failed');
  }
  const body = await readJSON(response);
  const errors = body?.errors;
  if (Array.isArray(errors) && errors.length > 0) throw errorFromGraphQL(errors[0], response.status);
  if (!response.ok || typeof body?.data !== 'object' || body.data === null) {
    throw new ApiError(codeForStatus(response.status), `HTTP ${response.status}`, {}, response.status);
  }
  return body.data as TResult;
}

async function readJSON(response: Response): Promise<{ data?: unknown; errors?: unknown } | null> {
  try {
    const body: unknown = await response.json();
    return typeof body === 'object' && body !== null ? body : null;
  } catch (err) {
    if (isAbort(err)) throw err;
    return null;
  }
}
