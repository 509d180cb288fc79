// Browser tests of the admin console: Debian's Chromium (never a browser
// downloaded by Playwright), headless, against a real pats server on a
// fresh SQLite database that tests/support/server.ts starts and stops.
//
//   PATS_CHROMIUM          the browser (default /usr/bin/chromium)
//   PATS_SCREENSHOT_DIR    where the screenshots go (default ../../docs/screenshots)
//   PATS_BROWSER_SERVER_BIN  a prebuilt server binary (default: go build)
//   PATS_BROWSER_OP_BIN      a prebuilt test OpenID Provider (default: go build ./console/browser/op)

import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: './tests',
  globalSetup: './tests/support/server.ts',
  // The tests share one server and some of its state (the policy, the
  // inventory's totals): one worker, files in order.
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 5_000 },
  reporter: [[process.env.CI ? 'line' : 'list'], ['./tests/support/summary-reporter.ts']],
  use: {
    browserName: 'chromium',
    headless: true,
    launchOptions: { executablePath: process.env.PATS_CHROMIUM || '/usr/bin/chromium' },
    viewport: { width: 1280, height: 800 },
    deviceScaleFactor: 1,
    locale: 'en-US',
    timezoneId: 'UTC',
    colorScheme: 'light',
    reducedMotion: 'reduce',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
});
