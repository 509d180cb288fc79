// Flow 12: rotation and the e-mails to token owners. A member rotates a
// token on My tokens: a confirmation says what happens (same name and
// scopes, the old token stops at once, an expiry like a new token's), the
// new secret is shown once, then both tokens show their lineage ("Rotated
// from", "Replaced by", revoked by rotation). The server's refusals come
// from made-up answers (reuse of a rotated token, a refused expiry, tokens
// disabled). An admin revokes a member's token through the API; the
// server's delivery worker (every second) writes the member an e-mail,
// KEPT because the servers run without PATS_SMTP_URL: the Notifications
// page shows it once refreshed, its plain text as text, and pages with
// Load more.

import type { Page } from '@playwright/test';
import { createToken, demoUsers, emailNotifications, revokeTokens, tokensMatching } from './support/api';
import { expect, placesHolding, test } from './support/fixtures';

const onceWarning = 'Copy the token now: it will not be shown again.';

test('member rotates a token: the new secret once, the old one revoked, the lineage on both', async ({
  page,
  signIn,
  checkA11y,
  capture,
}) => {
  const name = 'Nightly export';
  const old = await createToken('member', name, ['OR.Jobs.Read', 'OR.Assets.Read']);
  let newId: string | undefined;
  try {
    await signIn('member');
    const table = page.getByRole('table', { name: 'Your personal access tokens' });
    const oldRow = table.locator(`[data-token-id="${old.id}"]`);
    await expect(oldRow.getByRole('button', { name: `Revoke ${name}` })).toBeVisible();
    await oldRow.getByRole('button', { name: `Rotate ${name}` }).click();

    const confirm = page.getByRole('dialog', { name: 'Rotate token?' });
    await expect(confirm).toContainText(
      `A new token named ${name} with the same scopes replaces ${old.hint}, which stops working at once.`,
    );
    for (const scope of ['OR.Jobs.Read', 'OR.Assets.Read']) {
      await expect(confirm.getByRole('listitem').filter({ hasText: scope })).toBeVisible();
    }
    const expiry = confirm.getByLabel('Expiration date of the new token');
    await expect(expiry).not.toHaveValue(''); // the default: the longest allowed
    await expect(expiry).toHaveAccessibleDescription(/^The new token expires at the end of that day, your time\./);
    await capture('rotate-token.png');
    await checkA11y('rotate-token dialog');
    await confirm.getByRole('button', { name: 'Rotate token' }).click();

    // The new secret, once, as at creation.
    const shown = page.getByRole('dialog', { name: 'Token rotated' });
    await expect(shown).toBeVisible();
    await expect(confirm).toBeHidden();
    const field = shown.getByRole('textbox', { name: 'Your new token' });
    const secret = await field.inputValue();
    expect(secret).toMatch(/^opat_[0-9A-Za-z]{49}$/);
    expect(secret).not.toBe(old.token);
    await expect(field).toHaveAttribute('readonly', '');
    await expect(shown.getByText(onceWarning)).toBeVisible();
    await expect(field).toHaveAccessibleDescription(onceWarning);
    await expect(shown.getByRole('button', { name: 'Copy' })).toBeFocused();
    await expect(shown).toContainText(`Your new token ${name} expires`);
    await expect(shown).toContainText(`It replaces ${old.hint}, which no longer works.`);
    expect(await placesHolding(page, secret), 'only in the dialog field').toEqual([
      `value of ${await field.getAttribute('id')}`,
    ]);
    await capture('rotated-token.png', { mask: [field], maskColor: '#d0d7de' });
    await checkA11y('token-rotated dialog');
    await shown.getByRole('button', { name: 'Done' }).click();
    await expect(shown).toBeHidden();
    await expect(page.getByRole('status').getByText(`Token “${name}” rotated.`)).toBeVisible();
    expect(await placesHolding(page, secret), 'the secret is gone once the dialog closes').toEqual([]);

    // The server's view: the old token revoked by rotation, replaced by
    // an active one with the same name and scopes.
    const lineage = await tokensMatching('member', name);
    const replaced = lineage.find((t) => t.id === old.id);
    expect(replaced).toMatchObject({ status: 'REVOKED', revocationSource: 'ROTATED' });
    newId = replaced?.rotatedTo?.id;
    const successor = lineage.find((t) => t.id === newId);
    expect(successor).toMatchObject({
      name,
      hint: `opat_…${secret.slice(-4)}`,
      status: 'ACTIVE',
      revocationSource: null,
      rotatedFrom: { id: old.id },
    });
    expect([...(successor?.scopes ?? [])].sort()).toEqual(['OR.Assets.Read', 'OR.Jobs.Read']);

    // The list: the new token says where it comes from; the old one left
    // the default statuses.
    const newRow = table.locator(`[data-token-id="${newId}"]`);
    await expect(newRow).toContainText(`opat_…${secret.slice(-4)}`);
    await expect(newRow).toContainText(`Rotated from ${old.hint}, created`);
    await expect(newRow.getByRole('button', { name: `Rotate ${name}` })).toBeVisible();
    await expect(oldRow).toHaveCount(0);

    // With the revoked tokens: revoked by rotation, replaced by the new one.
    await page.getByRole('checkbox', { name: 'Revoked', exact: true }).check();
    await expect(oldRow).toContainText('Revoked');
    await expect(oldRow.getByText('Rotated', { exact: true })).toBeVisible();
    await expect(oldRow).toContainText(`Replaced by opat_…${secret.slice(-4)}`);
    await expect(oldRow.getByRole('button')).toHaveCount(0);
    await checkA11y('my tokens with a rotated token');
    await page.evaluate(() => window.scrollTo(0, 0));
    await capture('my-tokens-rotated.png');
  } finally {
    await revokeTokens('member', newId ? [newId] : [old.id]);
  }
});

