import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createEmbedToken } from './support/access.js';
import { closesServers, eventually, linkedSandbox, testServer, type TestServer } from './support/app.js';
import { closeServer, launchChromium, listen } from './support/browser.js';
import { track } from './support/cleanup.js';

// The embeddable inbox in Debian's Chromium (issue 18, items 4 and 5): an embed token's page shows
// only its instances, read-only has no composer and cannot send, read_write answers from an iframe
// on an allowed origin (and no other origin may frame it), an expired link says so.

const SHOP = '905321000041';
const OTHER = '905321000042';
const ALI = '905551230011';
const VELI = '905551230012';
const jid = (phone: string) => `${phone}@s.whatsapp.net`;

const t = suite('the embeddable inbox');
closesServers(t);

let browser: Browser;
t.before(async () => {
  browser = await launchChromium();
});
t.after(async () => {
  await browser?.close();
});

/** A page of the owner's site (its own origin) that frames `?src=`. */
async function hostSite(): Promise<{ origin: string; page: (src: string) => string }> {
  const server: Server = createServer((req, res) => {
    const src = new URL(req.url ?? '/', 'http://x').searchParams.get('src') ?? '';
    const attr = src.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><title>Owner's site</title><h1>Our shop</h1><iframe title="Inbox" src="${attr}" width="1000" height="600"></iframe>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  track(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { origin, page: (src) => `${origin}/?src=${encodeURIComponent(src)}` };
}

async function open(s: TestServer): Promise<{ page: Page; base: string; errors: string[] }> {
  const { server, base } = await listen(s);
  const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
  track(async () => {
    await context.close();
    await closeServer(server);
  });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  return { page, base, errors };
}

/** Two linked instances, each with a chat; the page of `permissions` embed token for "shop". */
async function twoShops(env: Record<string, string> = {}) {
  const s = await testServer({ env });
  await linkedSandbox(s, 'shop', SHOP, 'Shop');
  await linkedSandbox(s, 'other', OTHER, 'Other');
  await s.json('POST', '/api/sandbox/shop/incoming', { from: ALI, name: 'Ali', body: 'Merhaba mağaza' });
  await s.json('POST', '/api/sandbox/other/incoming', { from: VELI, name: 'Veli', body: 'Gizli konuşma' });
  return s;
}
const embedPath = (created: { embedUrl: string }) => `embed/#${created.embedUrl.split('#')[1]}`;
const chatOf = async (s: TestServer, instance: string, chatId: string) =>
  ((await s.json('GET', `/api/instance/${instance}/chats`)).body as any[]).find((c) => c.id === chatId);

t('a read-only embed token: only its instance, no composer, cannot send, and live messages still arrive', async () => {
  const s = await twoShops();
  const created = await createEmbedToken(s, { customerLabel: 'Acme', instanceIds: ['shop'], permissions: 'read' });
  const { page, base, errors } = await open(s);
  await page.goto(base + embedPath(created));
  await page.getByRole('heading', { name: 'Acme', level: 1 }).waitFor();
  await page.getByText('Read only', { exact: false }).first().waitFor();
  await page.locator('.chat-item', { hasText: 'Ali' }).click();
  await page.locator('.msg-row', { hasText: 'Merhaba mağaza' }).waitFor();

  assert.is(await page.locator('.inbox-instance-select').count(), 0, 'no instance to switch to');
  const text = (await page.locator('body').textContent()) ?? '';
  assert.ok(await chatOf(s, 'other', jid(VELI)), 'the other instance has a chat (the admin token sees it)');
  assert.not.ok(/Veli|Gizli|other/i.test(text), 'nothing of the other instance');
  assert.is(await page.locator('form.composer').count(), 0, 'no composer');
  assert.is(await page.getByRole('button', { name: 'Reply' }).count(), 0, 'no reply button');
  await page.locator('.conv-readonly').waitFor();

  const live = await s.json('POST', '/api/sandbox/shop/incoming', { from: ALI, name: 'Ali', body: 'ikinci mesaj' });
  await page.locator(`.msg-row[data-id="${live.body.id}"]`).waitFor({ timeout: 2000 });

  // What the page's own token may do, asked from the page: send 403, the other instance 404.
  // (a string: tsx would wrap functions written here in a helper the page does not have)
  const statuses = await page.evaluate(`(async (token) => {
    const call = (method, path, body) =>
      fetch(path, { method, headers: { Authorization: 'Bearer ' + token, 'Content-Type': 'application/json' }, body: body ? JSON.stringify(body) : undefined }).then((r) => r.status);
    return {
      send: await call('POST', 'api/instance/shop/messages/chat', { to: '${ALI}', body: 'deneme' }),
      read: await call('POST', 'api/instance/shop/chats/read', { chatId: '${ALI}' }),
      otherChats: await call('GET', 'api/instance/other/chats'),
      otherEvents: await call('GET', 'api/events?instanceId=other'),
      ownChats: await call('GET', 'api/instance/shop/chats'),
    };
  })(${JSON.stringify(created.token)})`);
  assert.equal(statuses, { send: 403, read: 403, otherChats: 404, otherEvents: 404, ownChats: 200 });
  const history = (await s.json('GET', `/api/instance/shop/chats/messages?chatId=${ALI}`)).body.items as any[];
  assert.not.ok(history.some((m) => m.fromMe), 'nothing was sent');
  assert.is((await chatOf(s, 'shop', jid(ALI))).unreadCount, 2, 'a read-only viewer sends no read receipts');
  assert.equal(errors, []);
});

t('a read_write embed token in an iframe on an allowed origin answers and marks read; a site not allowed cannot frame it', async () => {
  const allowed = await hostSite();
  const refused = await hostSite();
  const s = await twoShops({ EMBED_ALLOWED_ORIGINS: allowed.origin });
  const created = await createEmbedToken(s, { customerLabel: 'Acme', instanceIds: ['shop'], permissions: 'read_write' });
  const { page, base, errors } = await open(s);
  const inbox = base + embedPath(created);

  await page.goto(allowed.page(inbox));
  const frame = page.frameLocator('iframe[title=Inbox]');
  await frame.locator('.chat-item', { hasText: 'Ali' }).click();
  await frame.locator('.msg-row', { hasText: 'Merhaba mağaza' }).waitFor();
  await eventually('opening the chat marked it read', async () => (await chatOf(s, 'shop', jid(ALI))).unreadCount === 0);
  await frame.getByRole('textbox', { name: 'Message to Ali' }).fill('Merhaba, sitemizden yazıyoruz.');
  await frame.getByRole('button', { name: 'Send' }).click();
  const sent = await eventually('sent from the iframe', async () =>
    ((await s.json('GET', `/api/instance/shop/chats/messages?chatId=${ALI}`)).body.items as any[]).find((m) => m.fromMe && m.body === 'Merhaba, sitemizden yazıyoruz.' && m.status !== 'pending'), // not the provisional id (HL...) of a pending row
  );
  await frame.locator(`.msg-row.out[data-id="${sent.id}"] .ticks[data-status=delivered]`).waitFor();

  // Another site: the browser refuses to show the page in its frame (frame-ancestors).
  await page.goto(refused.page(inbox));
  await page.locator('iframe[title=Inbox]').waitFor();
  const blocked = await eventually(
    'the frame replaced by the browser',
    () => page.frames().find((f) => f !== page.mainFrame() && f.url().startsWith('chrome-error://')),
    10_000,
  );
  assert.ok(blocked);
  assert.equal(errors, []);
});

t('an expired, a revoked and an incomplete link each get a page that says so', async () => {
  let clock = Date.now();
  const s = await testServer({ now: () => clock });
  await linkedSandbox(s, 'shop', SHOP, 'Shop');
  const expiring = await createEmbedToken(s, { customerLabel: 'Acme', instanceIds: ['shop'], ttlMinutes: 30 });
  const revoked = await createEmbedToken(s, { customerLabel: 'Beta', instanceIds: ['shop'] });
  assert.is((await s.json('DELETE', `/api/embed-tokens/${revoked.tokenId}`)).status, 200);
  const { page, base, errors } = await open(s);

  await page.goto(base + embedPath(expiring));
  await page.getByRole('heading', { name: 'Acme', level: 1 }).waitFor(); // valid now
  clock += 31 * 60_000;
  await page.reload();
  await page.getByRole('heading', { name: 'This inbox link has expired' }).waitFor();
  await page.getByText(/It was valid until/).waitFor();
  assert.is(await page.locator('.inbox').count(), 0);

  // Each link in a fresh document (a change of the fragment alone would not load the page again).
  await page.goto('about:blank');
  await page.goto(base + embedPath(revoked));
  await page.getByRole('heading', { name: 'This inbox link is not valid' }).waitFor();
  await page.goto('about:blank');
  await page.goto(`${base}embed/`);
  await page.getByRole('heading', { name: 'This inbox link is incomplete' }).waitFor();
  assert.equal(errors, []);
});

t.run();
