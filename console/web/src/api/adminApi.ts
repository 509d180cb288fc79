// The console's own endpoints beside GraphQL, served by the Go side under
// /admin/api: the console configuration and, in development mode only,
// one-click demo sessions.

import type { ProviderSignIn } from '../auth/providerSignIn';
import { parseProviderSignIn } from '../auth/providerSignIn';
import { ApiError, codeForStatus, isAbort } from './ApiError';

export interface ConsoleConfig {
  /** The server runs without a real identity provider: demo sign-in exists. */
  devMode: boolean;
  /** Sign-in through the organization's identity provider, when configured. */
  signIn?: ProviderSignIn;
}

/** The demo identities of the development organization. */
export type DemoRole = 'admin' | 'member' | 'directory';

export interface DevSession {
  token: string;
  expiresAt: string;
}

/** Reads the configuration; a server without the endpoint means no dev mode and no provider. */
export async function fetchConsoleConfig(signal?: AbortSignal): Promise<ConsoleConfig> {
  try {
    const response = await fetch('/admin/api/config', { cache: 'no-store', credentials: 'omit', signal });
    if (!response.ok) return { devMode: false };
    const body: unknown = await response.json();
    if (!isRecord(body)) return { devMode: false };
    const signIn = parseProviderSignIn(body.signIn);
    return { devMode: body.devMode === true, ...(signIn && { signIn }) };
  } catch (err) {
    if (isAbort(err)) throw err;
    return { devMode: false };
  }
}

/** Asks the development server for a session token of a demo identity. */
export async function createDevSession(role: DemoRole): Promise<DevSession> {
  let response: Response;
  try {
    response = await fetch('/admin/api/dev-session', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ role }),
      cache: 'no-store',
      credentials: 'omit',
    });
  } catch (err) {
    throw new ApiError('NETWORK', err instanceof Error ? err.message : 'fetch failed');
  }
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // Reported below as an unexpected response.
  }
  if (!response.ok || !isRecord(body) || typeof body.token !== 'string') {
    const code = response.status === 404 ? 'FORBIDDEN' : codeForStatus(response.ok ? 0 : response.status);
    throw new ApiError(code, `dev-session: HTTP ${response.status}`, {}, response.status);
  }
  return { token: body.token, expiresAt: typeof body.expiresAt === 'string' ? body.expiresAt : '' };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
