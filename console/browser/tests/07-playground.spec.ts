// The GraphQL playground at GET /: GraphiQL from the binary's own files
// under its strict Content-Security-Policy (any violation fails), a query
// with a pasted Authorization header, and that header kept nowhere: not in
// localStorage, not in what GraphiQL keeps for the tab, not after a reload
// or in another tab (issue 15, finding F3).

import type { Page } from '@playwright/test';
import { devSession } from './support/api';
import { expect, test } from './support/fixtures';

/** What went wrong on a page. */
interface Problems {
  /** securitypolicyviolation events: directive, what was blocked, where. */
  violations: string[];
  /** Console errors, except the browser's note of an anonymous request's 401. */
  consoleErrors: string[];
  /** Uncaught exceptions. */
  pageErrors: string[];
  /** Requests to any other origin. */
  foreignRequests: string[];
  /** 401 answers to requests that carried an Authorization header. */
  rejected: string[];
}

const noProblems: Problems = { violations: [], consoleErrors: [], pageErrors: [], foreignRequests: [], rejected: [] };

/**
 * Records a page's problems from before its first script runs. The
 * violation listener is an init script, which the page's policy does not
 * govern. GraphiQL fetches the schema as soon as it starts, before any
 * header is pasted; the server answers 401, which Chromium notes as a
 * console error: that one is expected.
 */
async function watch(page: Page, origin: string): Promise<Problems> {
  const problems = structuredClone(noProblems);
  await page.exposeFunction('reportCspViolation', (v: string) => problems.violations.push(v));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      const report = (window as unknown as { reportCspViolation: (v: string) => Promise<void> }).reportCspViolation;
      void report(
        `${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} (${e.sample}) at ${e.sourceFile}:${e.lineNumber}`,
      );
    });
  });
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    if (m.text() === 'Failed to load resource: the server responded with a status of 401 (Unauthorized)') return;
    problems.consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => problems.pageErrors.push(e.message));
  page.on('request', (r) => {
    if (!r.url().startsWith(`${origin}/`) && !r.url().startsWith('data:')) problems.foreignRequests.push(r.url());
  });
  page.on('response', async (r) => {
    if (r.status() === 401 && (await r.request().headerValue('authorization')) !== null)
      problems.rejected.push(r.url());
  });
  return problems;
}

/** Every key and value of both storages, as [storage, key, value], and the IndexedDB databases. */
async function stored(page: Page): Promise<{ entries: Array<[string, string, string]>; indexedDB: string[] }> {
  return page.evaluate(async () => {
    const entries: Array<[string, string, string]> = [];
    for (const [name, storage] of [
      ['localStorage', window.localStorage],
      ['sessionStorage', window.sessionStorage],
    ] as const) {
      for (let i = 0; i < storage.length; i++) {
        const key = storage.key(i) ?? '';
        entries.push([name, key, storage.getItem(key) ?? '']);
      }
    }
    return { entries, indexedDB: (await indexedDB.databases()).map((d) => d.name ?? '') };
  });
}

/** Fails unless nothing is in localStorage or IndexedDB and GraphiQL's tab storage holds no header. */
async function expectNoHeaderKept(page: Page, token: string): Promise<void> {
  const { entries, indexedDB } = await stored(page);
  expect(indexedDB, 'IndexedDB databases').toEqual([]);
  expect(
    entries.filter(([storage]) => storage === 'localStorage'),
    'localStorage',
  ).toEqual([]);
  for (const [storage, key, value] of entries) {
    const where = `${storage}[${key}]`;
    expect(key, where).toMatch(/^pats-playground:graphiql:/);
    expect(value, where).not.toContain(token);
    expect(value, where).not.toContain('Bearer ey');
    if (key === 'pats-playground:graphiql:tabState') {
      const state = JSON.parse(value) as { tabs: Array<{ headers: string | null }> };
      expect(
        state.tabs.map((t) => t.headers),
        `${where} headers`,
      ).toEqual(state.tabs.map(() => null));
    }
  }
}

const headersEditor = (page: Page) => page.getByRole('region', { name: 'Headers' });
const queryEditor = (page: Page) => page.getByRole('region', { name: 'Query Editor' });
const result = (page: Page) => page.getByRole('region', { name: 'Result Window' });

