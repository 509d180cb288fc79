import * as oauth from 'oauth4webapi';
import { describe, expect, it } from 'vitest';
import { explainSignInError, isLoopbackHttp, parseProviderSignIn } from './providerSignIn';

describe('parseProviderSignIn', () => {
  it('takes the server’s configuration', () => {
    expect(
      parseProviderSignIn({
        issuer: 'https://login.acme.example/realms/acme',
        clientId: 'pats-console',
        scope: 'openid email',
        providerName: ' Acme SSO ',
      }),
    ).toEqual({
      issuer: 'https://login.acme.example/realms/acme',
      clientId: 'pats-console',
      scope: 'openid email',
      providerName: 'Acme SSO',
    });
  });

  it('names the provider by its host when the name is missing', () => {
    expect(
      parseProviderSignIn({ issuer: 'https://idp.example:8443', clientId: 'c', scope: 'openid' })?.providerName,
    ).toBe('idp.example:8443');
  });

  it('offers nothing for a missing or unusable configuration', () => {
    for (const value of [
      undefined,
      null,
      'x',
      {},
      { issuer: 'not a url', clientId: 'c', scope: 'openid' },
      { issuer: 'https://idp.example', clientId: '', scope: 'openid' },
    ]) {
      expect(parseProviderSignIn(value)).toBeUndefined();
    }
  });
});

describe('isLoopbackHttp', () => {
  it('allows http only on this machine', () => {
    expect(isLoopbackHttp(new URL('http://127.0.0.1:9998'))).toBe(true);
    expect(isLoopbackHttp(new URL('http://localhost:9998/realms/x'))).toBe(true);
    expect(isLoopbackHttp(new URL('http://[::1]:9998'))).toBe(true);
    expect(isLoopbackHttp(new URL('http://idp.example'))).toBe(false);
    expect(isLoopbackHttp(new URL('http://127.0.0.1.idp.example'))).toBe(false);
    expect(isLoopbackHttp(new URL('https://127.0.0.1'))).toBe(false);
  });
});

describe('explainSignInError', () => {
  const as: oauth.AuthorizationServer = { issuer: 'https://idp.example' };
  const client: oauth.Client = { client_id: 'pats-console' };
  const thrown = (fn: () => unknown): unknown => {
    try {
      fn();
    } catch (err) {
      return err;
    }
    throw new Error('did not throw');
  };

  it('refuses an answer whose state is not this tab’s', () => {
    const err = thrown(() =>
      oauth.validateAuthResponse(as, client, new URLSearchParams('code=c&state=forged'), 'expected'),
    );
    expect(explainSignInError(err, 'Acme').message).toBe(
      'The sign-in answer did not match a sign-in started in this tab, so it was refused. Sign in again.',
    );
  });

  it('refuses an answer from another issuer', () => {
    const err = thrown(() =>
      oauth.validateAuthResponse(as, client, new URLSearchParams('code=c&state=s&iss=https://evil.example'), 's'),
    );
    expect(explainSignInError(err, 'Acme').message).toMatch(/did not match a sign-in started in this tab/);
  });

  it('says when the provider declined', () => {
    const denied = thrown(() =>
      oauth.validateAuthResponse(as, client, new URLSearchParams('error=access_denied&state=s'), 's'),
    );
    expect(explainSignInError(denied, 'Acme').message).toBe('Acme did not sign you in. Sign in again.');
    const other = thrown(() =>
      oauth.validateAuthResponse(as, client, new URLSearchParams('error=invalid_scope&state=s'), 's'),
    );
    expect(explainSignInError(other, 'Acme').message).toBe(
      'Acme refused the sign-in (invalid_scope). Sign in again, or ask your administrator.',
    );
  });

  it('says when the provider cannot be reached', () => {
    expect(explainSignInError(new TypeError('Failed to fetch'), 'Acme').message).toBe(
      'Acme could not be reached. Check your connection and try again.',
    );
  });
});
