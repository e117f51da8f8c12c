// Takes the dashboard screenshots in docs/ (used by the README): `npx tsx scripts/screenshots.ts`.
// Builds the app in-process on sandbox instances with some made-up traffic, serves it on a free
// port of 127.0.0.1 and drives Debian's Chromium (CHROMIUM_PATH overrides) through the main pages.
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve, type ServerType } from '@hono/node-server';
import { chromium, type Browser, type Page } from 'playwright-core';
import { linkedSandbox, TOKEN, testServer, type TestServer } from '../test/support/app.js';

const docs = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'docs');

async function must(s: TestServer, method: string, url: string, body?: unknown) {
  const res = await s.json(method, url, body);
  if (res.status !== 200) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Three instances: "sales" linked with some history, rules and a webhook; "support" waiting for a scan; "archive" stopped. */
async function seed(s: TestServer) {
  await must(s, 'POST', '/api/instance', { id: 'sales', description: 'Sales line', engine: 'sandbox' });
  await must(s, 'POST', '/api/instance/sales/connect');
  await must(s, 'POST', '/api/sandbox/sales/scan', { phone: '905321110000', name: 'Hatline Sales' });
  await linkedSandbox(s, 'support', '905321119999', 'Support desk');
  await must(s, 'POST', '/api/instance/support/logout');
  await must(s, 'POST', '/api/instance/support/connect');
  await must(s, 'POST', '/api/instance', { id: 'archive', description: 'Old number', engine: 'sandbox' });

  await must(s, 'POST', '/api/instance/sales/settings', { webhookUrl: 'http://127.0.0.1:9/hooks/whatsapp', webhookEnabled: true });
  await must(s, 'POST', '/api/instance/sales/chatbot/rules', { trigger_text: 'fiyat', match_type: 'contains', response: 'Merhaba {name}, fiyat listemiz ekte.', delay: 2 });
  await must(s, 'POST', '/api/instance/sales/chatbot/rules', { trigger_text: 'saat', match_type: 'exact', response: 'Şu an saat {time}.', priority: 1 });
  await must(s, 'POST', '/api/sandbox/sales/incoming', { from: '905551112233', name: 'Cem', body: 'Merhaba, siparişim ne zaman gelir?' });
  await must(s, 'POST', '/api/instance/sales/messages/chat', { to: '905551112233', body: 'Merhaba Cem, yarın kargoda olacak.' });
  await must(s, 'POST', '/api/sandbox/sales/incoming', { from: '905447778899', name: 'Ayşe', body: 'Teşekkürler, iyi günler!' });
  await must(s, 'POST', '/api/instance/sales/messages/chat', { to: '905447778899', body: 'Rica ederiz!' });
  await must(s, 'POST', '/api/instance/sales/messages/chat', { to: '905321234567', body: 'Yeni kampanyamız başladı: %20 indirim.' });
  await new Promise((r) => setTimeout(r, 400)); // let the sandbox acks (sent -> delivered) land
}

/** A bulk job that is still running while its screenshot is taken. */
async function startBulk(s: TestServer) {
  const recipients = [
    { id: '905551112233', name: 'Cem' },
    { id: '905447778899', name: 'Ayşe' },
    { id: '905321234567', name: 'Mehmet' },
    { id: '905301112244', name: 'Zeynep' },
    { id: '905301112255', name: 'Ali' },
    { id: '905301112266', name: 'Elif' },
  ];
  await must(s, 'POST', '/api/instance/sales/bulk', { recipients, body: 'Merhaba {name}, kampanyamız başladı!', delay: 2 });
}

async function shot(page: Page, name: string) {
  await page.evaluate(() => document.getElementById('notices')?.replaceChildren());
  await page.screenshot({ path: path.join(docs, name), fullPage: true });
  console.log(`docs/${name}`);
}

async function main() {
  const s = await testServer();
  let server: ServerType | undefined;
  let browser: Browser | undefined;
  try {
    await seed(s);
    const base = await new Promise<string>((resolve) => {
      server = serve({ fetch: s.hatline.app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => resolve(`http://127.0.0.1:${info.port}/`));
    });
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
    page.setDefaultTimeout(15_000);

    await page.goto(base);
    await page.getByLabel('API token').fill(TOKEN);
    await shot(page, 'dashboard-sign-in.png');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('cell', { name: 'sales', exact: true }).waitFor();
    await shot(page, 'dashboard-instances.png');

    await page.goto(`${base}#/instance/support`);
    await page.waitForFunction(() => (document.querySelector<HTMLImageElement>('#qr-image')?.naturalWidth ?? 0) > 0);
    await shot(page, 'dashboard-qr.png');

    await page.goto(`${base}#/instance/sales`);
    await page.getByText('+905321110000', { exact: true }).waitFor();
    await shot(page, 'dashboard-overview.png');

    await page.goto(`${base}#/instance/sales/messages`);
    await page.locator('#message-list tr', { hasText: 'kampanyamız' }).waitFor();
    await shot(page, 'dashboard-messages.png');

    await page.goto(`${base}#/instance/sales/send`);
    await page.locator('#recent-messages tr', { hasText: 'kampanyamız' }).waitFor();
    await shot(page, 'dashboard-send.png');

    await startBulk(s);
    await page.goto(`${base}#/instance/sales/bulk`);
    await page.getByRole('button', { name: 'Recipients' }).first().click();
    await page.getByRole('cell', { name: 'Ayşe (905447778899)' }).waitFor();
    await page.waitForTimeout(2500); // a recipient or two further along
    await shot(page, 'dashboard-bulk.png');

    await page.goto(`${base}#/instance/sales/chatbot`);
    await page.getByText('fiyat', { exact: true }).waitFor();
    await shot(page, 'dashboard-chatbot.png');

    await page.goto(`${base}#/instance/sales/settings`);
    await page.getByRole('cell', { name: 'message_ack' }).first().waitFor();
    await shot(page, 'dashboard-settings.png');
  } finally {
    await browser?.close();
    if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
    await s.close();
  }
}

await main();
