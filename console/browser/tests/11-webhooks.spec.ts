// Flow 11: webhooks. An admin adds an endpoint that points at a receiver
// the test runs (Node's HTTP server on 127.0.0.1; the server under test
// allows loopback with PATS_WEBHOOKS_ALLOW_PRIVATE), sees its signing
// secret once, sends a test event (the receiver gets it, signed as
// Standard Webhooks says), rotates the secret (both sign for 24 hours),
// and finds the delivery of a token created meanwhile once the server's
// delivery worker (every second) has sent it, then sends it again. A
// receiver that answers 500: the test says so, its deliveries page with
// Load more and filter by status, the endpoint is deleted. FAILING takes a
// day of retries, so the banner is shown from a made-up answer, as are the
// server's refusals.

import type { Page } from '@playwright/test';
import {
  createToken,
  createWebhookEndpoint,
  deleteWebhookEndpoints,
  revokeTokens,
  sendTestWebhook,
  webhookEndpoints,
} from './support/api';
import { expect, placesHolding, test } from './support/fixtures';
import type { Receiver } from './support/receiver';
import { signingSecrets, startReceiver } from './support/receiver';

const secretFormat = /^whsec_[A-Za-z0-9+/]+=*$/;
const onceWarning = 'Copy the signing secret now: it will not be shown again.';

let ok: Receiver;
let failing: Receiver;

test.beforeAll(async () => {
  ok = await startReceiver('ok', 200);
  failing = await startReceiver('failing', 500);
});

// Every test starts without endpoints, with empty receivers, and leaves no endpoint behind.
test.beforeEach(async () => {
  await deleteWebhookEndpoints();
  ok.received.length = 0;
  failing.received.length = 0;
});

test.afterAll(async () => {
  await deleteWebhookEndpoints();
  await ok.close();
  await failing.close();
});

async function openWebhooks(page: Page): Promise<void> {
  await page.getByRole('tab', { name: 'Webhooks' }).click();
  await expect(page.getByRole('heading', { name: 'Webhooks', level: 2 })).toBeVisible();
}

const bodyType = (body: string) => (JSON.parse(body) as { type: string }).type;

