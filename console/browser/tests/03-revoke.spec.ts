// Flows 3 and 4: the admin revokes ticked tokens after a confirmation that
// names them, and revokes leaked tokens by their values, found in pasted
// text or in files (dropped or chosen), which the page never shows again.

import type { Locator, Page } from '@playwright/test';
import { createToken, demoUsers, listTokens, revokeTokens } from './support/api';
import type { CreatedToken } from './support/api';
import { expect, placesHolding, test, tokenNames } from './support/fixtures';
import { unknownTokenValue } from './support/tokenValues';

const tableName = 'Personal access tokens of the organization';
const memberLabel = `${demoUsers.member.name} (${demoUsers.member.email})`;
const adminLabel = `${demoUsers.admin.name} (${demoUsers.admin.email})`;
const resultsName = 'Result for each token found';

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

test('admin revokes the tokens found in a pasted log; unknown values show only their position', async ({
  page,
  signIn,
  checkA11y,
  capture,
}) => {
  const active = [await createToken('member', 'Pasted log deploy'), await createToken('admin', 'Pasted log cache')];
  const old = await createToken('member', 'Pasted log old');
  await revokeTokens('member', [old.id]);
  const unknown = unknownTokenValue(); // well-formed, but no token of the organization
  const [deploy, cache] = active as [CreatedToken, CreatedToken];
  const log = [
    '2026-11-27T10:00:01.120Z ##[group]Run ./deploy.sh production',
    `2026-11-27T10:00:01.344Z + export PATS_TOKEN=${deploy.token}`,
    `2026-11-27T10:00:02.018Z + curl -fsS -H "Authorization: Bearer ${cache.token}" https://pats.example.com/query`,
    `2026-11-27T10:00:02.907Z {"previous":"${old.token}","fallback":"${unknown}","retries":3}`,
    `2026-11-27T10:00:03.511Z retrying with PATS_TOKEN=${deploy.token}`,
    `2026-11-27T10:00:04.002Z cut off: ${cache.token.slice(0, -3)} longer: ${deploy.token}x junk: opat_notatoken`,
    '2026-11-27T10:00:04.750Z ##[error]Process completed with exit code 22.',
  ].join('\n');
  const values = [...active.map((t) => t.token), old.token, unknown];

  await signIn('admin');
  const total = (await listTokens(null, { field: 'CREATED_AT', direction: 'DESC' })).totalCount;
  await expect(page.getByText(`${total} tokens found`)).toBeVisible();
  await page.getByRole('button', { name: 'Revoke tokens' }).click();
  const { dialog, text, found, outcome } = revokeDialog(page);
  await expect(text).toBeFocused();
  await checkA11y('revoke-tokens dialog');

  // Nothing to revoke: explained beside a disabled button.
  await text.fill('deploy failed; token=opat_… (see the vault)');
  await expect(found).toHaveText(
    'Found no tokens: nothing there is a token of this service, so there is nothing to revoke.',
  );
  const revokeNone = dialog.getByRole('button', { name: 'Revoke', exact: true });
  await expect(revokeNone).toBeDisabled();
  await expect(revokeNone).toHaveAccessibleDescription(/^Found no tokens/);
  await revokeNone.click({ force: true });
  await expect(outcome).toHaveText(/^Found no tokens/);

  await text.fill(log);
  await expect(found).toHaveText(
    'Found 4 tokens. A repeated copy is counted once. ' +
      '3 more values start with opat_ but are not tokens (cut off, mistyped or longer); they are not sent.',
  );
  const revoke = dialog.getByRole('button', { name: 'Revoke 4 tokens' });
  await expect(revoke).toBeEnabled();
  await checkA11y('revoke-tokens dialog with pasted text');

  const sent = page.waitForRequest(
    (r) => r.url().endsWith('/query') && (r.postData() ?? '').includes('revokeTokensByValue'),
  );
  await revoke.click();
  const request = await sent;
  expect((request.postDataJSON() as { variables: { tokens: string[] } }).variables.tokens, 'each value once').toEqual(
    values,
  );
  await expect(outcome).toHaveText('Revoked 2 tokens; 1 was already revoked; 1 was not found.');
  await expect(text).toHaveValue('');
  await expect(text).toBeFocused();

  const rows = dialog.getByRole('table', { name: resultsName }).getByRole('row');
  await expect(rows).toHaveCount(5);
  await expectResult(rows.nth(1), '1', [deploy.hint, demoUsers.member.name, deploy.name, 'Revoked']);
  await expectResult(rows.nth(2), '2', [cache.hint, demoUsers.admin.name, cache.name, 'Revoked']);
  await expectResult(rows.nth(3), '3', [old.hint, demoUsers.member.name, old.name, 'Already revoked']);
  await expectResult(rows.nth(4), '4', ['', '', '', 'Not found']);
  await expect(rows.nth(4), 'the position and the outcome, nothing else').toHaveText(/^\s*4\s*Not found\s*$/);
  await expect(rows.nth(2)).toContainText(demoUsers.admin.email);
  await expect(page.getByText(`${total - 2} tokens found`), 'the list behind reloads').toBeVisible();
  await capture('revoke-token.png');
  await checkA11y('revoke-tokens dialog with results');
  for (const value of values) expect(await placesHolding(page, value)).toEqual([]);

  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toBeHidden();
  await page.getByRole('searchbox', { name: 'Search' }).fill('Pasted log');
  await expect(page.getByText('No tokens match these filters.')).toBeVisible();
  const revoked = await listTokens({ search: 'Pasted log', status: ['REVOKED'] }, { field: 'NAME', direction: 'ASC' });
  expect(revoked.names).toEqual([cache.name, deploy.name, old.name]);
  for (const value of values) expect(await placesHolding(page, value)).toEqual([]);
});

