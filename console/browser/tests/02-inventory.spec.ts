// Flow 2: the admin's "Personal Access Tokens" tab lists the organization's
// tokens: sortable columns (with aria-sort), search, pages with the total.
// The expected order and counts come from the API, as the admin sees them.

import { listTokens } from './support/api';
import { expect, test, tokenNames } from './support/fixtures';

const order = { field: 'CREATED_AT', direction: 'DESC' } as const;

const tableName = 'Personal access tokens of the organization';

test('admin lists, sorts, searches and pages through the inventory', async ({ page, signIn, checkA11y, capture }) => {
  await signIn('admin');
  const table = page.getByRole('table', { name: tableName });
  const names = tokenNames(table);
  const header = (name: string) => table.getByRole('columnheader', { name, exact: true });
  const pager = page.getByRole('navigation', { name: 'Pages' });

  // Newest first, a page of 50, with the total.
  const newest = await listTokens(null, { field: 'CREATED_AT', direction: 'DESC' });
  expect(newest.totalCount, 'the setup seeds more than a page').toBeGreaterThan(50);
  await expect(names).toHaveText(newest.names);
  await expect(page.getByText(`${newest.totalCount} tokens found`)).toBeVisible();
  await expect(pager.getByText(`1–50 of ${newest.totalCount} tokens`)).toBeVisible();
  await expect(header('Created')).toHaveAttribute('aria-sort', 'descending');
  await expect(header('Name')).not.toHaveAttribute('aria-sort');

  // Name: A to Z, then Z to A.
  await header('Name').getByRole('button').click();
  const byName = await listTokens(null, { field: 'NAME', direction: 'ASC' });
  await expect(names).toHaveText(byName.names);
  await expect(header('Name')).toHaveAttribute('aria-sort', 'ascending');
  await expect(header('Created')).not.toHaveAttribute('aria-sort');
  await header('Name').getByRole('button').click();
  const byNameDesc = await listTokens(null, { field: 'NAME', direction: 'DESC' });
  expect(byNameDesc.names).not.toEqual(byName.names);
  await expect(names).toHaveText(byNameDesc.names);
  await expect(header('Name')).toHaveAttribute('aria-sort', 'descending');

  // Last used: most recent first.
  await header('Last used').getByRole('button').click();
  const byUse = await listTokens(null, { field: 'LAST_USED_AT', direction: 'DESC' });
  await expect(names).toHaveText(byUse.names);
  await expect(header('Last used')).toHaveAttribute('aria-sort', 'descending');
  await expect(header('Name')).not.toHaveAttribute('aria-sort');
  await capture('token-tab.png');

  // Search: only matching rows, and their count.
  const search = page.getByRole('searchbox', { name: 'Search' });
  await search.fill('laptop');
  const laptops = await listTokens({ search: 'laptop' }, { field: 'LAST_USED_AT', direction: 'DESC' });
  expect(laptops.totalCount).toBeGreaterThan(0);
  await expect(names).toHaveText(laptops.names);
  for (const name of laptops.names) expect(name).toMatch(/laptop/i);
  await expect(page.getByText(`${laptops.totalCount} tokens found`)).toBeVisible();
  await expect(pager.getByText(`1–${laptops.totalCount} of ${laptops.totalCount} tokens`)).toBeVisible();
  await expect(pager.getByRole('button', { name: 'Next page' })).toBeHidden();
  // axe on a short list: the same markup as a full page, in a fraction of the time.
  await checkA11y('token tab');
  await search.fill('');

  // Pages: forward to the rest, and back.
  const total = byUse.totalCount;
  await expect(names).toHaveText(byUse.names);
  const firstPage = await names.allTextContents();
  await pager.getByRole('button', { name: 'Next page' }).click();
  await expect(pager.getByText(`51–${total} of ${total} tokens`)).toBeVisible();
  await expect(names).toHaveCount(total - 50);
  const secondPage = await names.allTextContents();
  expect(secondPage.filter((n) => firstPage.includes(n))).toEqual([]);
  await expect(pager.getByRole('button', { name: 'Next page' })).toHaveAttribute('aria-disabled', 'true');
  await pager.getByRole('button', { name: 'Previous page' }).click();
  await expect(pager.getByText(`1–50 of ${total} tokens`)).toBeVisible();
  await expect(names).toHaveText(firstPage);
});

test.describe('on a phone', () => {
  test.use({ viewport: { width: 375, height: 800 } });

  test('the token tab fits 375 px: the table scrolls in its own region', async ({
    page,
    signIn,
    checkA11y,
    capture,
  }) => {
    await signIn('admin');
    const table = page.getByRole('table', { name: tableName });
    await expect(tokenNames(table)).toHaveCount(50);
    const region = page.getByRole('region', { name: tableName });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, 'the page itself does not scroll sideways').toBeLessThanOrEqual(0);
    expect(await region.evaluate((el) => el.scrollWidth > el.clientWidth), 'the table scrolls in its region').toBe(
      true,
    );
    await capture('mobile-token-tab.png');
    await page.getByRole('searchbox', { name: 'Search' }).fill('laptop');
    await expect(tokenNames(table)).toHaveCount((await listTokens({ search: 'laptop' }, order)).totalCount);
    await checkA11y('token tab, 375 px wide');
  });
});

test.describe('in the dark colour scheme', () => {
  test.use({ colorScheme: 'dark' });

  test('the token tab and a dialog keep their contrast', async ({ page, signIn, checkA11y }) => {
    await signIn('admin');
    await page.getByRole('searchbox', { name: 'Search' }).fill('laptop');
    const table = page.getByRole('table', { name: tableName });
    await expect(tokenNames(table)).toHaveCount((await listTokens({ search: 'laptop' }, order)).totalCount);
    await checkA11y('token tab, dark');
    await page.getByRole('button', { name: 'Settings' }).click();
    await expect(page.getByRole('dialog', { name: 'Settings' })).toBeVisible();
    await checkA11y('settings dialog, dark');
  });
});
