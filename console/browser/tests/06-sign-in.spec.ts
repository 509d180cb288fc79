// Signing in the production way: the host application hands the session
// over in the URL fragment, or the user pastes it; expired, rejected and
// malformed credentials lead back to sign-in with a sentence.

import { devSession } from './support/api';
import { expect, test } from './support/fixtures';

/** A JWT-shaped credential with the given claims and a signature the server rejects. */
function unsignedToken(claims: Record<string, unknown>): string {
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}.${Buffer.from('not the signature').toString('base64url')}`;
}

const claims = (expiresIn: number) => ({
  sub: 'demo-admin',
  org: 'demo-org',
  role: 'admin',
  name: 'Demo Admin',
  email: 'admin@demo.example',
  account_type: 'local',
  exp: Math.floor(Date.now() / 1000) + expiresIn,
});

test('the host hands the session over in the URL fragment, which leaves the address bar', async ({ page }) => {
  const token = await devSession('admin');
  await page.goto(`/admin/#access_token=${token}`);
  await expect(page.getByRole('tab', { name: 'Personal Access Tokens' })).toBeVisible();
  expect(page.url()).not.toContain('access_token');
  expect(page.url()).not.toContain(token);
  // Only the session credential is kept, and only for the tab.
  expect(await page.evaluate(() => localStorage.length)).toBe(0);
  expect(await page.evaluate(() => Object.values(sessionStorage))).toEqual([token]);
});

test('a pasted session token signs in', async ({ page }) => {
  const token = await devSession('member');
  await page.goto('/admin/');
  await page.getByLabel('Session token').fill(token);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'My tokens' })).toBeVisible();
});

test('expired, rejected and malformed credentials lead back to sign-in with a sentence', async ({ page }) => {
  const cases = [
    { name: 'expired', handOver: unsignedToken(claims(-60)), message: 'Your session has expired. Sign in again.' },
    {
      name: 'rejected',
      handOver: unsignedToken(claims(3600)),
      message: 'Your session token was not accepted. Sign in again.',
    },
  ];
  for (const c of cases) {
    await page.goto('/admin/');
    await page.goto(`/admin/#access_token=${c.handOver}`);
    await expect(page.getByText(c.message), c.name).toBeVisible();
    await expect(page.getByLabel('Session token'), c.name).toBeVisible();
    await expect(page.getByRole('tab'), c.name).toHaveCount(0);
    expect(await page.evaluate(() => sessionStorage.length), c.name).toBe(0);
  }
  await page.getByLabel('Session token').fill('not-a-token');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(
    page.getByText('That is not a session token. Paste the whole token (three parts separated by dots).'),
  ).toBeVisible();
});
