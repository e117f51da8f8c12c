import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { chromium, type Browser, type Page } from 'playwright-core';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { closesServers, testServer, TOKEN, type TestServer } from './support/app.js';

closesServers(test);

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

async function listen(s: TestServer): Promise<{ server: ServerType; base: string }> {
  return new Promise((resolve) => {
    const server = serve({ fetch: s.hatline.app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => {
      resolve({ server, base: `http://127.0.0.1:${info.port}/` });
    });
  });
}

const closeServer = (server: ServerType) => new Promise<void>((resolve) => server.close(() => resolve()));

async function signIn(page: Page, base: string, token: string) {
  await page.goto(base);
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Instances', level: 1 }).waitFor();
}

test('the Access page: create a key (shown once, copied), list and revoke it, create an embed token, see usage; a key signed in is told what it may not see', async () => {
  const s = await testServer();
  await s.json('POST', '/api/instance', { id: 'shop', engine: 'sandbox' });
  await s.json('POST', '/api/instance', { id: 'other', engine: 'sandbox' });
  const { server, base } = await listen(s);
  let browser: Browser | undefined;
  const pageErrors: string[] = [];
  try {
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
    const context = await browser.newContext();
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base.replace(/\/$/, '') });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (err) => pageErrors.push(err.message));
    page.on('dialog', (dialog) => void dialog.accept());

    await signIn(page, base, TOKEN);
    await page.getByRole('link', { name: 'Access', exact: true }).click();
    await page.getByRole('heading', { name: 'Access', level: 1 }).waitFor();
    await page.locator('#key-list').getByText('No API keys yet.').waitFor();

    // A key for one instance, with read and send (the defaults).
    await page.getByLabel('Name', { exact: true }).fill('CRM');
    await page.getByLabel('Scope').selectOption('instance');
    await page.locator('#key-instances-shop').check();
    await page.getByRole('button', { name: 'Create key' }).click();
    const shown = page.getByRole('textbox', { name: 'API key', exact: true });
    await shown.waitFor();
    const plain = await shown.inputValue();
    assert.match(plain, /^hl_live_[A-Za-z0-9_-]{40}$/);
    await page.getByRole('button', { name: 'Copy API key' }).click();
    await page.getByText('API key copied.').waitFor();
    assert.is(await page.evaluate(() => navigator.clipboard.readText()), plain, 'the copy button copies the key');

    const keyRow = page.locator('#key-list tr', { hasText: 'CRM' });
    await keyRow.waitFor();
    const rowText = (await keyRow.textContent()) ?? '';
    assert.ok(rowText.includes(plain.slice(0, 16)), 'the list shows the prefix');
    assert.not.ok(rowText.includes(plain), 'never the key');
    assert.match(rowText, /shop/);
    assert.match(rowText, /read, send/);

    await page.getByRole('button', { name: 'Done: I copied it' }).click();
    await shown.waitFor({ state: 'detached' });
    assert.not.ok((await page.content()).includes(plain), 'once dismissed, the key is gone from the page');

    // The key works; its use shows in the usage table.
    assert.is((await s.json('GET', '/api/instance/shop/status', undefined, { authorization: `Bearer ${plain}` })).status, 200);
    await page.reload();
    await page.locator('#usage-keys tr', { hasText: 'CRM' }).waitFor();
    await page.locator('#usage-instances tr', { hasText: 'shop' }).waitFor();

    // An embed token: its URL and token are shown once.
    await page.getByLabel('Customer').fill('Acme');
    await page.locator('#embed-instances-shop').check();
    await page.getByLabel('Access', { exact: true }).selectOption('read_write');
    await page.getByRole('button', { name: 'Create embed token' }).click();
    const url = await page.getByRole('textbox', { name: 'Embed URL' }).inputValue();
    assert.match(url, /\/embed\/#token=hl_embed_/);
    await page.locator('#embed-token-list tr', { hasText: 'Acme' }).waitFor();
    await page.getByRole('button', { name: 'Done: I copied it' }).click();

    // Revoke the key: it answers 401 from then on.
    await page.locator('#key-list').getByRole('button', { name: 'Revoke key CRM' }).click();
    await page.locator('#key-list tr', { hasText: 'revoked' }).waitFor();
    assert.is((await s.json('GET', '/api/instance/shop/status', undefined, { authorization: `Bearer ${plain}` })).status, 401);
    await page.locator('#audit-log tr', { hasText: 'key.revoke' }).waitFor();

    // Signed in with a key: the instances it reaches, and why the key list is not shown.
    const reader = (await s.json('POST', '/api/keys', { name: 'reader', scope: 'instance', instanceIds: ['shop'], permissions: ['read'] })).body.plain;
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(page, base, reader);
    await page.getByRole('cell', { name: 'shop', exact: true }).waitFor();
    assert.is(await page.getByRole('cell', { name: 'other', exact: true }).count(), 0, 'the other instance is not listed');
    await page.getByRole('link', { name: 'Access', exact: true }).click();
    await page.getByText(/API keys: GET \/api\/keys is open to the admin token only/).waitFor();
    await page.locator('#usage-keys tr', { hasText: 'reader' }).waitFor();
    assert.is(await page.getByRole('button', { name: 'Create key' }).isVisible(), false, 'no form it cannot use');

    assert.equal(pageErrors, [], 'no script errors on the page');
  } finally {
    await browser?.close();
    await closeServer(server);
    await s.close();
  }
});

test.run();