test('GraphiQL runs from the binary under its Content-Security-Policy', async ({ page, baseURL }) => {
  const problems = await watch(page, baseURL!);
  const response = await page.goto('/');
  expect(response?.status()).toBe(200);
  const headers = response?.headers() ?? {};
  expect(headers['content-security-policy']).toMatch(/^default-src 'none'; script-src 'self'; style-src 'self' /);
  expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
  expect(headers['content-security-policy']).not.toContain('unsafe');
  expect(headers['x-frame-options']).toBe('DENY');
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['referrer-policy']).toBe('no-referrer');

  await expect(page.locator('.graphiql-container')).toBeVisible();
  await expect(queryEditor(page)).toContainText('organizationPatSettings');
  await expect(headersEditor(page)).toBeVisible();
  // Without a session the schema fetch is refused, and says why.
  await expect(result(page)).toContainText('UNAUTHENTICATED');

  // GraphiQL's own code runs, not just its first paint: its dialogs (which
  // insert the scroll lock style the policy allows by hash), panels, tabs.
  await page.getByRole('button', { name: 'Open short keys dialog' }).click();
  await expect(page.getByRole('dialog')).toContainText('Re-fetch schema');
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: 'Open settings dialog' }).click();
  await expect(page.getByRole('dialog')).toContainText('Theme');
  // Headers are never persisted, and GraphiQL does not offer to.
  await expect(page.getByRole('dialog')).not.toContainText('Persist headers');
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await page.getByRole('button', { name: 'Show History' }).click();
  await expect(page.getByRole('region', { name: 'History' })).toBeVisible();
  await page.getByRole('button', { name: 'New tab' }).click();
  await expect(page.getByRole('tab')).toHaveCount(2);
  await page.getByRole('button', { name: /^Prettify/ }).click();

  // On a phone-sized screen too (the style's hash must not depend on it).
  await page.setViewportSize({ width: 375, height: 640 });
  await page.getByRole('button', { name: 'Open settings dialog' }).click();
  await expect(page.getByRole('dialog')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toHaveCount(0);

  expect(problems).toEqual(noProblems);
});

test('a query with a pasted Authorization header runs, and the header is kept nowhere', async ({
  page,
  context,
  baseURL,
}) => {
  const token = await devSession('admin');
  const problems = await watch(page, baseURL!);
  await page.goto('/');
  await expect(page.locator('.graphiql-container')).toBeVisible();

  await headersEditor(page).click();
  // One insertion, as a paste is (GraphiQL's bracket closing leaves it as it is).
  await page.keyboard.insertText(JSON.stringify({ Authorization: `Bearer ${token}` }));

  // The schema, by introspection with the header: the documentation explorer fills.
  const introspected = page.waitForResponse(
    (r) => r.url() === `${baseURL}/query` && (r.request().postData() ?? '').includes('IntrospectionQuery'),
  );
  await page.getByRole('button', { name: 'Re-fetch GraphQL schema' }).click();
  expect((await introspected).status()).toBe(200);
  await page.getByRole('button', { name: 'Show Documentation Explorer' }).click();
  await page.getByRole('link', { name: 'Query', exact: true }).click();
  await expect(page.locator('.graphiql-doc-explorer')).toContainText('organizationPatSettings');

  // The query, with the header.
  const answered = page.waitForResponse(
    (r) =>
      r.url() === `${baseURL}/query` &&
      r.request().method() === 'POST' &&
      (r.request().postData() ?? '').includes('organizationPatSettings'),
  );
  await page.getByRole('button', { name: /^Execute query/ }).click();
  const response = await answered;
  expect(response.status()).toBe(200);
  expect(await response.request().headerValue('authorization')).toBe(`Bearer ${token}`);
  expect(await response.request().headerValue('cookie')).toBeNull();
  await expect(result(page)).toContainText('"maxLifespanDays"');
  await expect(result(page)).not.toContainText('errors');

  await expectNoHeaderKept(page, token);
  expect(await context.cookies()).toEqual([]);

  // A reload keeps the query and the history for the tab, not the header
  // (GraphiQL would store it with each history entry).
  await page.reload();
  await expect(queryEditor(page)).toContainText('organizationPatSettings');
  await expect(headersEditor(page)).toBeVisible();
  await expect(headersEditor(page)).not.toContainText('Bearer');
  await page.getByRole('button', { name: 'Show History' }).click();
  await expect(page.getByRole('region', { name: 'History' }).getByRole('button').first()).toBeVisible();
  await expectNoHeaderKept(page, token);

  // Another tab of the same browser profile has nothing of it either.
  const other = await context.newPage();
  const otherProblems = await watch(other, baseURL!);
  await other.goto('/');
  await expect(other.locator('.graphiql-container')).toBeVisible();
  await expect(headersEditor(other)).not.toContainText('Bearer');
  await expectNoHeaderKept(other, token);
  await other.close();

  expect(problems).toEqual(noProblems);
  expect(otherProblems).toEqual(noProblems);
});
