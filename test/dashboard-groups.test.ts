import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { chromium, type Browser } from 'playwright-core';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { closesServers, linkedSandbox, testServer, TOKEN, type TestServer } from './support/app.js';

closesServers(test);

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const A = '905321000111';
const B = '905321000112';

async function listen(s: TestServer): Promise<{ server: ServerType; base: string }> {
  return new Promise((resolve) => {
    const server = serve({ fetch: s.hatline.app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => {
      resolve({ server, base: `http://127.0.0.1:${info.port}/` });
    });
  });
}

const closeServer = (server: ServerType) => new Promise<void>((resolve) => server.close(() => resolve()));

test('the Groups and Account tabs: create a group, see its members and roles, make an admin, show the invite link; read and change the profile', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'shop', A, 'Dükkan');
  await linkedSandbox(s, 'b', B, 'Burak');
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

    await page.goto(`${base}#/instance/shop/groups`);
    await page.getByLabel('API token').fill(TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Groups', level: 2 }).waitFor();
    await page.getByText('The account is in no group yet.').waitFor();

    // Create a group with B: it is listed and opened, with its members and their roles.
    await page.getByLabel('Group name').fill('Müşteriler');
    await page.getByLabel('Members', { exact: true }).fill(`${B}\n905559990111`);
    await page.getByRole('button', { name: 'Create group' }).click();
    await page.locator('#group-list tr', { hasText: 'Müşteriler' }).waitFor();
    const members = page.locator('#group-members');
    await members.locator('tr', { hasText: `${A}@s.whatsapp.net` }).getByText('owner').waitFor();
    await members.locator('tr', { hasText: `${B}@s.whatsapp.net` }).getByText('member').waitFor();
    const groupId = (await s.json('GET', '/api/instance/shop/groups/ids')).body[0];
    assert.match(groupId, /@g\.us$/);
    assert.equal((await s.json('GET', '/api/instance/b/groups/ids')).body, [groupId], 'B is in it');

    // Make B an admin.
    await page.getByRole('button', { name: `Make admin ${B}@s.whatsapp.net` }).click();
    await members.locator('tr', { hasText: `${B}@s.whatsapp.net` }).getByText('admin', { exact: true }).waitFor();
    const info = (await s.json('GET', `/api/instance/shop/groups/group?groupId=${groupId}`)).body;
    assert.is(info.participants.find((p: any) => p.id === `${B}@s.whatsapp.net`).admin, 'admin');

    // The invite link: shown as the API answers it, and copied.
    await page.getByRole('button', { name: 'Show invite link' }).click();
    const link = page.getByRole('textbox', { name: 'Invite link' });
    await link.waitFor();
    const invite = (await s.json('GET', `/api/instance/shop/groups/invite?groupId=${groupId}`)).body;
    assert.is(await link.inputValue(), invite.link);
    await page.getByRole('button', { name: 'Copy link' }).click();
    await page.getByText('Invite link copied.').waitFor();
    assert.is(await page.evaluate(() => navigator.clipboard.readText()), invite.link);

    // The Account tab: the profile, changed; the privacy settings.
    await page.getByRole('link', { name: 'Account', exact: true }).click();
    await page.getByRole('heading', { name: 'Profile', level: 2 }).waitFor();
    await page.locator('#profile').getByText('Dükkan', { exact: true }).waitFor();
    await page.locator('#privacy').getByText('Read receipts').waitFor();
    await page.getByLabel('Name', { exact: true }).fill('Dükkan Merkez');
    await page.getByLabel('About', { exact: true }).fill('Hafta içi 09-18');
    await page.getByRole('button', { name: 'Save profile' }).click();
    await page.getByText('Profile saved.').waitFor();
    await page.locator('#profile').getByText('Hafta içi 09-18', { exact: true }).waitFor();
    const profile = (await s.json('GET', '/api/instance/shop/profile')).body;
    assert.equal([profile.name, profile.about], ['Dükkan Merkez', 'Hafta içi 09-18']);
    assert.is((await s.json('GET', '/api/instance/shop/me')).body.name, 'Dükkan Merkez');

    assert.equal(pageErrors, [], 'no script errors on the page');
  } finally {
    await browser?.close();
    await closeServer(server);
  }
});

test.run();
