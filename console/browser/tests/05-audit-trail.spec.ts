// The audit trail (admins): who created or revoked which token, and how,
// newest first, filtered by action.

import { createToken, revokeTokens } from './support/api';
import { expect, test } from './support/fixtures';

test('admin reads the audit trail and filters it by action', async ({ page, signIn, checkA11y, capture }) => {
  const token = await createToken('member', 'Audit trail probe');
  await revokeTokens('admin', [token.id]);
  await signIn('admin');
  await page.getByRole('tab', { name: 'Audit trail' }).click();
  await expect(page.getByRole('tab', { name: 'Audit trail' })).toHaveAttribute('aria-selected', 'true');
  const table = page.getByRole('table', { name: 'Audit events, newest first' });
  const rows = table.getByTestId('audit-row');

  // Newest first: the admin's revocation, then the member's creation.
  const [revoked, created] = [rows.nth(0), rows.nth(1)];
  await expect(revoked.getByRole('rowheader')).toHaveText('Revoked a token');
  await expect(revoked).toContainText(`${token.name} ${token.hint}`);
  await expect(revoked).toContainText('Demo Admin');
  await expect(revoked).toContainText('Revoked by an admin');
  await expect(created.getByRole('rowheader')).toHaveText('Created a token');
  await expect(created).toContainText(token.name);
  await expect(created).toContainText('Demo Member');
  await capture('audit-trail.png');
  await checkA11y('audit trail');

  await page.getByRole('combobox', { name: 'Action' }).selectOption({ label: 'Created a token' });
  await expect(rows.first()).toContainText(token.name);
  await expect(rows.getByRole('rowheader').filter({ hasNotText: 'Created a token' })).toHaveCount(0);
  await expect(rows.first().getByRole('rowheader')).toHaveText('Created a token');
});