test('a refused rotation is explained: reuse of a rotated token, a refused expiry, tokens disabled', async ({
  page,
  signIn,
  checkA11y,
}) => {
  const name = 'Refused rotation';
  const token = await createToken('member', name);
  try {
    const latestAllowed = new Date(Date.now() + 86_400_000).toISOString();
    // As rotatePersonalAccessToken answers (internal/pat/rotation.go).
    const refusals = [
      {
        message:
          'this token was already rotated: using it again looks like a leak, so the 1 active token(s) that replaced it were revoked',
        path: ['rotatePersonalAccessToken'],
        extensions: { code: 'BAD_USER_INPUT', field: 'id', revoked: 1 },
      },
      {
        message: 'expiresAt is past the maximum lifespan',
        path: ['rotatePersonalAccessToken'],
        extensions: { code: 'BAD_USER_INPUT', field: 'expiresAt', latestAllowed },
      },
      {
        message: 'personal access tokens are disabled for this organization',
        path: ['rotatePersonalAccessToken'],
        extensions: { code: 'PAT_DISABLED' },
      },
    ];
    await page.route('**/query', (route) =>
      route.request().postData()?.includes('rotatePersonalAccessToken')
        ? route.fulfill({ json: { data: null, errors: [refusals.shift()] } })
        : route.fallback(),
    );
    await signIn('member');
    const row = page.locator(`[data-token-id="${token.id}"]`);
    await row.getByRole('button', { name: `Rotate ${name}` }).click();
    const confirm = page.getByRole('dialog', { name: 'Rotate token?' });
    const rotate = confirm.getByRole('button', { name: 'Rotate token' });
    const expiry = confirm.getByLabel('Expiration date of the new token');

    await rotate.click();
    await expect(confirm.getByRole('alert')).toHaveText(
      'This token was already rotated. Using it again looks like a leak of its value, so the 1 token that replaced it was revoked too. Generate a new token, and check where the old value was copied.',
    );
    await checkA11y('rotate-token dialog, reuse refused');

    await rotate.click();
    await expect(expiry).toHaveAttribute('aria-invalid', 'true');
    await expect(expiry).toHaveAccessibleDescription(
      /^Choose a date no later than .+, the longest lifespan allowed\. The new token expires/,
    );
    await expect(expiry).toBeFocused();
    await expect(confirm.getByRole('alert')).toHaveCount(0);

    await rotate.click();
    await expect(confirm.getByRole('alert')).toHaveText(
      'Personal access tokens are disabled for your organization: no token can be rotated until an admin enables them again.',
    );
    await expect(expiry).not.toHaveAttribute('aria-invalid');
    await page.unroute('**/query');
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await expect(confirm).toBeHidden();
    await expect(row.getByRole('button', { name: `Rotate ${name}` })).toBeFocused();
    expect((await tokensMatching('member', name)).map((t) => [t.id, t.status])).toEqual([[token.id, 'ACTIVE']]);
  } finally {
    await revokeTokens('member', [token.id]);
  }
});

