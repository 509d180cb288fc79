// What every test uses: the server's URL as baseURL, signing in with the
// development sign-in buttons, the axe check, screenshots, and the check
// that a token's secret is nowhere in the page or its storage.

import AxeBuilder from '@axe-core/playwright';
import { test as base, expect } from '@playwright/test';
import type { Locator, Page, PageScreenshotOptions } from '@playwright/test';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Role } from './api';
import { baseURL } from './api';

export { expect };

/** Where screenshots go: PATS_SCREENSHOT_DIR (relative to console/browser) or the repository's docs/screenshots. */
export const screenshotDir = process.env.PATS_SCREENSHOT_DIR
  ? resolve(process.env.PATS_SCREENSHOT_DIR)
  : fileURLToPath(new URL('../../../../docs/screenshots/', import.meta.url));

/** Impacts that fail a test; the others are reported (see summary-reporter.ts). */
const failingImpacts = new Set(['serious', 'critical']);

/** One axe result as the reporter and the failure message show it. */
export interface AxeFinding {
  screen: string;
  /** A violation, or what axe could not decide alone (e.g. contrast over overlapping elements). */
  kind: 'violation' | 'needs review';
  id: string;
  impact: string;
  help: string;
  targets: string[];
}

interface Fixtures {
  /** Signs in through the sign-in page's demo button for role. */
  signIn: (role: Role) => Promise<void>;
  /** Runs axe on the page as it is (on the open modal dialog, if any); fails on serious or critical violations. */
  checkA11y: (screen: string) => Promise<void>;
  /** Saves a screenshot of the viewport (or the given options) under screenshotDir. */
  capture: (name: string, options?: Omit<PageScreenshotOptions, 'path'>) => Promise<void>;
}

const demoButtons: Record<Role, string> = {
  admin: 'Sign in as demo admin',
  member: 'Sign in as demo member',
  directory: 'Sign in as demo directory user',
};

export const test = base.extend<Fixtures>({
  // The global setup starts the server after the config is read: take its
  // address from the environment it left.
  baseURL: async ({}, use) => use(baseURL()),

  signIn: async ({ page }, use) => {
    await use(async (role) => {
      await page.goto('/admin/');
      await page.getByRole('button', { name: demoButtons[role] }).click();
      await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
    });
  },

  checkA11y: async ({ page }, use, testInfo) => {
    await use(async (screen) => {
      // With a modal dialog open the rest of the page is inert (and was
      // checked as its own screen): check the dialog alone, which also
      // keeps the run short.
      const builder = new AxeBuilder({ page });
      if ((await page.locator('dialog[open]').count()) > 0) builder.include('dialog[open]');
      const results = await builder.analyze();
      const finding =
        (kind: AxeFinding['kind']) =>
        (r: (typeof results.violations)[number]): AxeFinding => ({
          screen,
          kind,
          id: r.id,
          impact: r.impact ?? 'unknown',
          help: r.help,
          targets: r.nodes.map((n) => n.target.join(' ')),
        });
      const findings = [
        ...results.violations.map(finding('violation')),
        ...results.incomplete.map(finding('needs review')),
      ];
      await testInfo.attach('axe', { body: JSON.stringify(findings), contentType: 'application/json' });
      const failing = findings.filter((f) => f.kind === 'violation' && failingImpacts.has(f.impact));
      expect(
        failing,
        `axe on "${screen}": ${failing.map((f) => `${f.impact} ${f.id} (${f.help}) at ${f.targets.join(', ')}`).join('; ')}`,
      ).toEqual([]);
    });
  },

  capture: async ({ page }, use) => {
    await mkdir(screenshotDir, { recursive: true });
    await use(async (name, options = {}) => {
      await page.screenshot({ animations: 'disabled', caret: 'hide', ...options, path: join(screenshotDir, name) });
    });
  },
});

/** Where a secret shows up in the page: markup, text, field values, storage, URL, title. */
export async function placesHolding(page: Page, secret: string): Promise<string[]> {
  return page.evaluate((secret) => {
    const places: string[] = [];
    if (document.documentElement.outerHTML.includes(secret)) places.push('markup');
    if (document.body.innerText.includes(secret)) places.push('text');
    for (const field of document.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>('input, textarea')) {
      if (field.value.includes(secret)) places.push(`value of ${field.id || field.name || field.type}`);
    }
    for (const [name, storage] of [
      ['localStorage', window.localStorage],
      ['sessionStorage', window.sessionStorage],
    ] as const) {
      for (let i = 0; i < storage.length; i++) {
        const key = storage.key(i) ?? '';
        if (key.includes(secret) || (storage.getItem(key) ?? '').includes(secret)) places.push(`${name}[${key}]`);
      }
    }
    if (window.location.href.includes(secret)) places.push('URL');
    if (document.title.includes(secret)) places.push('title');
    return places;
  }, secret);
}

/** The names in a token table's rows, in order. */
export function tokenNames(table: Locator): Locator {
  return table.getByTestId('token-row').locator('.token-name');
}
