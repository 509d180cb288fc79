// Reads the claims of a session JWT for display and for its expiry only.
// The signature is not (and cannot be) checked here: the server decides
// what the caller may do; these claims only shape the screen.

/** The claims the console shows; each is absent when missing or mistyped. */
export interface SessionClaims {
  sub?: string;
  name?: string;
  email?: string;
  org?: string;
  /** "admin" or "member" as the identity provider issued it. */
  role?: string;
  /** Seconds since the Unix epoch. */
  exp?: number;
}

/** Returns the payload's claims, or null when jwt is not a decodable JWT. */
export function decodeClaims(jwt: string): SessionClaims | null {
  const parts = jwt.split('.');
  if (parts.length !== 3 || parts.some((p) => p === '')) return null;
  let payload: unknown;
  try {
    payload = JSON.parse(base64UrlDecode(parts[1] ?? ''));
  } catch {
    return null;
  }
  if (typeof payload !== 'object' || payload === null) return null;
  const raw = payload as Record<string, unknown>;
  const claims: SessionClaims = {};
  for (const key of ['sub', 'name', 'email', 'org', 'role'] as const) {
    const value = raw[key];
    if (typeof value === 'string') claims[key] = value;
  }
  if (typeof raw.exp === 'number' && Number.isFinite(raw.exp)) claims.exp = raw.exp;
  return claims;
}

/** Milliseconds until the claims expire (negative once past); Infinity without exp. */
export function msUntilExpiry(claims: SessionClaims, now = Date.now()): number {
  return claims.exp === undefined ? Infinity : claims.exp * 1000 - now;
}

/** Whether the claims' exp has passed. */
export function isExpired(claims: SessionClaims, now = Date.now()): boolean {
  return msUntilExpiry(claims, now) <= 0;
}

// base64url → UTF-8 text (names may hold any character).
function base64UrlDecode(segment: string): string {
  const base64 = segment.replace(/-/g, '+').replace(/_/g, '/');
  const padded = base64 + '='.repeat((4 - (base64.length % 4)) % 4);
  const binary = atob(padded);
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
}
