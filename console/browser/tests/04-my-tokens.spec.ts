// Flows 5 and 6: a member generates a token and sees its secret exactly
// once, then revokes it; a directory user is told why they cannot create
// tokens. Also the sign-in page itself.

import { demoUsers } from './support/api';
import { expect, placesHolding, test, tokenNames } from './support/fixtures';

test('the sign-in page offers the demo identities', async ({ page, checkA11y }) => {
  await page.goto('/admin/');
  await expect(page.getByRole('heading', { name: 'Development sign-in' })).toBeVisible();
  for (const role of ['admin', 'member', 'directory user']) {
    await expect(page.getByRole('button', { name: `Sign in as demo ${role}` })).toBeEnabled();
  }
  await expect(page.getByLabel('Session token')).toHaveAttribute('type', 'password');
  await checkA11y('sign-in');
});

test('member generates a token, sees the secret once, and revokes it', async ({ page, signIn, checkA11y, capture }) => {
  const name = 'Docs deploy key';
  await signIn('member');
  await expect(page.getByRole('heading', { name: 'My tokens' })).toBeVisible();
  await expect(page.getByRole('tab')).toHaveCount(0); // members get no admin tabs
  const table = page.getByRole('table', { name: 'Your personal access tokens' });
  await expect(tokenNames(table).first()).toBeVisible();
  await capture('my-tokens.png');
  await checkA11y('my tokens');

  await page.getByRole('button', { name: 'Generate new token' }).click();
  const form = page.getByRole('dialog', { name: 'Generate new token' });
  await form.getByRole('textbox', { name: 'Name' }).fill(name);
  await form.getByRole('checkbox', { name: 'OR.Jobs.Read', exact: true }).check();
  const expiry = form.getByLabel('Expiration date');
  await expect(expiry).not.toHaveValue(''); // the default: the longest allowed
  await checkA11y('generate dialog');
  await form.getByRole('button', { name: 'Generate token' }).click();

  const shown = page.getByRole('dialog', { name: 'Generated token' });
  await expect(shown).toBeVisible();
  await expect(form).toBeHidden();
  const field = shown.getByRole('textbox', { name: 'Your new token' });
  const secret = await field.inputValue();
  expect(secret).toMatch(/^opat_[0-9A-Za-z]{49}$/);
  await expect(field).toHaveAttribute('readonly', '');
  await expect(shown.getByText('Copy the token now: it will not be shown again.')).toBeVisible();
  await expect(field).toHaveAccessibleDescription('Copy the token now: it will not be shown again.');
  await expect(shown.getByRole('button', { name: 'Copy' })).toBeFocused();
  await expect(shown).toContainText(`Your new token ${name} expires`);
  expect(await placesHolding(page, secret), 'only in the dialog field').toEqual([
    `value of ${await field.getAttribute('id')}`,
  ]);
  // The secret is masked: no token-like string in the committed image.
  await capture('generated-token.png', { mask: [field], maskColor: '#d0d7de' });
  await checkA11y('generated-token dialog');

  await shown.getByRole('button', { name: 'Done' }).click();
  await expect(shown).toBeHidden();
  await expect(page.getByRole('status').getByText(`Token “${name}” generated.`)).toBeVisible();
  const row = table.getByTestId('token-row').filter({ hasText: name });
  await expect(row).toContainText(`opat_…${secret.slice(-4)}`);
  await expect(row).toContainText('OR.Jobs.Read');
  expect(await placesHolding(page, secret), 'the secret is gone once the dialog closes').toEqual([]);
  expect(
    await page.evaluate(() =>
      [localStorage, sessionStorage].flatMap((s) => Object.keys(s).map((k) => `${k}=${s.getItem(k)}`)),
    ),
  ).not.toContainEqual(expect.stringContaining('opat_'));

  await row.getByRole('button', { name: `Revoke ${name}` }).click();
  const confirm = page.getByRole('dialog', { name: 'Revoke 1 token?' });
  await expect(confirm).toContainText(name);
  await confirm.getByRole('button', { name: 'Revoke 1 token' }).click();
  await expect(confirm).toBeHidden();
  await expect(page.getByRole('status').getByText(`Revoked 1 token: “${name}”.`)).toBeVisible();
  await expect(row).toHaveCount(0);
  expect(await placesHolding(page, secret)).toEqual([]);
});

test('a directory user sees why they cannot create tokens', async ({ page, signIn, checkA11y, capture }) => {
  await signIn('directory');
  await expect(page.getByRole('heading', { name: 'My tokens' })).toBeVisible();
  await expect(page.getByText(demoUsers.directory.email)).toBeVisible();
  await expect(page.getByText('Directory account', { exact: true })).toBeVisible();
  await expect(
    page.getByText(
      'You cannot create personal access tokens: you signed in with a directory account, and only users with a local account can create them.',
    ),
  ).toBeVisible();
  await expect(page.getByRole('button', { name: 'Generate new token' })).toHaveCount(0);
  await expect(page.getByText('You have no tokens with these statuses.')).toBeVisible();
  await capture('directory-user.png');
  await checkA11y('directory user');
});