test('admin adds an endpoint, sees its secret once, tests it, rotates it and follows its deliveries', async ({
  page,
  signIn,
  checkA11y,
  capture,
}) => {
  await signIn('admin');
  await openWebhooks(page);
  const table = page.getByRole('table', { name: 'Webhook endpoints of the organization, oldest first' });
  await expect(table).toContainText('No endpoints yet.');
  await checkA11y('webhooks without endpoints');

  // The form checks what it can before sending.
  await page.getByRole('button', { name: 'Add endpoint' }).click();
  const form = page.getByRole('dialog', { name: 'Add endpoint' });
  const url = form.getByRole('textbox', { name: 'Endpoint URL' });
  const add = form.getByRole('button', { name: 'Add endpoint' });
  const eventCheckbox = (label: string) => form.getByRole('checkbox', { name: label, exact: true });
  await add.click();
  await expect(url).toHaveAttribute('aria-invalid', 'true');
  await expect(url).toHaveAccessibleDescription(/^Enter the URL that receives the webhooks\./);
  await expect(url).toBeFocused();
  await expect(form.getByText('Choose at least one event.')).toBeVisible();
  await url.fill('ftp://hooks.example.com/pats');
  await add.click();
  await expect(url).toHaveAccessibleDescription(/^Enter a whole URL, starting with https:\/\/\./);
  const labels = [
    'Token created',
    'Token revoked',
    'Token rotated',
    'Token expiring soon',
    'Token expired',
    'Unused token warned',
    'Settings changed',
  ];
  for (const label of labels) await expect(eventCheckbox(label)).not.toBeChecked();
  await expect(eventCheckbox('Token created')).toHaveAccessibleDescription(
    'When someone generates a personal access token.',
  );
  // A problem explained goes away once fixed.
  await url.fill(ok.url);
  await expect(url).not.toHaveAttribute('aria-invalid');
  await eventCheckbox('Token created').check();
  await eventCheckbox('Token revoked').check();
  await expect(form.getByText('Choose at least one event.')).toBeHidden();
  await capture('webhook-add-endpoint.png');
  await checkA11y('add-endpoint dialog');
  await add.click();

  // The secret, once.
  const shown = page.getByRole('dialog', { name: 'Endpoint added' });
  await expect(shown).toBeVisible();
  await expect(form).toBeHidden();
  const field = shown.getByRole('textbox', { name: 'Signing secret' });
  const secret = await field.inputValue();
  expect(secret).toMatch(secretFormat);
  await expect(field).toHaveAttribute('readonly', '');
  await expect(shown.getByText(onceWarning)).toBeVisible();
  await expect(field).toHaveAccessibleDescription(onceWarning);
  await expect(shown.getByRole('button', { name: 'Copy' })).toBeFocused();
  await expect(shown).toContainText(`${ok.url} receives Token created, Token revoked`);
  await expect(shown.getByRole('heading', { name: 'Verifying the signatures' })).toBeVisible();
  await expect(shown.getByRole('link', { name: 'Standard Webhooks' })).toHaveAttribute(
    'href',
    'https://www.standardwebhooks.com/',
  );
  for (const header of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
    await expect(shown.getByText(header, { exact: true }).first()).toBeVisible();
  }
  expect(await placesHolding(page, secret), 'only in the dialog field').toEqual([
    `value of ${await field.getAttribute('id')}`,
  ]);
  await capture('webhook-secret.png', { mask: [field], maskColor: '#d0d7de' });
  await checkA11y('endpoint-added dialog');
  await shown.getByRole('button', { name: 'Done' }).click();
  await expect(shown).toBeHidden();
  await expect(page.getByRole('status').getByText(`Endpoint ${ok.url} added.`)).toBeVisible();
  expect(await placesHolding(page, secret), 'the secret is gone once the dialog closes').toEqual([]);

  const row = table.getByTestId('webhook-row').filter({ hasText: ok.url });
  await expect(row).toContainText('Token created');
  await expect(row).toContainText('Token revoked');
  await expect(row.getByText('Active', { exact: true })).toBeVisible();
  await expect(row.getByRole('cell').nth(2)).toHaveText('Never'); // last success

  // Reopened, the endpoint shows its URL and events, never its secret.
  await row.getByRole('button', { name: `Edit ${ok.url}` }).click();
  const edit = page.getByRole('dialog', { name: 'Edit endpoint' });
  await expect(edit.getByRole('textbox', { name: 'Endpoint URL' })).toHaveValue(ok.url);
  await expect(edit.getByRole('checkbox', { name: 'Token created', exact: true })).toBeChecked();
  await expect(edit.getByRole('checkbox', { name: 'Token revoked', exact: true })).toBeChecked();
  await expect(edit.getByRole('checkbox', { name: 'Settings changed', exact: true })).not.toBeChecked();
  await expect(edit).not.toContainText('whsec_');
  expect(await placesHolding(page, secret)).toEqual([]);
  await checkA11y('edit-endpoint dialog');
  await edit.getByRole('checkbox', { name: 'Token revoked', exact: true }).uncheck();
  await edit.getByRole('button', { name: 'Save' }).click();
  await expect(edit).toBeHidden();
  await expect(page.getByRole('status').getByText(`Endpoint ${ok.url} saved.`)).toBeVisible();
  await expect(row).not.toContainText('Token revoked');
  expect((await webhookEndpoints()).map((e) => e.eventTypes)).toEqual([['TOKEN_CREATED']]);

  // A test event, sent within the call: its outcome in the row, the
  // request at the receiver, signed with the secret shown.
  const outcome = row.getByRole('status');
  await row.getByRole('button', { name: `Send test to ${ok.url}` }).click();
  await expect(outcome).toHaveText(/^Test delivered: HTTP 200 in \d+ ms\.$/);
  expect(ok.received).toHaveLength(1);
  const tested = ok.received[0]!;
  expect(tested.method).toBe('POST');
  expect(tested.path).toBe('/hook/ok');
  for (const header of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
    expect(tested.headers[header], header).toMatch(/\S/);
  }
  expect(bodyType(tested.body)).toBe('webhook.test');
  expect(signingSecrets(tested, [secret])).toEqual([secret]);
  await expect(row.getByRole('cell').nth(2)).toHaveText('Never'); // a test is no delivery of an event

  // A new secret, once; the old one signs beside it for 24 hours.
  await row.getByRole('button', { name: `Rotate secret of ${ok.url}` }).click();
  const rotate = page.getByRole('dialog', { name: 'Rotate the signing secret?' });
  await expect(rotate).toContainText(ok.url);
  await expect(rotate).toContainText('The current secret keeps signing every delivery beside the new one for 24 hours');
  await checkA11y('rotate-secret dialog');
  await rotate.getByRole('button', { name: 'Rotate secret' }).click();
  const rotated = page.getByRole('dialog', { name: 'New signing secret' });
  const newField = rotated.getByRole('textbox', { name: 'Signing secret' });
  const newSecret = await newField.inputValue();
  expect(newSecret).toMatch(secretFormat);
  expect(newSecret).not.toBe(secret);
  await expect(rotated.getByText(onceWarning)).toBeVisible();
  await expect(rotated).toContainText('The previous secret keeps signing every delivery beside it for 24 hours, until');
  await checkA11y('new-secret dialog');
  await rotated.getByRole('button', { name: 'Done' }).click();
  await expect(rotated).toBeHidden();
  await expect(page.getByRole('status').getByText(`The signing secret of ${ok.url} was rotated.`)).toBeVisible();
  await expect(row).toContainText('The previous secret signs too until');
  expect(await placesHolding(page, newSecret)).toEqual([]);

  await row.getByRole('button', { name: `Send test to ${ok.url}` }).click();
  await expect.poll(() => ok.received.length).toBe(2);
  await expect(outcome).toHaveText(/^Test delivered: HTTP 200 in \d+ ms\.$/);
  const overlapping = ok.received[1]!;
  expect(overlapping.headers['webhook-signature']?.split(' ')).toHaveLength(2);
  expect(signingSecrets(overlapping, [newSecret, secret])).toEqual([newSecret, secret]);

  // A token created meanwhile: the delivery worker sends it within seconds.
  const token = await createToken('admin', 'Webhook probe');
  try {
    await row.getByRole('button', { name: `Deliveries to ${ok.url}` }).click();
    const section = page.getByRole('region', { name: `Deliveries to ${ok.url}`, exact: true });
    await expect(section.getByRole('heading', { name: `Deliveries to ${ok.url}` })).toBeFocused();
    const refresh = section.getByRole('button', { name: 'Refresh' });
    const deliveries = section.getByTestId('delivery-row');
    const created = deliveries.filter({ hasText: 'token.created' });
    await expect(async () => {
      await refresh.click();
      await expect(created).toHaveCount(1, { timeout: 1_000 });
      await expect(created).toContainText('Succeeded', { timeout: 1_000 });
    }).toPass({ timeout: 20_000 });
    await expect(deliveries).toHaveCount(3); // and the two tests
    await expect(deliveries.filter({ hasText: 'webhook.test' })).toHaveCount(2);
    const sent = ok.received.filter((r) => bodyType(r.body) === 'token.created');
    expect(sent).toHaveLength(1);
    const event = sent[0]!;
    expect((JSON.parse(event.body) as { data: { token: unknown } }).data.token).toMatchObject({
      id: token.id,
      name: 'Webhook probe',
    });
    expect(event.body, 'no secret in the payload').not.toContain(token.token);
    expect(signingSecrets(event, [newSecret, secret])).toEqual([newSecret, secret]);
    await expect(created).toContainText('Token created');
    await expect(created).toContainText(event.headers['webhook-id'] ?? 'a webhook-id');
    const cells = created.getByRole('cell');
    await expect(cells.nth(0)).toHaveText('Succeeded');
    await expect(cells.nth(1)).toHaveText('1'); // attempts
    await expect(cells.nth(2)).toHaveText('200');
    await expect(cells.nth(3)).toHaveText('—'); // no error
    await expect(cells.nth(4)).toHaveText(/^\d+ ms$/);
    await expect(cells.nth(5)).toHaveText('—'); // no next attempt

    // Now the endpoint has a last success.
    await page.getByRole('button', { name: 'Refresh' }).first().click();
    await expect(row.getByRole('cell').nth(2)).not.toHaveText('Never');

    // By status.
    const statusFilter = section.getByRole('combobox', { name: 'Status' });
    await statusFilter.selectOption({ label: 'Failed' });
    await expect(section.getByText('No deliveries with this status.')).toBeVisible();
    await statusFilter.selectOption({ label: 'Succeeded' });
    await expect(deliveries).toHaveCount(3);
    await statusFilter.selectOption({ label: 'All statuses' });
    await expect(deliveries).toHaveCount(3);

    // Sent again: a new delivery of the same event, same body and webhook-id.
    await created.getByRole('button', { name: /^Redeliver Token created/ }).click();
    await expect(
      page.getByRole('status').getByText(`Token created queued again for ${ok.url}: it is sent within seconds.`),
    ).toBeVisible();
    await expect(async () => {
      await refresh.click();
      await expect(created).toHaveCount(2, { timeout: 1_000 });
      await expect(created.filter({ hasText: 'Succeeded' })).toHaveCount(2, { timeout: 1_000 });
    }).toPass({ timeout: 20_000 });
    const again = ok.received.filter((r) => bodyType(r.body) === 'token.created');
    expect(again).toHaveLength(2);
    expect(again[1]?.headers['webhook-id']).toBe(event.headers['webhook-id']);
    expect(again[1]?.body).toBe(event.body);
    await checkA11y('webhook deliveries');
    await page.evaluate(() => window.scrollTo(0, 0));
    await capture('webhooks.png');
  } finally {
    await revokeTokens('admin', [token.id]);
  }
});

