// Sign-in through the organization's identity provider: the OAuth 2.0
// authorization code flow with PKCE (S256), state and nonce, by
// oauth4webapi, from the browser (the console is a public client: it has
// no secret). The provider redirects back to /admin/ with ?code&state;
// the code is exchanged at the token endpoint and the access token
// becomes the session credential, kept in sessionStorage like a pasted
// one. What the round trip needs in between (state, nonce, the PKCE
// verifier) waits in sessionStorage too, for this tab only, and is
// removed as soon as the answer arrives, whatever it is.

import * as oauth from 'oauth4webapi';

/** What GET /admin/api/config says about sign-in through the provider. */
export interface ProviderSignIn {
  issuer: string;
  clientId: string;
  /** Space-separated scopes to ask for; openid among them. */
  scope: string;
  /** Names the provider on the sign-in button. */
  providerName: string;
}

/** The provider sign-in of the configuration, when its fields are usable; else undefined. */
export function parseProviderSignIn(value: unknown): ProviderSignIn | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { issuer, clientId, scope, providerName } = value as Record<string, unknown>;
  if (typeof issuer !== 'string' || typeof clientId !== 'string' || typeof scope !== 'string') return undefined;
  if (clientId === '' || !URL.canParse(issuer)) return undefined;
  const name =
    typeof providerName === 'string' && providerName.trim() !== '' ? providerName.trim() : new URL(issuer).host;
  return { issuer, clientId, scope: scope || 'openid', providerName: name };
}

/** A failed sign-in, with the sentence to show. */
export class ProviderSignInError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ProviderSignInError';
  }
}

const pendingKey = 'pats-console.provider-sign-in';

interface Pending {
  issuer: string;
  clientId: string;
  state: string;
  nonce: string;
  codeVerifier: string;
}

/** Where the provider sends the browser back: the console itself. */
export function redirectUri(): string {
  return new URL('/admin/', window.location.origin).href;
}

/**
 * Sends the browser to the provider's authorization endpoint; resolves
 * only if that fails (the page is left otherwise).
 */
export async function startProviderSignIn(config: ProviderSignIn): Promise<void> {
  const as = await discover(config);
  if (!as.authorization_endpoint) {
    throw new ProviderSignInError(`${config.providerName} does not say where to sign in. Ask your administrator.`);
  }
  const codeVerifier = oauth.generateRandomCodeVerifier();
  const pending: Pending = {
    issuer: config.issuer,
    clientId: config.clientId,
    state: oauth.generateRandomState(),
    nonce: oauth.generateRandomNonce(),
    codeVerifier,
  };
  const url = new URL(as.authorization_endpoint);
  url.searchParams.set('client_id', config.clientId);
  url.searchParams.set('redirect_uri', redirectUri());
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('scope', config.scope);
  url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(codeVerifier));
  url.searchParams.set('code_challenge_method', 'S256');
  url.searchParams.set('state', pending.state);
  url.searchParams.set('nonce', pending.nonce);
  try {
    window.sessionStorage.setItem(pendingKey, JSON.stringify(pending));
  } catch {
    throw new ProviderSignInError(
      'This browser does not let the console keep the sign-in in this tab. Allow site data, then try again.',
    );
  }
  window.location.assign(url.href);
}

/**
 * Takes the provider's answer (?code=…&state=… or ?error=…) out of the
 * address bar, so it is neither reloaded nor bookmarked, and returns it;
 * null when the URL is not such an answer.
 */
export function takeCallbackFromUrl(): URLSearchParams | null {
  const params = new URLSearchParams(window.location.search);
  if (!params.has('state') && !params.has('code') && !params.has('error')) return null;
  const { pathname, hash } = window.location;
  window.history.replaceState(window.history.state, '', pathname + hash);
  return params;
}

/**
 * Checks the provider's answer against the sign-in this tab started
 * (state, then the ID token's nonce and audience) and exchanges the code,
 * with the PKCE verifier, for the access token it returns.
 */
export async function completeProviderSignIn(config: ProviderSignIn, params: URLSearchParams): Promise<string> {
  const pending = takePending();
  if (!pending || pending.issuer !== config.issuer || pending.clientId !== config.clientId) {
    throw new ProviderSignInError(refusedSentence);
  }
  const as = await discover(config);
  const client: oauth.Client = { client_id: config.clientId };
  try {
    const checked = oauth.validateAuthResponse(as, client, params, pending.state);
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      oauth.None(),
      checked,
      redirectUri(),
      pending.codeVerifier,
      requestOptions(config),
    );
    const result = await oauth.processAuthorizationCodeResponse(as, client, response, {
      expectedNonce: pending.nonce,
      requireIdToken: true,
    });
    return result.access_token;
  } catch (err) {
    throw explainSignInError(err, config.providerName);
  }
}

const refusedSentence =
  'The sign-in answer did not match a sign-in started in this tab, so it was refused. Sign in again.';

/** One sentence per way the exchange fails; never the provider's raw text alone. */
export function explainSignInError(err: unknown, provider: string): ProviderSignInError {
  if (err instanceof ProviderSignInError) return err;
  if (err instanceof oauth.AuthorizationResponseError) {
    return new ProviderSignInError(
      err.error === 'access_denied'
        ? `${provider} did not sign you in. Sign in again.`
        : `${provider} refused the sign-in (${err.error}). Sign in again, or ask your administrator.`,
      { cause: err },
    );
  }
  if (err instanceof oauth.ResponseBodyError) {
    return new ProviderSignInError(`${provider} refused the sign-in (${err.error}). Sign in again.`, { cause: err });
  }
  if (err instanceof oauth.OperationProcessingError) {
    // A state, issuer, nonce or audience that does not match: a stale,
    // replayed or forged answer.
    return new ProviderSignInError(refusedSentence, { cause: err });
  }
  return new ProviderSignInError(`${provider} could not be reached. Check your connection and try again.`, {
    cause: err,
  });
}

function takePending(): Pending | null {
  let raw: string | null = null;
  try {
    raw = window.sessionStorage.getItem(pendingKey);
    window.sessionStorage.removeItem(pendingKey);
  } catch {
    return null;
  }
  if (raw === null) return null;
  try {
    const value: unknown = JSON.parse(raw);
    if (!isPending(value)) return null;
    return value;
  } catch {
    return null;
  }
}

function isPending(value: unknown): value is Pending {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return ['issuer', 'clientId', 'state', 'nonce', 'codeVerifier'].every((k) => typeof v[k] === 'string' && v[k] !== '');
}

async function discover(config: ProviderSignIn): Promise<oauth.AuthorizationServer> {
  const issuer = new URL(config.issuer);
  try {
    const response = await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...requestOptions(config) });
    return await oauth.processDiscoveryResponse(issuer, response);
  } catch (err) {
    throw explainSignInError(err, config.providerName);
  }
}

/**
 * http is allowed only for a provider on this machine (development and
 * tests), as the server allows it (auth.CheckProviderURL).
 */
function requestOptions(config: ProviderSignIn): { [oauth.allowInsecureRequests]?: boolean } {
  return isLoopbackHttp(new URL(config.issuer)) ? { [oauth.allowInsecureRequests]: true } : {};
}

/** Whether url is http on a loopback host. */
export function isLoopbackHttp(url: URL): boolean {
  if (url.protocol !== 'http:') return false;
  const host = url.hostname;
  return host === 'localhost' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
}
