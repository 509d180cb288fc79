// Flow 9: revocation by filter. "Revoke matching…" previews what the
// inventory's filters match (count, owners, the newest tokens), names the
// count on its button and revokes them all: within the call up to 1,000,
// in the background beyond, with a progress bar. "Revoke all of …’s
// tokens" does the same for one owner. A confirmation the server refuses
// leads to a new preview.
//
// The background job needs more tokens than the API lets a test create:
// `pats seed` adds them to a seed user while the server runs (the server
// revokes in chunks of 50 with 100 ms pauses, see support/server.ts). They
// are all revoked by the end, so later specs' lists (active and expired
// tokens) do not see them.

import type { Locator, Page } from '@playwright/test';
import {
  countTokens,
  createToken,
  demoUsers,
  listTokens,
  organizationUser,
  previewConfirmation,
  revokeTokens,
} from './support/api';
import { expect, test, tokenNames } from './support/fixtures';
import { seedTokens, seedUserId } from './support/seed';

const tableName = 'Personal access tokens of the organization';
const byName = { field: 'NAME', direction: 'ASC' } as const;
const grouped = new Intl.NumberFormat('en-US');

test('admin revokes the tokens a search matches, after a preview that names the count', async ({
  page,
  signIn,
  checkA11y,
  capture,
}) => {
  const targets = [
    await createToken('member', 'Sweep target alpha'),
    await createToken('member', 'Sweep target bravo'),
    await createToken('admin', 'Sweep target charlie'),
  ];
  const old = await createToken('member', 'Sweep target old');
  await revokeTokens('member', [old.id]);
  const kept = await createToken('member', 'Sweep keeper delta');
  await signIn('admin');
  const names = tokenNames(page.getByRole('table', { name: tableName }));
  await page.getByRole('searchbox', { name: 'Search' }).fill('Sweep target');
  await expect(names).toHaveCount(3);

  await page.getByRole('button', { name: 'Revoke matching…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Revoke matching tokens' });
  await expect(dialog.getByRole('status')).toHaveText('3 tokens of 2 owners match now.');
  await expect(dialog).toContainText(
    'Every active or expired token of any owner whose name, owner name or email contains “Sweep target”.',
  );
  await expect(dialog).toContainText('They stop working at once, and revocation is permanent.');
  const items = dialog.getByRole('list', { name: 'The tokens:' }).getByRole('listitem');
  await expect(items).toHaveCount(3);
  for (const token of targets) await expect(items.filter({ hasText: token.name })).toContainText(token.hint);
  await expect(items.filter({ hasText: 'Sweep target alpha' })).toContainText(demoUsers.member.email);
  await expect(items.filter({ hasText: 'Sweep target charlie' })).toContainText(demoUsers.admin.email);
  await expect(dialog).not.toContainText(old.name);
  await expect(dialog).not.toContainText(kept.name);
  await capture('revoke-matching-preview.png');
  await checkA11y('revoke-matching preview');

  await dialog.getByRole('button', { name: 'Revoke 3 tokens' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('status').getByText('Revoked 3 tokens.')).toBeVisible();
  await expect(page.getByText('No tokens match these filters.')).toBeVisible();

  const revoked = await listTokens({ search: 'Sweep', status: ['REVOKED'] }, byName);
  expect(revoked.names).toEqual([...targets.map((t) => t.name), old.name]);
  const active = await listTokens({ search: 'Sweep', status: ['ACTIVE'] }, byName);
  expect(active.names).toEqual([kept.name]);

  // Nothing matches any more: said so, and nothing to press but Close.
  await page.getByRole('button', { name: 'Revoke matching…' }).click();
  await expect(dialog.getByRole('status')).toHaveText('No token matches, so there is nothing to revoke.');
  await expect(dialog.getByRole('button', { name: /^Revoke/ })).toHaveCount(0);
  await checkA11y('revoke-matching preview with no match');
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toBeHidden();
});

test('admin revokes all of a user’s tokens from the owner filter, whatever the status filter says', async ({
  page,
  signIn,
  checkA11y,
}) => {
  // A seed user who holds tokens, some of them expired or revoked (the global setup's seed).
  const owner = await organizationUser(seedUserId(1));
  const revocable = await countTokens({ ownerIds: [owner.id], status: ['ACTIVE', 'EXPIRED'] });
  const before = await countTokens({ ownerIds: [owner.id], status: ['REVOKED'] });
  expect(revocable, `${owner.id} holds tokens to revoke`).toBeGreaterThan(0);
  const memberTokens = await countTokens({ ownerIds: [demoUsers.member.id] });

  await signIn('admin');
  const label = `${owner.name} (${owner.email})`;
  await page.getByRole('combobox', { name: 'Owner' }).selectOption({ label });
  await page.getByRole('checkbox', { name: 'Expired' }).uncheck();
  await page.getByRole('button', { name: `Revoke all of ${owner.name}’s tokens` }).click();

  const dialog = page.getByRole('dialog', { name: `Revoke all of ${owner.name}’s tokens` });
  const count = `${revocable} ${revocable === 1 ? 'token' : 'tokens'}`;
  await expect(dialog.getByRole('status')).toHaveText(
    `${count} of 1 owner ${revocable === 1 ? 'matches' : 'match'} now.`,
  );
  await expect(dialog).toContainText(`Every active or expired token of ${label}.`);
  await checkA11y('revoke-all-of-a-user preview');
  await dialog.getByRole('button', { name: `Revoke ${count}` }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('status').getByText(`Revoked ${count}.`)).toBeVisible();
  await expect(page.getByText('No tokens match these filters.')).toBeVisible();

  expect(await countTokens({ ownerIds: [owner.id], status: ['ACTIVE', 'EXPIRED'] })).toBe(0);
  expect(await countTokens({ ownerIds: [owner.id], status: ['REVOKED'] })).toBe(before + revocable);
  expect(await countTokens({ ownerIds: [demoUsers.member.id] }), 'other owners keep theirs').toBe(memberTokens);
});

test('a refused confirmation leads to a new preview, which revokes what matches now', async ({
  page,
  signIn,
  checkA11y,
}) => {
  const first = [await createToken('member', 'Stale preview alpha'), await createToken('admin', 'Stale preview bravo')];
  // A real confirmation, for another filter: the server refuses it as it
  // refuses an expired one (BAD_USER_INPUT on "confirmation").
  const foreign = await previewConfirmation({ search: 'Stale preview alpha' });
  await signIn('admin');
  await page.getByRole('searchbox', { name: 'Search' }).fill('Stale preview');
  await expect(tokenNames(page.getByRole('table', { name: tableName }))).toHaveCount(2);
  await page.getByRole('button', { name: 'Revoke matching…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Revoke matching tokens' });
  await expect(dialog.getByRole('status')).toHaveText('2 tokens of 2 owners match now.');

  await page.route('**/query', async (route) => {
    const body = route.request().postDataJSON() as { query: string; variables: Record<string, unknown> };
    if (!body.query.includes('revokeTokensMatching')) return route.fallback();
    await route.continue({
      postData: JSON.stringify({ ...body, variables: { ...body.variables, confirmation: foreign } }),
    });
  });
  await dialog.getByRole('button', { name: 'Revoke 2 tokens' }).click();
  await expect(dialog.getByRole('alert')).toHaveText(
    'This preview is no longer valid: it is more than 10 minutes old, or the filters changed since. Nothing was revoked. Preview again to see what matches now.',
  );
  const again = dialog.getByRole('button', { name: 'Preview again' });
  await expect(again).toBeFocused();
  await expect(dialog.getByRole('button', { name: 'Revoke 2 tokens' })).toHaveCount(0);
  await checkA11y('revoke-matching refused confirmation');
  await page.unroute('**/query');
  expect(await countTokens({ search: 'Stale preview', status: ['REVOKED'] }), 'nothing was revoked').toBe(0);

  // Meanwhile another token matches: the new preview counts it.
  const third = await createToken('member', 'Stale preview charlie');
  await again.click();
  await expect(dialog.getByRole('status')).toHaveText('3 tokens of 2 owners match now.');
  await expect(dialog.getByRole('alert')).toHaveCount(0);
  await dialog.getByRole('button', { name: 'Revoke 3 tokens' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('status').getByText('Revoked 3 tokens.')).toBeVisible();
  const revoked = await listTokens({ search: 'Stale preview', status: ['REVOKED'] }, byName);
  expect(revoked.names).toEqual([...first, third].map((t) => t.name));
});

test('closing the dialog leaves a background job running; a failed job says so and offers a new preview', async ({
  page,
  signIn,
  checkA11y,
}) => {
  // The real preview; the job's answers are the service's shapes, made up:
  // a job that fails cannot be caused from outside.
  await createToken('member', 'Failing job alpha');
  await createToken('admin', 'Failing job bravo');
  let pollState: 'RUNNING' | 'FAILED' = 'RUNNING';
  const job = (state: string, revoked: number) => ({
    id: '01JOBFORTHEBROWSERTEST0000',
    state,
    total: 2,
    revoked,
    finishedAt: null,
  });
  await page.route('**/query', async (route) => {
    const { query } = route.request().postDataJSON() as { query: string };
    if (query.includes('revokeTokensMatching')) {
      return route.fulfill({ json: { data: { revokeTokensMatching: job('RUNNING', 0) } } });
    }
    if (query.includes('revocationJob(')) {
      return route.fulfill({ json: { data: { revocationJob: job(pollState, 1) } } });
    }
    return route.fallback();
  });
  await signIn('admin');
  await page.getByRole('searchbox', { name: 'Search' }).fill('Failing job');
  const dialog = page.getByRole('dialog', { name: 'Revoke matching tokens' });
  const status = dialog.getByRole('status');

  await page.getByRole('button', { name: 'Revoke matching…' }).click();
  await dialog.getByRole('button', { name: 'Revoke 2 tokens' }).click();
  await expect(status).toHaveText('Revoking in the background…');
  await expect(dialog.getByText('1 of 2 tokens revoked')).toBeVisible();
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toBeHidden();
  await expect(
    page.getByRole('status').getByText('The revocation continues on the server: 1 of 2 tokens revoked so far.'),
  ).toBeVisible();

  pollState = 'FAILED';
  await page.getByRole('button', { name: 'Revoke matching…' }).click();
  await dialog.getByRole('button', { name: 'Revoke 2 tokens' }).click();
  await expect(status).toHaveText(
    'The revocation stopped after repeated failures: 1 of 2 tokens were revoked and stay revoked. Preview again to revoke the rest.',
  );
  await expect(dialog.getByRole('progressbar', { name: 'Revocation progress' })).toHaveAttribute('value', '1');
  await expect(dialog.getByText('You can close this window')).toHaveCount(0);
  await checkA11y('revoke-matching failed job');
  await page.unroute('**/query');
  await dialog.getByRole('button', { name: 'Preview again' }).click();
  await expect(status).toHaveText('2 tokens of 2 owners match now.');
  await expect(dialog.getByRole('button', { name: 'Revoke 2 tokens' })).toBeVisible();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
});

test('more than 1,000 tokens are revoked in the background, with a progress bar', async ({
  page,
  signIn,
  checkA11y,
  capture,
}) => {
  test.setTimeout(60_000);
  await seedTokens(1, 1500, 9); // all of them the first seed user's
  const owner = await organizationUser(seedUserId(0));
  const matching = await countTokens({ ownerIds: [owner.id], status: ['ACTIVE', 'EXPIRED'] });
  expect(matching, 'more than one call revokes').toBeGreaterThan(1000);
  const total = grouped.format(matching);

  await signIn('admin');
  await page.getByRole('combobox', { name: 'Owner' }).selectOption({ label: `${owner.name} (${owner.email})` });
  await page.getByRole('button', { name: 'Revoke matching…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Revoke matching tokens' });
  const status = dialog.getByRole('status');
  await expect(status).toHaveText(`${total} tokens of 1 owner match now.`);
  await expect(dialog).toContainText('More than 1,000 tokens are revoked in the background');
  await expect(dialog.getByRole('list', { name: 'The newest 20:' }).getByRole('listitem')).toHaveCount(20);

  await dialog.getByRole('button', { name: `Revoke ${total} tokens` }).click();
  const progress = dialog.getByRole('progressbar', { name: 'Revocation progress' });
  await expect(progress).toBeVisible();
  await expect(status).toHaveText('Revoking in the background…');
  await expect(progress).toHaveAttribute('max', `${matching}`);
  await expect(dialog.getByText('You can close this window: the revocation continues on the server.')).toBeVisible();
  await expect(dialog.getByRole('button', { name: 'Close' })).toBeFocused();
  // The first check after a second: some chunks are done, most are not.
  await expect(progress).not.toHaveAttribute('value', '0');
  const first = Number(await progress.getAttribute('value'));
  await capture('revoke-matching-progress.png');
  await checkA11y('revoke-matching progress');

  const seen = [first, ...(await progressValues(page, progress, status))];
  expect(first > 0 && first < matching, `the bar advances: ${seen.join(', ')} of ${matching}`).toBe(true);
  expect(seen, 'never backwards').toEqual([...seen].sort((a, b) => a - b));
  await expect(status).toHaveText(`Revoked ${total} tokens.`);
  await expect(progress).toHaveAttribute('value', `${matching}`);
  await expect(dialog.getByText(`${total} of ${total} tokens revoked`)).toBeVisible();
  await checkA11y('revoke-matching done');

  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('status').getByText(`Revoked ${total} tokens.`)).toBeVisible();
  await expect(page.getByText('No tokens match these filters.')).toBeVisible();
  expect(await countTokens({ ownerIds: [owner.id], status: ['ACTIVE', 'EXPIRED'] })).toBe(0);
});

/** The bar's values, read every 200 ms until the status no longer says it is running. */
async function progressValues(page: Page, progress: Locator, status: Locator): Promise<number[]> {
  const seen: number[] = [];
  for (let i = 0; i < 200; i++) {
    seen.push(Number((await progress.getAttribute('value')) ?? '0'));
    if ((await status.textContent()) !== 'Revoking in the background…') break;
    await page.waitForTimeout(200);
  }
  return seen;
}
