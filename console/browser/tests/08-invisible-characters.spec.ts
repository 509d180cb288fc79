// Invisible and bidirectional formatting characters in other people's text
// are shown inert and visible: a right-to-left override in a token's name
// or a user's name becomes a marker (⟨U+202E⟩) and reorders nothing. The
// server refuses them in new token names but keeps names and e-mails from
// sessions as given (and older tokens may have them); the demo sessions'
// names are fixed, so the test rewrites the API's answers in the browser to
// hold such text, as a real session or an old token would.

import type { Page } from '@playwright/test';
import { createToken } from './support/api';
import { expect, test, tokenNames } from './support/fixtures';

const override = '\u202E';
// Shown as is, "invoice‮exe.txt" would read "invoicetxt.exe".
const disguised = `invoice${override}exe.txt`;
const ownerName = `Mallory ${override}lee\u200B`;

interface ListedToken {
  name?: string;
  owner?: { name?: string };
}

/** Rewrites every token (and audit event) named probe in the API's answers. */
async function disguise(page: Page, probe: string): Promise<void> {
  await page.route('**/query', async (route) => {
    const response = await route.fetch();
    const body = (await response.json()) as {
      data?: {
        personalAccessTokens?: { nodes: ListedToken[] };
        auditEvents?: { nodes: Array<{ token: ListedToken | null; actor: { name: string } }> };
      };
    };
    const rewrite = (token: ListedToken | null) => {
      if (token?.name !== probe) return false;
      token.name = `${probe} ${disguised}`;
      if (token.owner) token.owner.name = ownerName;
      return true;
    };
    body.data?.personalAccessTokens?.nodes.forEach(rewrite);
    for (const event of body.data?.auditEvents?.nodes ?? []) if (rewrite(event.token)) event.actor.name = ownerName;
    await route.fulfill({ response, json: body });
  });
}

/** Whether a raw control or format character is anywhere in the page's markup or text. */
function rawHiddenCharacters(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const hidden = /[\p{Cc}\p{Cf}]/gu;
    const markup = document.body.outerHTML.replace(/[\n\t\r]/g, '');
    return [...markup.matchAll(hidden)].map((m) => `U+${m[0].codePointAt(0)?.toString(16).toUpperCase()}`);
  });
}

/**
 * Where the "e" of "exe" and the "t" of "txt" stand on screen, left to
 * right: under a live override "exe.txt" would be drawn reversed.
 */
function horizontalOrder(page: Page, selector: string): Promise<{ e: number; t: number }> {
  return page.evaluate((selector) => {
    const element = document.querySelector(selector);
    const walker = document.createTreeWalker(element ?? document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent ?? '';
      const at = text.indexOf('exe.txt');
      if (at < 0) continue;
      const left = (offset: number) => {
        const range = document.createRange();
        range.setStart(node, offset);
        range.setEnd(node, offset + 1);
        return range.getBoundingClientRect().left;
      };
      return { e: left(at), t: left(at + 4) };
    }
    throw new Error(`no "exe.txt" text under ${selector}`);
  }, selector);
}

test('a right-to-left override in token and user names is shown as an inert marker', async ({
  page,
  signIn,
  checkA11y,
}) => {
  const probe = 'Mirror probe';
  const token = await createToken('member', probe);
  await disguise(page, probe);
  await signIn('admin');

  const table = page.getByRole('table', { name: 'Personal access tokens of the organization' });
  await page.getByRole('searchbox', { name: 'Search' }).fill(probe);
  const row = table.getByTestId('token-row').filter({ hasText: token.hint });
  await expect(tokenNames(table)).toHaveText([`${probe} invoice⟨U+202E⟩exe.txt`]);
  await expect(row.getByRole('img', { name: 'right-to-left override (U+202E)' }).first()).toBeVisible();
  await expect(row).toContainText('Mallory ⟨U+202E⟩lee⟨U+200B⟩');
  await expect(row.getByRole('img', { name: 'zero width space (U+200B)' })).toBeVisible();
  await expect(row.getByRole('button', { name: `Revoke ${probe} invoice⟨U+202E⟩exe.txt` })).toBeVisible();
  const order = await horizontalOrder(page, `[data-token-id="${token.id}"] .token-name`);
  expect(order.e, '"exe" is drawn before "txt"').toBeLessThan(order.t);
  expect(await rawHiddenCharacters(page)).toEqual([]);
  await checkA11y('inventory with a disguised name');

  // The confirmation and the announcement name it the same way.
  await row.getByRole('button', { name: /^Revoke / }).click();
  const dialog = page.getByRole('dialog', { name: 'Revoke 1 token?' });
  await expect(dialog).toContainText(`${probe} invoice⟨U+202E⟩exe.txt`);
  await expect(dialog).toContainText('Mallory ⟨U+202E⟩lee⟨U+200B⟩');
  expect(await rawHiddenCharacters(page)).toEqual([]);
  await dialog.getByRole('button', { name: 'Revoke 1 token' }).click();
  await expect(page.getByRole('status').getByText(`Revoked 1 token: “${probe} invoice⟨U+202E⟩exe.txt”`)).toBeVisible();

  // The audit trail: the token's name, its owner and the actor.
  await page.getByRole('tab', { name: 'Audit trail' }).click();
  const events = page.getByRole('table', { name: 'Audit events, newest first' }).getByTestId('audit-row');
  const created = events.filter({ hasText: 'Created a token' }).filter({ hasText: token.hint });
  await expect(created).toContainText(`${probe} invoice⟨U+202E⟩exe.txt`);
  await expect(created).toContainText('of Mallory ⟨U+202E⟩lee⟨U+200B⟩');
  const eventOrder = await horizontalOrder(page, '[data-testid="audit-row"]');
  expect(eventOrder.e, '"exe" is drawn before "txt" in the audit trail').toBeLessThan(eventOrder.t);
  expect(await rawHiddenCharacters(page)).toEqual([]);
  await checkA11y('audit trail with a disguised name');
});

test('the generate dialog refuses a name with a right-to-left override before sending it', async ({ page, signIn }) => {
  await signIn('member');
  await page.getByRole('button', { name: 'Generate new token' }).click();
  const form = page.getByRole('dialog', { name: 'Generate new token' });
  const name = form.getByRole('textbox', { name: 'Name' });
  await name.fill(disguised);
  await form.getByRole('checkbox', { name: 'OR.Jobs.Read', exact: true }).check();
  let created = false;
  page.on('request', (request) => {
    if (request.url().endsWith('/query') && (request.postData() ?? '').includes('createPersonalAccessToken')) {
      created = true;
    }
  });
  await form.getByRole('button', { name: 'Generate token' }).click();
  await expect(name).toHaveAccessibleDescription(
    'Remove the right-to-left override (U+202E) at character 8: names may not contain invisible or bidirectional formatting characters.',
  );
  await expect(name).toBeFocused();
  expect(created, 'no creation request').toBe(false);
});
