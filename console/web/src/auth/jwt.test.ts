import { describe, expect, it } from 'vitest';
import { decodeClaims, isExpired, msUntilExpiry } from './jwt';

// base64url of the UTF-8 JSON, as identity providers encode JWT parts.
const encode = (value: unknown) =>
  btoa(String.fromCharCode(...new TextEncoder().encode(JSON.stringify(value))))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
const jwt = (payload: unknown) => `${encode({ alg: 'HS256' })}.${encode(payload)}.signature`;

describe('decodeClaims', () => {
  it('reads the display claims and exp', () => {
    const claims = decodeClaims(
      jwt({ sub: 'u1', name: 'Zoë Ångström', email: 'z@x', org: 'acme', role: 'admin', exp: 1800000000 }),
    );
    expect(claims).toEqual({
      sub: 'u1',
      name: 'Zoë Ångström',
      email: 'z@x',
      org: 'acme',
      role: 'admin',
      exp: 1800000000,
    });
  });

  it('drops mistyped claims', () => {
    expect(decodeClaims(jwt({ name: 42, exp: '1800000000', role: ['admin'] }))).toEqual({});
  });

  it.each([
    ['not a token', 'garbage'],
    ['two parts', 'a.b'],
    ['an empty part', `${encode({})}..sig`],
    ['a payload that is not JSON', `${encode({})}.bm90IGpzb24.sig`],
    ['a payload that is not an object', `${encode({})}.${encode('text')}.sig`],
  ])('rejects %s', (_, value) => {
    expect(decodeClaims(value)).toBeNull();
  });
});

describe('expiry', () => {
  const now = 1_800_000_000_000;
  it('is expired once exp has passed', () => {
    expect(isExpired({ exp: 1_800_000_000 }, now)).toBe(true);
    expect(isExpired({ exp: 1_800_000_001 }, now)).toBe(false);
  });
  it('never expires without exp', () => {
    expect(msUntilExpiry({}, now)).toBe(Infinity);
  });
});