test('a receiver that answers 500: the test says so, its deliveries page and filter, the endpoint is deleted', async ({
  page,
  signIn,
  checkA11y,
}) => {
  // 20 failed tests through the API: a page of deliveries.
  const { endpoint } = await createWebhookEndpoint(failing.url, ['SETTINGS_UPDATED']);
  for (let i = 0; i < 20; i++) {
    expect(await sendTestWebhook(endpoint.id)).toMatchObject({ status: 'FAILED', lastHttpStatus: 500 });
  }
  await signIn('admin');
  await openWebhooks(page);
  const row = page.getByTestId('webhook-row').filter({ hasText: failing.url });
  await row.getByRole('button', { name: `Send test to ${failing.url}` }).click();
  await expect(row.getByRole('status')).toHaveText(
    /^Test failed: HTTP 500 in \d+ ms; the receiver answered with an error status\.$/,
  );
  // A test is not retried, and never makes an endpoint failing.
  await expect(row.getByText('Active', { exact: true })).toBeVisible();
  expect(failing.received).toHaveLength(21);
  await checkA11y('webhooks with a failed test');

  await row.getByRole('button', { name: `Deliveries to ${failing.url}` }).click();
  const section = page.getByRole('region', { name: `Deliveries to ${failing.url}`, exact: true });
  const deliveries = section.getByTestId('delivery-row');
  await expect(deliveries).toHaveCount(20);
  const newest = deliveries.first().getByRole('cell');
  await expect(newest.nth(0)).toHaveText('Failed');
  await expect(newest.nth(2)).toHaveText('500');
  await expect(newest.nth(3)).toContainText('http_status');
  await expect(newest.nth(3)).toContainText('the receiver answered with an error status');

  // Load more asks for the deliveries after the last one shown.
  const lastShown = await deliveries.last().getAttribute('data-delivery-id');
  const asked = page.waitForRequest((r) => r.url().endsWith('/query') && !!r.postData()?.includes('webhookDeliveries'));
  await section.getByRole('button', { name: 'Load more' }).click();
  const { variables } = (await asked).postDataJSON() as { variables: { after?: string; first?: number } };
  expect(variables).toMatchObject({ after: lastShown, first: 20 });
  await expect(deliveries).toHaveCount(21);
  await expect(section.getByRole('button', { name: 'Load more' })).toHaveCount(0);

  const statusFilter = section.getByRole('combobox', { name: 'Status' });
  await statusFilter.selectOption({ label: 'Succeeded' });
  await expect(section.getByText('No deliveries with this status.')).toBeVisible();
  await statusFilter.selectOption({ label: 'Failed' });
  await expect(deliveries).toHaveCount(20);
  await expect(section.getByRole('button', { name: 'Load more' })).toBeVisible();
  await checkA11y('webhook deliveries, failed');

  // Deleted after a confirmation naming it; its deliveries go with it.
  await row.getByRole('button', { name: `Delete ${failing.url}` }).click();
  const confirm = page.getByRole('dialog', { name: 'Delete endpoint?' });
  await expect(confirm).toContainText(`${failing.url} stops receiving events at once.`);
  await checkA11y('delete-endpoint dialog');
  await confirm.getByRole('button', { name: 'Delete endpoint' }).click();
  await expect(confirm).toBeHidden();
  await expect(page.getByRole('status').getByText(`Endpoint ${failing.url} deleted.`)).toBeVisible();
  await expect(row).toHaveCount(0);
  await expect(section).toHaveCount(0);
  await expect(page.getByText('No endpoints yet.')).toBeVisible();
  expect(await webhookEndpoints()).toEqual([]);
});

