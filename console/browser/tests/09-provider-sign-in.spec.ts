// Sign-in through the organization's identity provider, end to end: the
// second server of the global setup (production mode, PATS_OIDC_ISSUER and
// PATS_CONSOLE_CLIENT_ID) offers "Sign in with Acme SSO"; the test
// provider's own login page takes the username and password; the console
// comes back with a code, exchanges it with its PKCE verifier and is
// signed in as that user. A tampered answer is refused, and an expired or
// refused session leads back to sign-in, each with a sentence.

import type { Page } from '@playwright/test';
import { expect, test } from './support/fixtures';
import { apiAudience, providerBaseURL, providerIssuer, providerName, providerUsers } from './support/provider';

const signInButton = `Sign in with ${providerName}`;
const refused = 'The sign-in answer did not match a sign-in started in this tab, so it was refused. Sign in again.';

type ProviderUser = (typeof providerUsers)[keyof typeof providerUsers];

/** From the console's sign-in page to the provider's login page, filled in and sent. */
async function signInAtProvider(page: Page, user: ProviderUser): Promise<void> {
  await page.getByRole('button', { name: signInButton }).click();
  await page.waitForURL((url) => url.href.startsWith(`${providerIssuer()}/login/`));
  await page.getByLabel('Username').fill(user.username);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Login' }).click();
}

/** The JWT payload of a token. */
function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;
}

test('an admin signs in on the provider’s login page and lands in the console', async ({
  page,
  checkA11y,
  capture,
}) => {
  const admin = providerUsers.admin;
  await page.goto(`${providerBaseURL()}/admin/`);
  await expect(page.getByRole('button', { name: signInButton })).toBeVisible();
  // Production mode: no demo sign-in; the paste screen stays.
  await expect(page.getByRole('button', { name: 'Sign in as demo admin' })).toHaveCount(0);
  await expect(page.getByLabel('Session token')).toBeVisible();
  await checkA11y('sign-in with a provider');
  await capture('sign-in-provider.png');

  const tokenRequests: string[] = [];
  page.on('request', (r) => {
    if (r.url().startsWith(`${providerIssuer()}/oauth/token`)) tokenRequests.push(r.method());
  });
  await signInAtProvider(page, admin);

  await expect(page.getByRole('tab', { name: 'Personal Access Tokens' })).toBeVisible();
  await expect(page.locator('.user-name')).toHaveText(admin.claims.name);
  // An admin page loads: the organization's audit trail, from the server.
  await page.getByRole('tab', { name: 'Audit trail' }).click();
  await expect(page.getByRole('heading', { name: 'Audit trail' })).toBeVisible();
  // The code was exchanged from the browser, once; the answer left the address bar.
  expect(tokenRequests).toEqual(['POST']);
  expect(new URL(page.url()).search).toBe('');

  // Only the access token is kept, for this tab only: no PKCE leftovers, nothing in localStorage.
  const stored = await page.evaluate(() => Object.values(sessionStorage));
  expect(stored).toHaveLength(1);
  const claims = claimsOf(stored[0] ?? '');
  expect(claims.sub).toBe(admin.id);
  expect(claims.aud).toContain(apiAudience);
  expect(await page.evaluate(() => localStorage.length)).toBe(0);
  await checkA11y('signed in through the provider');
});

test('an answer that does not match the tab’s sign-in is refused with a sentence', async ({ page }) => {
  const base = providerBaseURL();
  // No sign-in started in this tab at all.
  await page.goto(`${base}/admin/?code=forged&state=forged`);
  await expect(page.getByText(refused)).toBeVisible();
  expect(new URL(page.url()).search).toBe('');

  // A real code from the provider, with the state changed on the way
  // back: the login form's answer is followed here up to the redirect to
  // the console (Playwright routes no redirect hop), which is altered.
  const issuer = providerIssuer();
  await page.route(`${issuer}/login/username`, async (route) => {
    if (route.request().method() !== 'POST') return route.continue();
    let response = await route.fetch({ maxRedirects: 0 });
    let location = response.headers()['location'] ?? '';
    for (let hops = 0; location !== '' && !location.startsWith(`${base}/admin/`) && hops < 5; hops++) {
      response = await page.request.get(new URL(location, issuer).href, { maxRedirects: 0 });
      location = response.headers()['location'] ?? '';
    }
    const answer = new URL(location);
    expect(answer.searchParams.get('code'), 'the provider answered with a code').toBeTruthy();
    answer.searchParams.set('state', 'tampered');
    await route.fulfill({ status: 302, headers: { Location: answer.href } });
  });
  const tokenRequests: string[] = [];
  page.on('request', (r) => {
    if (r.url().startsWith(`${providerIssuer()}/oauth/token`)) tokenRequests.push(r.url());
  });
  await signInAtProvider(page, providerUsers.member);
  await expect(page.getByText(refused)).toBeVisible();
  await expect(page.getByRole('button', { name: signInButton })).toBeVisible();
  await expect(page.getByRole('tab')).toHaveCount(0);
  expect(tokenRequests, 'the code is never exchanged').toEqual([]);
  expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
});

test('when the provider’s token expires, the console returns to sign-in with a sentence', async ({ page }) => {
  await page.clock.install();
  await page.goto(`${providerBaseURL()}/admin/`);
  await signInAtProvider(page, providerUsers.member);
  await expect(page.getByRole('heading', { name: 'My tokens' })).toBeVisible();
  const exp = claimsOf((await page.evaluate(() => Object.values(sessionStorage)))[0] ?? '').exp;
  expect(typeof exp).toBe('number');

  // Past the token's exp (the provider's access tokens last 5 minutes).
  await page.clock.fastForward((Number(exp) + 1) * 1000 - (await page.evaluate(() => Date.now())));
  await expect(page.getByText('Your session has expired. Sign in again.')).toBeVisible();
  await expect(page.getByRole('button', { name: signInButton })).toBeVisible();
  expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
});

test('when the API no longer accepts the provider’s token, the console returns to sign-in with a sentence', async ({
  page,
}) => {
  const base = providerBaseURL();
  await page.goto(`${base}/admin/`);
  await signInAtProvider(page, providerUsers.member);
  await expect(page.getByRole('heading', { name: 'My tokens' })).toBeVisible();

  // The server refuses the session from now on (as after the provider
  // withdrew its key): the next request answers UNAUTHENTICATED.
  await page.route(`${base}/query`, (route) =>
    route.fulfill({
      status: 401,
      contentType: 'application/json',
      body: JSON.stringify({ errors: [{ message: 'unauthenticated', extensions: { code: 'UNAUTHENTICATED' } }] }),
    }),
  );
  await page.reload();
  await expect(page.getByText('Your session token was not accepted. Sign in again.')).toBeVisible();
  await expect(page.getByRole('button', { name: signInButton })).toBeVisible();
  expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
});
