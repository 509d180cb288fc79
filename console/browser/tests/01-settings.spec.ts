// Flow 1: the admin changes the organization's maximum lifespan in the
// Settings dialog: invalid values are explained beside the field, Cancel
// changes nothing, Save applies a valid value everywhere.

import { maxLifespanDays, setMaxLifespanDays } from './support/api';
import { expect, test } from './support/fixtures';

const rangeMessage = 'Enter a whole number of days from 1 to 730.';

test('admin validates, cancels and saves the maximum lifespan', async ({ page, signIn, checkA11y, capture }) => {
  const before = await maxLifespanDays();
  const target = before === 30 ? 45 : 30;
  try {
    await signIn('admin');
    const policy = page.getByText(/Maximum lifespan: \d+ days\./);
    await expect(policy).toContainText(`Maximum lifespan: ${before} days.`);

    await page.getByRole('button', { name: 'Settings' }).click();
    const dialog = page.getByRole('dialog', { name: 'Settings' });
    const days = dialog.getByRole('spinbutton', { name: 'Maximum Lifespan (days)' });
    const save = dialog.getByRole('button', { name: 'Save' });
    await expect(days).toHaveValue(String(before));
    await expect(dialog.getByRole('switch', { name: 'Enable PAT for all users' })).toBeChecked();
    await checkA11y('settings dialog');

    // Out of range, both ways: the message sits beside the field and
    // describes it, and the field keeps the focus.
    for (const invalid of ['0', '1000']) {
      await days.fill(invalid);
      await save.click();
      await expect(dialog.getByText(rangeMessage)).toBeVisible();
      await expect(days).toHaveAttribute('aria-invalid', 'true');
      await expect(days).toHaveAccessibleDescription(new RegExp(`^${rangeMessage}`));
      await expect(days).toBeFocused();
      await expect(dialog).toBeVisible();
    }
    await checkA11y('settings dialog with an invalid value');

    // Cancel: nothing changes, here or on the server.
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(dialog).toBeHidden();
    await expect(policy).toContainText(`Maximum lifespan: ${before} days.`);
    await page.getByRole('button', { name: 'Settings' }).click();
    await expect(days).toHaveValue(String(before));
    await expect(dialog.getByText(rangeMessage)).toBeHidden();
    expect(await maxLifespanDays()).toBe(before);

    // A valid value: lowering it warns that existing tokens shorten.
    await days.fill(String(target));
    if (target < before) await expect(dialog.getByText(/Lowering it also shortens existing tokens/)).toBeVisible();
    // The screenshot waits for the count of what the change does (flow 10 checks it).
    await expect(dialog.getByRole('status')).not.toHaveText(/^$|^Counting/);
    await capture('settings.png');
    await save.click();
    await expect(dialog).toBeHidden();
    await expect(page.getByRole('status').getByText('Settings saved.')).toBeVisible();
    await expect(policy).toContainText(`Maximum lifespan: ${target} days.`);
    expect(await maxLifespanDays()).toBe(target);

    // Reopened, it shows the new value and who changed it.
    await page.getByRole('button', { name: 'Settings' }).click();
    await expect(days).toHaveValue(String(target));
    await expect(dialog.getByText(/^Last changed by Demo Admin \(admin@demo\.example\) at/)).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
  } finally {
    // The other tests expect the policy the setup left.
    if ((await maxLifespanDays()) !== before) await setMaxLifespanDays(before);
  }
});
