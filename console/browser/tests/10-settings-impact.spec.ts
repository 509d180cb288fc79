// Flow 10: the Settings dialog counts what a change would do to existing
// tokens before it is saved (patSettingsImpact, asked once the form stops
// changing): PATs off blocks every active token, a lifespan expires or
// restores tokens, the stale-token policy revokes the tokens unused for
// longer. The numbers are the API's for the same change, made through the
// API just before. The stale-token policy is saved and shown, then turned
// off again; a failed count is said politely and leaves Save usable, and a
// value the server refuses is explained beside its field.
//
// The policy saved (730 days) revokes nothing: an active token is younger
// than the maximum lifespan. The setup's policy is restored at the end.

import type { Request } from '@playwright/test';
import { countTokens, createToken, patSettings, patSettingsImpact, setPatSettings } from './support/api';
import type { PatSettingsImpact } from './support/api';
import { expect, test } from './support/fixtures';

const grouped = new Intl.NumberFormat('en-US');
const count = (n: number, noun: string) => `${grouped.format(n)} ${n === 1 ? noun : `${noun}s`}`;
const affected = (impact: PatSettingsImpact) => `${count(impact.affectedOwners, 'user')} affected.`;
const nothing = 'No existing token is affected.';
const unusedRange = 'Enter a whole number of days from 7 to 730.';

test('admin sees what a change would do to existing tokens, then saves the stale-token policy', async ({
  page,
  signIn,
  checkA11y,
  capture,
}) => {
  const before = await patSettings();
  expect(before.enabled && before.revokeUnusedAfterDays === 0, 'PATs on, no stale-token policy').toBe(true);
  const lifespan = before.maxLifespanDays;
  const raised = 730;
  expect(lifespan, 'a lifespan to raise').toBeLessThan(raised);
  try {
    // Fresh, never used: no change here expires them or revokes them as unused.
    await createToken('member', 'Impact preview alpha');
    await createToken('admin', 'Impact preview bravo');
    await signIn('admin');
    const policy = page.getByText(/Maximum lifespan: \d+ days\./);
    await expect(policy).toContainText(`Maximum lifespan: ${lifespan} days. Revoke unused tokens: off.`);

    await page.getByRole('button', { name: 'Settings' }).click();
    const dialog = page.getByRole('dialog', { name: 'Settings' });
    const preview = dialog.getByRole('status');
    const sentences = preview.getByRole('paragraph');
    const enabled = dialog.getByRole('switch', { name: 'Enable PAT for all users' });
    const days = dialog.getByRole('spinbutton', { name: 'Maximum Lifespan (days)' });
    const unused = dialog.getByRole('switch', { name: 'Revoke unused tokens' });
    const unusedDays = dialog.getByRole('spinbutton', { name: 'Revoke tokens unused for (days)' });
    const save = dialog.getByRole('button', { name: 'Save' });
    await expect(unused).not.toBeChecked();
    await expect(unused).toHaveAccessibleDescription('Tokens are never revoked for going unused.');
    await expect(unusedDays).toHaveCount(0);
    await expect(preview).toHaveAttribute('aria-live', 'polite');
    await expect(preview).toHaveText('');

    // PATs off: every active token is blocked; the first 20 are listed.
    const active = await countTokens({ status: ['ACTIVE'] });
    const off = await patSettingsImpact({ enabled: false });
    expect(off.tokensBlocked).toBe(active);
    expect(off.sample).toHaveLength(20);
    await enabled.uncheck();
    await expect(sentences).toHaveText([`Turning PATs off blocks ${count(active, 'active token')}.`, affected(off)]);
    const heading = 'The first 20 affected tokens';
    const items = dialog.getByRole('list', { name: heading }).getByRole('listitem');
    await expect(items).toBeHidden();
    await dialog.getByText(heading).click();
    await expect(items).toHaveCount(20);
    for (const [i, token] of off.sample.entries()) {
      await expect(items.nth(i)).toContainText(token.name);
      await expect(items.nth(i)).toContainText(token.hint);
      await expect(items.nth(i)).toContainText(token.owner.email);
    }
    await expect(save).toBeEnabled();
    await capture('settings-impact.png');
    await checkA11y('settings dialog with the impact preview');

    // Back as it was: nothing to count.
    await enabled.check();
    await expect(preview).toHaveText('');

    // A higher lifespan, typed key by key: one count, for the value typed.
    const asked: unknown[] = [];
    const onRequest = (request: Request) => {
      if (request.method() !== 'POST' || !request.url().endsWith('/query')) return;
      const body = request.postDataJSON() as { query: string; variables: { input?: unknown } };
      if (body.query.includes('patSettingsImpact')) asked.push(body.variables.input);
    };
    page.on('request', onRequest);
    await days.fill('');
    await days.pressSequentially(String(raised));
    const raise = await patSettingsImpact({ maxLifespanDays: raised });
    await expect(sentences).toHaveText(
      raise.tokensRestored > 0
        ? [`Raising to ${raised} days restores ${count(raise.tokensRestored, 'token')}.`, affected(raise)]
        : [nothing],
    );
    page.off('request', onRequest);
    expect(asked).toEqual([{ maxLifespanDays: raised }]);

    // A lower one expires the tokens older than it: not the two just made.
    await days.fill('1');
    const lower = await patSettingsImpact({ maxLifespanDays: 1 });
    await expect(sentences).toHaveText(
      lower.tokensExpiring > 0
        ? [`Lowering to 1 day expires ${count(lower.tokensExpiring, 'active token')}.`, affected(lower)]
        : [nothing],
    );
    await expect(dialog.getByText(/Lowering it also shortens existing tokens/)).toBeVisible();
    await days.fill(String(lifespan));
    await expect(preview).toHaveText('');

    // The stale-token policy: the 90 days offered, then a week.
    await unused.check();
    await expect(unused).toHaveAccessibleDescription(
      /revoked automatically, within an hour\. Owners are warned 7 days before\.$/,
    );
    await expect(unusedDays).toHaveValue('90');
    for (const unusedFor of [90, 7]) {
      if (unusedFor !== 90) await unusedDays.fill(String(unusedFor));
      const stale = await patSettingsImpact({ revokeUnusedAfterDays: unusedFor });
      const revoked = count(stale.tokensRevokedAsUnused, 'token');
      await expect(sentences).toHaveText(
        stale.tokensRevokedAsUnused > 0
          ? [`Revoking tokens unused for ${unusedFor} days revokes ${revoked} within the hour.`, affected(stale)]
          : [nothing],
      );
    }
    await checkA11y('settings dialog with the stale-token policy');

    // Out of range: explained beside the field, nothing counted or saved.
    for (const invalid of ['3', '731']) {
      await unusedDays.fill(invalid);
      await expect(preview).toHaveText('');
      await save.click();
      await expect(dialog.getByText(unusedRange)).toBeVisible();
      await expect(unusedDays).toHaveAttribute('aria-invalid', 'true');
      await expect(unusedDays).toHaveAccessibleDescription(new RegExp(`^${unusedRange}`));
      await expect(unusedDays).toBeFocused();
      await expect(dialog).toBeVisible();
    }
    expect((await patSettings()).revokeUnusedAfterDays).toBe(0);

    // 730 days: nothing is affected (no active token is older than the
    // lifespan), and that is said.
    await unusedDays.fill('730');
    await expect(dialog.getByText(unusedRange)).toBeHidden();
    expect((await patSettingsImpact({ revokeUnusedAfterDays: 730 })).tokensRevokedAsUnused).toBe(0);
    await expect(sentences).toHaveText([nothing]);
    await save.click();
    await expect(dialog).toBeHidden();
    await expect(page.getByRole('status').getByText('Settings saved.')).toBeVisible();
    await expect(policy).toContainText(`Maximum lifespan: ${lifespan} days. Revoke unused tokens: after 730 days.`);
    expect(await patSettings()).toEqual({ ...before, revokeUnusedAfterDays: 730 });

    // Reopened, it shows the policy; switched off, nothing is affected.
    await page.getByRole('button', { name: 'Settings' }).click();
    await expect(unused).toBeChecked();
    await expect(unusedDays).toHaveValue('730');
    await expect(preview).toHaveText('');
    await unused.uncheck();
    await expect(unusedDays).toHaveCount(0);
    await expect(sentences).toHaveText([nothing]);
    await save.click();
    await expect(dialog).toBeHidden();
    await expect(policy).toContainText('Revoke unused tokens: off.');
    expect(await patSettings()).toEqual(before);
  } finally {
    // The other tests expect the policy the setup left.
    const now = await patSettings();
    if (JSON.stringify(now) !== JSON.stringify(before)) await setPatSettings(before);
  }
});