test('admin revokes the tokens of dropped and chosen files; more than 1000 are refused; errors are shown', async ({
  page,
  signIn,
  checkA11y,
}) => {
  const [first, second, third] = [
    await createToken('member', 'Leaked file alpha'),
    await createToken('member', 'Leaked file bravo'),
    await createToken('admin', 'Leaked file charlie'),
  ] as [CreatedToken, CreatedToken, CreatedToken];
  await signIn('admin');
  await page.getByRole('button', { name: 'Revoke tokens' }).click();
  const { dialog, text, found, outcome, file } = revokeDialog(page);

  // A dropped file: its values are read, not shown in the text field.
  const log = `step 1\nPATS_TOKEN=${first.token}\nstep 2\n{"token": "${second.token}"}\n`;
  const dataTransfer = await page.evaluateHandle((content) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([content], 'ci.log', { type: 'text/plain' }));
    return transfer;
  }, log);
  await text.dispatchEvent('dragenter', { dataTransfer });
  await text.dispatchEvent('dragover', { dataTransfer });
  await text.dispatchEvent('drop', { dataTransfer });
  await dataTransfer.dispose();
  await expect(found).toHaveText('Found 2 tokens in ci.log.');
  await expect(text).toHaveValue('');
  await dialog.getByRole('button', { name: 'Revoke 2 tokens' }).click();
  await expect(outcome).toHaveText('Revoked 2 tokens.');
  const rows = dialog.getByRole('table', { name: resultsName }).getByRole('row');
  await expectResult(rows.nth(1), '1', [first.hint, demoUsers.member.name, first.name, 'Revoked']);
  await expectResult(rows.nth(2), '2', [second.hint, demoUsers.member.name, second.name, 'Revoked']);

  // A chosen file; one of its values is already revoked. A rate limit first.
  const env = `# leaked .env\nFIRST=${first.token}\nexport THIRD="${third.token}"\n`;
  const choose = () =>
    file.setInputFiles({ name: 'leak.env', mimeType: 'text/plain', buffer: Buffer.from(env, 'utf8') });
  await choose();
  await expect(found).toHaveText('Found 2 tokens in leak.env.');
  await page.route('**/query', (route) =>
    route.request().postData()?.includes('revokeTokensByValue')
      ? route.fulfill({
          json: { errors: [{ message: 'too many', extensions: { code: 'RATE_LIMITED', retryAfter: 42 } }] },
        })
      : route.fallback(),
  );
  await dialog.getByRole('button', { name: 'Revoke 2 tokens' }).click();
  await expect(outcome).toHaveText(
    'Too many attempts; try again in 42 seconds. The text was cleared: paste it or choose the file again to retry.',
  );
  await expect(outcome).toHaveClass(/message-error/);
  await expect(file).toHaveValue('');
  await checkA11y('revoke-tokens dialog with an error');
  await page.unroute('**/query');

  await choose();
  await dialog.getByRole('button', { name: 'Revoke 2 tokens' }).click();
  await expect(outcome).toHaveText('Revoked 1 token; 1 was already revoked.');
  await expectResult(rows.nth(1), '1', [first.hint, demoUsers.member.name, first.name, 'Already revoked']);
  await expectResult(rows.nth(2), '2', [third.hint, demoUsers.admin.name, third.name, 'Revoked']);
  for (const value of [first.token, second.token, third.token]) expect(await placesHolding(page, value)).toEqual([]);

  // Typing replaces the file as the source.
  await choose();
  await text.fill(`only this one: ${second.token}`);
  await expect(found).toHaveText('Found 1 token.');
  await expect(file).toHaveValue('');

  // More than one call takes: refused, with the way out.
  const many = Array.from({ length: 1001 }, () => unknownTokenValue());
  await text.fill(many.join('\n'));
  await expect(found).toHaveText(
    'Found 1001 tokens: more than the 1000 one revocation takes, so none is revoked from here. ' +
      'Split the text into parts of at most 1000 tokens and revoke them a minute apart (each admin may revoke 1000 a minute by default).',
  );
  await expect(dialog.getByRole('button', { name: 'Revoke', exact: true })).toBeDisabled();
  await text.fill('');

  const revoked = await listTokens({ search: 'Leaked file', status: ['REVOKED'] }, { field: 'NAME', direction: 'ASC' });
  expect(revoked.names).toEqual([first.name, second.name, third.name]);
});

function revokeDialog(page: Page) {
  const dialog = page.getByRole('dialog', { name: 'Revoke tokens' });
  const statuses = dialog.getByRole('status');
  return {
    dialog,
    text: dialog.getByRole('textbox', { name: 'Text that holds the tokens' }),
    file: dialog.getByLabel('Or choose text files'),
    // The first live line says what was found, the second what happened.
    found: statuses.nth(0),
    outcome: statuses.nth(1),
  };
}

/** A result row: its position (the row header), then hint, owner, name and outcome. */
async function expectResult(row: Locator, position: string, cells: string[]) {
  await expect(row.getByRole('rowheader')).toHaveText(position);
  await expect(row.getByRole('cell')).toHaveText(cells.map((c) => (c === '' ? /^$/ : new RegExp(literal(c)))));
}

function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
