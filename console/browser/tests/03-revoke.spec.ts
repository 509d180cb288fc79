// Flows 3 and 4: the admin revokes ticked tokens after a confirmation that
// names them, and revokes a leaked token by its pasted value, which the
// page never shows again.

import { randomBytes } from 'node:crypto';
import { createToken, demoUsers, listTokens } from './support/api';
import { expect, placesHolding, test, tokenNames } from './support/fixtures';

const tableName = 'Personal access tokens of the organization';
const memberLabel = `${demoUsers.member.name} (${demoUsers.member.email})`;
const adminLabel = `${demoUsers.admin.name} (${demoUsers.admin.email})`;

test('admin revokes selected tokens through the confirmation dialog', async ({ page, signIn, checkA11y, capture }) => {
  const retired = [
    await createToken('member', 'Retired runner alpha'),
    await createToken('member', 'Retired runner bravo'),
    await createToken('admin', 'Retired runner charlie'),
  ];
  const kept = await createToken('member', 'Retired runner delta (kept)');
  await signIn('admin');
  const table = page.getByRole('table', { name: tableName });
  const names = tokenNames(table);
  await page.getByRole('searchbox', { name: 'Search' }).fill('Retired runner');
  await expect(names).toHaveCount(4);

  for (const token of retired) await table.getByRole('checkbox', { name: `Select ${token.name}` }).check();
  await expect(page.getByText('3 selected')).toBeVisible();
  await page.getByRole('button', { name: 'Revoke', exact: true }).click();

  const dialog = page.getByRole('dialog', { name: 'Revoke 3 tokens?' });
  await expect(dialog).toBeVisible();
  const items = dialog.getByRole('listitem');
  await expect(items).toHaveCount(3);
  for (const [i, token] of retired.entries()) {
    const item = items.filter({ hasText: token.name });
    await expect(item).toContainText(token.hint);
    await expect(item).toContainText(i < 2 ? memberLabel : adminLabel);
  }
  await expect(dialog).not.toContainText(kept.name);
  await capture('revoke-confirmation.png');
  await checkA11y('revoke confirmation');

  await dialog.getByRole('button', { name: 'Revoke 3 tokens' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('status').getByText('Revoked 3 tokens.')).toBeVisible();
  await expect(names).toHaveText([kept.name]);
  await expect(page.getByText('1 token found')).toBeVisible();

  const revoked = await listTokens(
    { search: 'Retired runner', status: ['REVOKED'] },
    { field: 'NAME', direction: 'ASC' },
  );
  expect(revoked.names).toEqual(retired.map((t) => t.name));
});

test('admin revokes a token by its pasted value, and an unknown value is not found', async ({
  page,
  signIn,
  checkA11y,
  capture,
}) => {
  const leaked = await createToken('member', 'Leaked CI token');
  // Well-formed, but no token of the organization.
  const unknown = `opat_${randomBytes(48).toString('base64url').replace(/[-_]/g, 'x').slice(0, 49)}`;
  await signIn('admin');
  const total = (await listTokens(null, { field: 'CREATED_AT', direction: 'DESC' })).totalCount;
  await expect(page.getByText(`${total} tokens found`)).toBeVisible();

  await page.getByRole('button', { name: 'Revoke token' }).click();
  const dialog = page.getByRole('dialog', { name: 'Revoke a token by its value' });
  const field = dialog.getByLabel('Token value');
  const revoke = dialog.getByRole('button', { name: 'Revoke', exact: true });
  const outcome = dialog.getByRole('status');
  await expect(field).toHaveAttribute('type', 'password');
  await checkA11y('revoke-token dialog');

  await field.fill(leaked.token);
  await revoke.click();
  await expect(outcome).toHaveText(`Revoked the token “${leaked.name}” of ${memberLabel}.`);
  await expect(field).toHaveValue('');
  await expect(field).toBeFocused();
  await expect(page.getByText(`${total - 1} tokens found`), 'the list behind reloads').toBeVisible();
  await capture('revoke-token.png');

  // The same value again: already revoked.
  await field.fill(leaked.token);
  await revoke.click();
  await expect(outcome).toHaveText(`The token “${leaked.name}” of ${memberLabel} was already revoked.`);

  await field.fill(unknown);
  await revoke.click();
  await expect(outcome).toHaveText('Token not found: no token of your organization has that value.');
  await expect(field).toHaveValue('');
  await checkA11y('revoke-token dialog after "not found"');

  for (const value of [leaked.token, unknown]) expect(await placesHolding(page, value)).toEqual([]);

  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toBeHidden();
  await page.getByRole('searchbox', { name: 'Search' }).fill(leaked.name);
  await expect(page.getByText('No tokens match these filters.')).toBeVisible();
  for (const value of [leaked.token, unknown]) expect(await placesHolding(page, value)).toEqual([]);
});