test('a failing endpoint is told on every admin page; refused input is explained', async ({
  page,
  signIn,
  checkA11y,
  capture,
}) => {
  const { endpoint } = await createWebhookEndpoint(ok.url, ['TOKEN_ROTATED']);
  const since = new Date(Date.now() - 26 * 3600_000).toISOString();
  // A day of retries cannot pass in a test: the API's answer says FAILING.
  await page.route('**/query', async (route) => {
    const { query } = route.request().postDataJSON() as { query: string };
    if (!query.includes('webhookEndpoints')) return route.fallback();
    const response = await route.fetch();
    const body = (await response.json()) as { data?: { webhookEndpoints?: Array<Record<string, unknown>> } };
    for (const e of body.data?.webhookEndpoints ?? []) {
      if (e.id === endpoint.id) Object.assign(e, { status: 'FAILING', failingSince: since });
    }
    await route.fulfill({ response, json: body });
  });
  await signIn('admin');
  const banner = page.getByRole('region', { name: 'Failing webhooks' });
  await expect(banner).toContainText(`Deliveries to ${ok.url} have been failing since`);
  await expect(banner.locator(`time[datetime="${since}"]`)).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Personal Access Tokens', level: 2 })).toBeVisible();
  await capture('webhook-failing-banner.png');
  await checkA11y('token tab with a failing webhook');
  await page.getByRole('tab', { name: 'Audit trail' }).click();
  await expect(banner).toBeVisible();

  await banner.getByRole('button', { name: 'Open Webhooks' }).click();
  await expect(page.getByRole('heading', { name: 'Webhooks', level: 2 })).toBeFocused();
  await expect(banner.getByRole('button', { name: 'Open Webhooks' })).toHaveCount(0);
  const row = page.getByTestId('webhook-row').filter({ hasText: ok.url });
  await expect(row.getByText('Failing', { exact: true })).toBeVisible();
  await expect(row.locator(`time[datetime="${since}"]`)).toBeVisible();
  await checkA11y('webhooks with a failing endpoint');

  // The banner follows the server: once it says ACTIVE, it is gone.
  await page.unroute('**/query');
  await page.getByRole('button', { name: 'Refresh' }).click();
  await expect(banner).toHaveCount(0);
  await expect(row.getByText('Active', { exact: true })).toBeVisible();

  // The server's refusals, made up: it takes every URL here
  // (PATS_WEBHOOKS_ALLOW_PRIVATE), and 10 endpoints take long to add.
  const refusals = [
    {
      message: 'invalid webhook URL: it must use https://, not http://',
      path: ['createWebhookEndpoint'],
      extensions: { code: 'BAD_USER_INPUT', field: 'url' },
    },
    {
      message: 'an organization has at most 10 webhook endpoints',
      path: ['createWebhookEndpoint'],
      extensions: { code: 'BAD_USER_INPUT', limit: 10 },
    },
  ];
  await page.route('**/query', (route) =>
    route.request().postData()?.includes('createWebhookEndpoint')
      ? route.fulfill({ json: { data: null, errors: [refusals.shift()] } })
      : route.fallback(),
  );
  await page.getByRole('button', { name: 'Add endpoint' }).click();
  const form = page.getByRole('dialog', { name: 'Add endpoint' });
  const url = form.getByRole('textbox', { name: 'Endpoint URL' });
  await url.fill('http://hooks.example.com/pats');
  await form.getByRole('checkbox', { name: 'Settings changed', exact: true }).check();
  await form.getByRole('button', { name: 'Add endpoint' }).click();
  await expect(url).toHaveAttribute('aria-invalid', 'true');
  await expect(url).toHaveAccessibleDescription(/^Invalid webhook URL: it must use https:\/\/, not http:\/\/\./);
  await expect(url).toBeFocused();
  await checkA11y('add-endpoint dialog with a refused URL');
  await url.fill('https://hooks.example.com/pats');
  await form.getByRole('button', { name: 'Add endpoint' }).click();
  await expect(form.getByRole('alert')).toHaveText(
    'Your organization already has the most endpoints allowed (10). Delete one before adding another.',
  );
  await page.unroute('**/query');
  await form.getByRole('button', { name: 'Cancel' }).click();
  await expect(form).toBeHidden();
  expect((await webhookEndpoints()).map((e) => e.id)).toEqual([endpoint.id]);
});
