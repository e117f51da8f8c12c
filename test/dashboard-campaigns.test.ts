import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { chromium, type Browser } from 'playwright-core';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { closesServers, eventually, linkedSandbox, testServer, TOKEN, type TestServer } from './support/app.js';

closesServers(test);

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const A = '905321000231';
const B = '905321000232';
const C = '905321000233';

async function listen(s: TestServer): Promise<{ server: ServerType; base: string }> {
  return new Promise((resolve) => {
    const server = serve({ fetch: s.hatline.app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => {
      resolve({ server, base: `http://127.0.0.1:${info.port}/` });
    });
  });
}

const closeServer = (server: ServerType) => new Promise<void>((resolve) => server.close(() => resolve()));

test('the Templates and Campaigns pages: write a template with variables, start a campaign from it with values per recipient, follow it to the end, delete it; the bulk form takes values per recipient too', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'shop', A);
  await linkedSandbox(s, 'b', B);
  await linkedSandbox(s, 'c', C);
  const { server, base } = await listen(s);
  let browser: Browser | undefined;
  const pageErrors: string[] = [];
  try {
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
    const page = await browser.newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (err) => pageErrors.push(err.message));
    page.on('dialog', (dialog) => void dialog.accept());

    await page.goto(base);
    await page.getByLabel('API token').fill(TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Instances', level: 1 }).waitFor();

    // Templates: the defaults are listed; a new one shows the variables it uses.
    await page.getByRole('link', { name: 'Templates', exact: true }).click();
    await page.getByRole('heading', { name: 'Templates', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Edit Welcome' }).waitFor();
    await page.getByLabel('Title', { exact: true }).fill('Kampanya');
    await page.getByLabel('Text', { exact: true }).fill('Merhaba {name}, {code} kodu ile %{rate} indirim!');
    await page.getByText('Variables: {name} {code} {rate}').waitFor();
    await page.getByLabel('Category (optional)').fill('Pazarlama');
    await page.getByLabel('Shortcut (optional)').fill('/bahar');
    await page.getByRole('button', { name: 'Create template' }).click();
    await page.getByText('Template "Kampanya" created.').waitFor();
    const row = page.locator('#template-list tr', { hasText: 'Kampanya' });
    await row.getByText('{name} {code} {rate}').waitFor();
    const template = (await s.json('GET', '/api/templates?q=kampanya')).body.templates[0];
    assert.equal([template.category, template.shortcut, template.instanceId], ['Pazarlama', '/bahar', null]);

    // Edit it.
    await page.getByRole('button', { name: 'Edit Kampanya' }).click();
    await page.getByLabel('Text', { exact: true }).fill('Merhaba {name}, {code} kodu ile %{rate} indirim! Son gün {date}.');
    await page.getByRole('button', { name: 'Save template' }).click();
    await page.getByText('Template "Kampanya" saved.').waitFor();
    assert.match((await s.json('GET', `/api/templates/${template.id}`)).body.template.body, /Son gün \{date\}/);

    // Campaigns: from the template, two recipients with their own values.
    await page.getByRole('link', { name: 'Campaigns', exact: true }).click();
    await page.getByRole('heading', { name: 'Campaigns', level: 1 }).waitFor();
    await page.getByLabel('Campaign name').fill('Bahar');
    await page.getByLabel('Instance', { exact: true }).selectOption('shop');
    await page.getByLabel('Template', { exact: true }).selectOption({ label: 'Kampanya' });
    await page.getByLabel('Delay between messages (ms)').fill('500');
    await page.getByLabel('Recipients', { exact: true }).fill(`${B}, Burak, code=B-1, rate=20\n${C}, Cem, code=C-2, rate=25`);
    await page.getByText('2 recipients · variables: {name} {code} {rate} {date} · 2 recipients without {date}: sent as written').waitFor();
    await page.getByRole('button', { name: 'Start campaign' }).click();
    await page.getByText('Campaign "Bahar" started: 2 recipients.').waitFor();
    const detail = page.locator('#campaign-detail');
    await detail.getByRole('heading', { name: 'Bahar', level: 2 }).waitFor();
    await detail.locator('tr', { hasText: 'Burak' }).getByText('sent', { exact: true }).waitFor();
    await detail.locator('tr', { hasText: 'Cem' }).getByText('sent', { exact: true }).waitFor();
    await detail.getByText('completed', { exact: true }).waitFor();
    await detail.getByText('code=C-2, rate=25').waitFor();

    const got = await eventually('C received it', async () => (await s.json('GET', '/api/instance/c/messages')).body.items.find((m: any) => !m.fromMe));
    assert.is(got.body, 'Merhaba Cem, C-2 kodu ile %25 indirim! Son gün {date}.');
    const campaign = (await s.json('GET', '/api/campaigns')).body.campaigns[0];
    assert.equal([campaign.name, campaign.status, campaign.sent, campaign.delayMs, campaign.templateId], ['Bahar', 'completed', 2, 500, template.id]);

    // Finished: the one button deletes it.
    await page.locator('#campaign-list tr', { hasText: 'Bahar' }).getByRole('button', { name: 'Delete campaign Bahar' }).click();
    await page.getByText('Campaign "Bahar" deleted.').waitFor();
    await page.locator('#campaign-list').getByText('No campaigns yet: start one above.').waitFor();
    assert.is((await s.json('GET', '/api/campaigns')).body.total, 0);

    // A template deleted from its page.
    await page.getByRole('link', { name: 'Templates', exact: true }).click();
    await page.getByRole('button', { name: 'Delete Kampanya' }).click();
    await page.getByText('Template "Kampanya" deleted.').waitFor();
    assert.is((await s.json('GET', `/api/templates/${template.id}`)).status, 404);

    // The seed-001 bulk form takes variables per recipient too.
    await page.goto(`${base}#/instance/shop/bulk`);
    await page.getByLabel('Recipients: one a line, "phone" or "phone, name"').fill(`${C}, Cem, order=O-9`);
    await page.getByLabel('Text (the caption for media)').fill('{name}: sipariş {order}');
    await page.getByLabel('Delay between messages (seconds)').fill('0');
    await page.getByRole('button', { name: 'Start sending' }).click();
    await page.getByText(/Bulk job \d+ started\./).waitFor();
    await eventually('C received the bulk message', async () => (await s.json('GET', '/api/instance/c/messages')).body.items.some((m: any) => !m.fromMe && m.body === 'Cem: sipariş O-9'));
    const bulkJob = (await s.json('GET', '/api/instance/shop/bulk')).body.items[0];
    assert.equal((await s.json('GET', `/api/instance/shop/bulk/${bulkJob.id}`)).body.recipients[0].vars, { order: 'O-9' });

    assert.equal(pageErrors, [], 'no script errors on the page');
  } finally {
    await browser?.close();
    await closeServer(server);
  }
});

test.run();