async function openNotifications(page: Page): Promise<void> {
  await page.getByRole('tab', { name: 'Notifications' }).click();
  await expect(page.getByRole('heading', { name: 'Notifications', level: 2 })).toBeVisible();
}

const revokedSubject = (name: string) => `Your token "${name}" was revoked`;

test('admin finds the e-mail a revocation wrote to the member, kept without SMTP, reads its text, loads more', async ({
  page,
  signIn,
  checkA11y,
  capture,
}) => {
  const name = 'Mail probe <b>bold</b>';
  const probe = await createToken('member', name);
  await revokeTokens('admin', [probe.id]);

  await signIn('admin');
  await openNotifications(page);
  await expect(page.getByText('without PATS_SMTP_URL the mails are only kept here')).toBeVisible();
  await expect(page.getByText('This server runs in development mode')).toBeVisible();
  const table = page.getByRole('table', { name: 'E-mails to token owners, newest first' });
  const rows = table.getByTestId('notification-row');
  const subject = revokedSubject(name);
  const row = rows.filter({ hasText: subject });
  // The delivery worker writes the mail within seconds of the revocation.
  const refresh = page.getByRole('button', { name: 'Refresh' });
  await expect(async () => {
    await refresh.click();
    await expect(row).toHaveCount(1, { timeout: 1_000 });
  }).toPass({ timeout: 20_000 });

  await expect(row.getByRole('rowheader')).toContainText('Token revoked');
  const cells = row.getByRole('cell');
  await expect(cells.nth(0)).toContainText(demoUsers.member.email); // to
  await expect(cells.nth(1).getByText('Kept', { exact: true })).toBeVisible();
  await expect(cells.nth(1)).toContainText('not sent: no SMTP server configured (development)');
  await expect(cells.nth(3)).toHaveText('0'); // attempts: none made
  await expect(cells.nth(4)).toHaveText('—'); // no error

  // The plain text, as text: the token's name with its markup shown, not applied.
  const show = row.getByRole('button', { name: `Show text of ${subject}` });
  await expect(show).toHaveAttribute('aria-expanded', 'false');
  await show.click();
  const hide = row.getByRole('button', { name: `Hide text of ${subject}` });
  await expect(hide).toHaveAttribute('aria-expanded', 'true');
  const text = page.getByRole('region', { name: `Text of ${subject}` });
  await expect(hide).toHaveAttribute('aria-controls', (await text.getAttribute('id')) ?? 'the text');
  await expect(text).toContainText(`Hello ${demoUsers.member.name},`);
  await expect(text).toContainText(`Your personal access token "${name}" was revoked and no longer works.`);
  await expect(text).toContainText(`Token:        ${name}`);
  await expect(text).toContainText(`Token ID:     ${probe.id}`);
  await expect(text.locator('b')).toHaveCount(0);
  expect(await text.textContent()).not.toContain(probe.token);
  await checkA11y('notifications with a text open');
  await capture('notifications.png');
  await hide.click();
  await expect(text).toHaveCount(0);
  await expect(show).toBeFocused();

  // 20 newer mails fill the first page; the probe's is on the next.
  const fillers = [];
  for (let i = 1; i <= 20; i++) fillers.push(await createToken('member', `Mail filler ${String(i).padStart(2, '0')}`));
  await revokeTokens(
    'admin',
    fillers.map((t) => t.id),
  );
  const fillerSubjects = new Set(fillers.map((t) => revokedSubject(t.name)));
  await expect
    .poll(async () => (await emailNotifications()).filter((m) => fillerSubjects.has(m.subject)).length, {
      timeout: 20_000,
    })
    .toBe(20);
  await refresh.click();
  await expect(rows.filter({ hasText: 'Mail filler' })).toHaveCount(20);
  await expect(rows).toHaveCount(20);
  await expect(row).toHaveCount(0);

  const lastShown = await rows.last().getAttribute('data-notification-id');
  const asked = page.waitForRequest(
    (r) => r.url().endsWith('/query') && !!r.postData()?.includes('emailNotifications'),
  );
  await page.getByRole('button', { name: 'Load more' }).click();
  const { variables } = (await asked).postDataJSON() as { variables: { after?: string; first?: number } };
  expect(variables).toMatchObject({ after: lastShown, first: 20 });
  await expect(row).toHaveCount(1);
  await expect(rows.nth(20)).toContainText(subject);
  await checkA11y('notifications, two pages');
});
