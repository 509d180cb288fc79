// Where the session credential lives: sessionStorage only (gone when the
// tab closes, never shared with other tabs), and nothing else is stored.
// The host application hands the credential over in the URL fragment,
// which never reaches a server; it is removed from the address bar at once
// so it does not linger in history or get copied along with the URL.

const storageKey = 'pats-console.session';

/**
 * Takes `#access_token=<JWT>` out of the current URL (keeping any other
 * fragment parameters) and returns it, or null when there is none.
 */
export function takeCredentialFromFragment(): string | null {
  const hash = window.location.hash.replace(/^#/, '');
  if (hash === '') return null;
  const params = new URLSearchParams(hash);
  const token = params.get('access_token');
  if (token === null) return null;
  params.delete('access_token');
  const rest = params.toString();
  const { pathname, search } = window.location;
  window.history.replaceState(window.history.state, '', pathname + search + (rest ? `#${rest}` : ''));
  return token.trim() || null;
}

/** The stored credential, or null. */
export function loadCredential(): string | null {
  try {
    return window.sessionStorage.getItem(storageKey);
  } catch {
    return null; // storage disabled: the user signs in again per page load
  }
}

export function saveCredential(token: string): void {
  try {
    window.sessionStorage.setItem(storageKey, token);
  } catch {
    // Storage disabled or full: the session still works until a reload.
  }
}

export function clearCredential(): void {
  try {
    window.sessionStorage.removeItem(storageKey);
  } catch {
    // Nothing was stored.
  }
}

/** A pasted credential without surrounding space or a "Bearer " prefix. */
export function cleanPastedCredential(value: string): string {
  return value
    .trim()
    .replace(/^Bearer\s+/i, '')
    .trim();
}
