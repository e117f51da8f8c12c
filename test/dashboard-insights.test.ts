import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { chromium, type Browser } from 'playwright-core';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { closesServers, eventually, linkedSandbox, testServer, TOKEN, type TestServer } from './support/app.js';

closesServers(test);

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const A = '905321000241';
const B = '905321000242';
// A 2x2 PNG, so a loaded preview has a size.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFElEQVR4nGP4z8DAAMIM/////w8AH+4F+7C4l8kAAAAASUVORK5CYII=', 'base64');
const PDF = Buffer.from('%PDF-1.4\n% hatline test\n');

async function listen(s: TestServer): Promise<{ server: ServerType; base: string }> {
  return new Promise((resolve) => {
    const server = serve({ fetch: s.hatline.app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => {
      resolve({ server, base: `http://127.0.0.1:${info.port}/` });
    });
  });
}

const closeServer = (server: ServerType) => new Promise<void>((resolve) => server.close(() => resolve()));

test("instance groups on the instance list, the Analytics chart, the Files view with previews and downloads, and deleting an instance's data from its Overview", async () => {
  const s = await testServer();
  await linkedSandbox(s, 'shop', A);
  await linkedSandbox(s, 'support', B);
  await s.json('POST', '/api/instance', { id: 'spare', engine: 'sandbox' });
  assert.is((await s.json('POST', '/api/instance/shop/messages/image', { to: B, image: `data:image/png;base64,${PNG.toString('base64')}`, caption: 'Katalog' })).status, 200);
  assert.is((await s.json('POST', '/api/instance/shop/messages/document', { to: B, document: `data:application/pdf;base64,${PDF.toString('base64')}`, filename: 'fiyatlar.pdf' })).status, 200);
  assert.is((await s.json('POST', '/api/instance/support/messages/chat', { to: A, body: 'teşekkürler' })).status, 200);
  await eventually('support received both files', async () => (await s.json('GET', '/api/instance/support/messages?status=received')).body.total === 2);
  // The chart counts what was received and what WhatsApp's server confirmed: wait for all of it.
  await eventually('shop received the reply', async () => (await s.json('GET', '/api/instance/shop/messages?status=received')).body.total === 1);
  for (const id of ['shop', 'support']) {
    await eventually(`${id}'s sends confirmed by the server`, async () => (await s.json('GET', `/api/instance/${id}/messages?status=pending`)).body.total === 0);
  }
  const { server, base } = await listen(s);
  let browser: Browser | undefined;
  const pageErrors: string[] = [];
  try {
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
    const context = await browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (err) => pageErrors.push(err.message));
    page.on('dialog', (dialog) => void dialog.accept());

    await page.goto(base);
    await page.getByLabel('API token').fill(TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Instances', level: 1 }).waitFor();

    // Instance groups: create two, file instances under them, see them grouped, filter.
    await page.getByLabel('Group name').fill('Satış');
    await page.getByLabel('Colour', { exact: true }).selectOption('sky');
    await page.getByRole('button', { name: 'Create group' }).click();
    await page.getByText('Group "Satış" created.').waitFor();
    await page.getByLabel('Group name').fill('Destek');
    await page.getByRole('button', { name: 'Create group' }).click();
    await page.getByText('Group "Destek" created.').waitFor();
    await page.getByLabel('Group of shop').selectOption({ label: 'Satış' });
    await page.locator('section[data-group] h3', { hasText: 'Satış (1)' }).waitFor();
    await page.getByLabel('Group of support').selectOption({ label: 'Destek' });
    await page.locator('section[data-group] h3', { hasText: 'Destek (1)' }).waitFor();
    const groups = (await s.json('GET', '/api/instance-groups')).body.groups;
    const sales = groups.find((g: any) => g.name === 'Satış');
    assert.equal([sales.color, sales.instanceIds], ['sky', ['shop']]);
    assert.is((await s.json('GET', '/api/instance')).body.details.support.groupId, groups.find((g: any) => g.name === 'Destek').id);
    await page.locator(`section[data-group="${sales.id}"]`).getByRole('link', { name: 'shop', exact: true }).waitFor();
    await page.locator('section[data-group="none"]').getByRole('link', { name: 'spare', exact: true }).waitFor();

    await page.getByLabel('Show').selectOption({ label: 'Satış' });
    await page.locator('section[data-group="none"]').waitFor({ state: 'detached' });
    assert.is(await page.locator('#instance-list').getByRole('link', { name: 'support', exact: true }).count(), 0);
    await page.locator('#instance-list').getByRole('link', { name: 'shop', exact: true }).waitFor();
    await page.getByLabel('Show').selectOption({ label: 'No group' });
    await page.locator('#instance-list').getByRole('link', { name: 'spare', exact: true }).waitFor();
    assert.is(await page.locator('#instance-list').getByRole('link', { name: 'shop', exact: true }).count(), 0);
    await page.getByLabel('Show').selectOption({ label: 'All groups' });

    // Deleting a group leaves its instance without one.
    await page.getByRole('button', { name: 'Delete group Destek' }).click();
    await page.getByText('Group "Destek" deleted.').waitFor();
    await page.locator('section[data-group="none"]').getByRole('link', { name: 'support', exact: true }).waitFor();

    // Analytics: the totals and an SVG chart with a line per series, drawn from what was sent.
    await page.getByRole('link', { name: 'Analytics', exact: true }).click();
    await page.getByRole('heading', { name: 'Analytics', level: 1 }).waitFor();
    await page.getByLabel('Range').selectOption('24h');
    const chart = page.locator('#analytics-chart svg[role=img]');
    // The page opens on 7 days: until the 24-hour answer is drawn, the chart on screen is that one.
    await page.locator('#analytics-chart svg[role=img][aria-label*="last 24 hours"]').waitFor();
    const label = (await chart.getAttribute('aria-label'))!;
    const api = (await s.json('GET', '/api/analytics?range=24h')).body.totals;
    assert.match(label, /Messages, last 24 hours .*: 3 sent, 3 received, 0 failed/, `the chart says "${label}"; the API's totals: ${JSON.stringify(api)}`);
    assert.is(await page.locator('#analytics-chart polyline').count(), 3);
    await page.locator('#analytics-totals dd').first().getByText('3').waitFor();
    await page.locator('#analytics-top tr', { hasText: 'shop' }).waitFor();
    await page.getByLabel('Instance', { exact: true }).selectOption('support');
    await eventually('the chart of one instance', async () => /instance support .*: 1 sent, 2 received/.test((await chart.getAttribute('aria-label')) ?? ''), 10_000);
    await page.getByText('The figures').click();
    await page.locator('#analytics-chart table tbody tr').nth(23).waitFor();

    // Files: counts per type, an image preview, a PDF downloaded under its name.
    await page.getByRole('link', { name: 'Files', exact: true }).click();
    await page.getByRole('heading', { name: 'Files', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'All (4)' }).waitFor();
    await page.getByRole('button', { name: 'Images (2)' }).waitFor();
    await page.getByLabel('Instance', { exact: true }).selectOption('shop');
    await page.getByRole('button', { name: 'Images (1)' }).waitFor();
    const preview = page.locator('.file-card', { hasText: 'Katalog' }).locator('img');
    await preview.waitFor();
    await eventually('the preview loaded', async () => (await preview.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)) === 2);
    assert.match((await preview.getAttribute('src'))!, /^blob:/, 'fetched with the token, not through a URL that carries it');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download fiyatlar.pdf' }).click()]);
    assert.is(download.suggestedFilename(), 'fiyatlar.pdf');
    assert.ok(readFileSync((await download.path())!).equals(PDF));

    await page.getByRole('button', { name: 'Documents (1)' }).click();
    await page.locator('.file-card .file-name', { hasText: 'fiyatlar.pdf' }).waitFor();
    await page.locator('.file-card', { hasText: 'Katalog' }).waitFor({ state: 'detached' });
    assert.is(await page.locator('.file-card').count(), 1);
    await page.getByLabel('Search').fill('yok böyle');
    await page.getByText('No files here.').waitFor();

    // Deleting the data of an instance but keeping it, from its Overview.
    await page.goto(`${base}#/instance/shop/overview`);
    await page.getByRole('heading', { name: 'Delete data', level: 2 }).waitFor();
    await page.getByLabel('Contacts', { exact: true }).uncheck();
    await page.getByRole('button', { name: 'Delete the data' }).click();
    await page.locator('#delete-data-result').getByText(/^Removed 3 messages, \d+ chats, 2 media files, no webhook and 0 chatbot rules\.$/).waitFor();
    assert.is((await s.json('GET', '/api/instance/shop/messages')).body.total, 0);
    assert.ok((await s.json('GET', '/api/instance/shop/contacts')).body.length > 0, 'contacts were left alone');
    assert.is((await s.json('GET', '/api/instance/shop/status')).body.accountStatus.status, 'open');

    assert.equal(pageErrors, [], 'no script errors on the page');
  } finally {
    await browser?.close();
    await closeServer(server);
  }
});

test.run();
