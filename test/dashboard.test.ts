import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { chromium, type Browser, type Page } from 'playwright-core';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TOKEN, testServer, type TestServer, closesServers } from './support/app.js';

closesServers(test);

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** The whole app on a real port of 127.0.0.1, for a browser to load. */
async function listen(s: TestServer): Promise<{ server: ServerType; base: string }> {
  return new Promise((resolve) => {
    const server = serve({ fetch: s.hatline.app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => {
      resolve({ server, base: `http://127.0.0.1:${info.port}/` });
    });
  });
}

const closeServer = (server: ServerType) => new Promise<void>((resolve) => server.close(() => resolve()));

/** Fails with what the page showed in its alert region, if anything. */
async function alerts(page: Page): Promise<string> {
  return (await page.locator('#alerts').textContent()) ?? '';
}

test('the dashboard: sign in, create a sandbox instance, connect, see the QR, scan, see open, send a message and see it listed', async () => {
  const s = await testServer();
  const { server, base } = await listen(s);
  let browser: Browser | undefined;
  const pageErrors: string[] = [];
  try {
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
    const page = await browser.newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (err) => pageErrors.push(err.message));
    page.on('dialog', (dialog) => void dialog.accept());

    // A wrong token is refused, and the page says so.
    await page.goto(base);
    await page.getByLabel('API token').fill('not-the-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('That token was refused').waitFor();

    // The right one signs in to the (empty) instance list.
    await page.getByLabel('API token').fill(TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Instances', level: 1 }).waitFor();
    await page.getByText('No instances yet').waitFor();
    assert.is(await page.evaluate(() => sessionStorage.getItem('hatline.token')), TOKEN, 'the token is kept in session storage');

    // Create a sandbox instance: the page moves to it.
    await page.getByLabel('Id (optional)').fill('web1');
    await page.getByLabel('Engine').selectOption('sandbox');
    await page.getByRole('button', { name: 'Create instance' }).click();
    await page.waitForURL(/#\/instance\/web1$/);
    await page.getByRole('heading', { name: 'web1', level: 1 }).waitFor();
    await page.locator('.head-status .badge', { hasText: 'disconnected' }).waitFor();

    // Connect: the QR image appears and loads.
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    const qr = page.getByRole('img', { name: /QR code/ });
    await qr.waitFor({ state: 'visible' });
    await page.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>('#qr-image');
      return !!img && img.complete && img.naturalWidth > 0;
    });
    await page.locator('.head-status .badge', { hasText: 'connecting' }).waitFor();

    // The sandbox plays the phone: the instance becomes open, the QR goes, the account shows.
    await page.getByLabel('Phone (optional)', { exact: true }).fill('905320000001');
    await page.getByLabel('Name (optional)', { exact: true }).fill('Dashboard Test');
    await page.getByRole('button', { name: 'Simulate scan' }).click();
    await page.locator('.head-status .badge', { hasText: 'open' }).waitFor();
    await qr.waitFor({ state: 'hidden' });
    await page.getByText('+905320000001', { exact: true }).waitFor();
    const status = await s.json('GET', '/api/instance/web1/status');
    assert.is(status.body.accountStatus.status, 'open');

    // Send a text to another number; it is listed with a status.
    await page.getByRole('link', { name: 'Send', exact: true }).click();
    await page.getByLabel('To (phone with country code, or chat id)').fill('905321234567');
    await page.getByLabel('Message', { exact: true }).fill('Merhaba from the dashboard');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await page.getByText(/^Sent \(id /).waitFor();

    await page.getByRole('link', { name: 'Messages', exact: true }).click();
    const row = page.locator('#message-list tr', { hasText: 'Merhaba from the dashboard' });
    await row.waitFor();
    const rowText = (await row.textContent()) ?? '';
    assert.match(rowText, /\+905321234567/);
    assert.match(rowText, /sent|delivered|read/, `a status is shown: ${rowText}`);

    // An API error is shown to the person, not swallowed: creating "web1" again is a 409.
    await page.getByRole('link', { name: '← All instances' }).click();
    await page.getByRole('cell', { name: 'web1', exact: true }).waitFor();
    await page.getByLabel('Id (optional)').fill('web1');
    await page.getByRole('button', { name: 'Create instance' }).click();
    await page.locator('#alerts .alert-error').waitFor();
    assert.match(await alerts(page), /web1/);
    assert.match(await alerts(page), /HTTP 409/);

    assert.equal(pageErrors, [], 'no script errors on the page');
  } finally {
    await browser?.close();
    await closeServer(server);
    await s.close();
  }
});

test.run();