test('a count that fails is said politely and Save still works; a refused value is explained at its field', async ({
  page,
  signIn,
  checkA11y,
}) => {
  const before = await patSettings();
  // The service's error shapes, made up: the real server counts and takes
  // every value the console lets through.
  await page.route('**/query', async (route) => {
    const { query } = route.request().postDataJSON() as { query: string };
    if (query.includes('patSettingsImpact')) {
      return route.fulfill({
        json: { data: null, errors: [{ message: 'internal error', extensions: { code: 'INTERNAL' } }] },
      });
    }
    if (query.includes('updatePatSettings')) {
      return route.fulfill({
        json: {
          data: null,
          errors: [
            {
              message: 'revokeUnusedAfterDays must be 0 (off) or between 7 and 730',
              path: ['updatePatSettings'],
              extensions: { code: 'BAD_USER_INPUT', field: 'revokeUnusedAfterDays' },
            },
          ],
        },
      });
    }
    return route.fallback();
  });
  await signIn('admin');
  await page.getByRole('button', { name: 'Settings' }).click();
  const dialog = page.getByRole('dialog', { name: 'Settings' });
  const unusedDays = dialog.getByRole('spinbutton', { name: 'Revoke tokens unused for (days)' });
  await dialog.getByRole('switch', { name: 'Revoke unused tokens' }).check();
  await unusedDays.fill('30');
  await expect(dialog.getByRole('status')).toHaveText(
    'The effect on existing tokens could not be counted. Something went wrong on the server. Try again in a moment.',
  );
  await expect(dialog.getByRole('alert')).toHaveCount(0);

  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog.getByText(unusedRange)).toBeVisible();
  await expect(unusedDays).toHaveAttribute('aria-invalid', 'true');
  await expect(unusedDays).toHaveAccessibleDescription(new RegExp(`^${unusedRange}`));
  await expect(unusedDays).toBeFocused();
  await checkA11y('settings dialog with a failed count and a refused value');
  await page.unroute('**/query');

  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  expect(await patSettings()).toEqual(before);
});
