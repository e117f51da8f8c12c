import type { Browser, Page } from 'playwright-core';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { closesServers, eventually, linkedSandbox, testServer, TOKEN, type TestServer } from './support/app.js';
import { closeServer, dropConnections, launchChromium, listen } from './support/browser.js';
import { track } from './support/cleanup.js';

// The dashboard's inbox in Debian's Chromium (issue 18, items 3 and 5): live messages, the
// composer's reply, ticks that move, marking read, and a reconnect of the event stream.

const SHOP = '905321000031';
const CUST = '905321000032';
const ALI = '905551230001';
const jid = (phone: string) => `${phone}@s.whatsapp.net`;
const PNG = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

const t = suite('the inbox in the dashboard');
closesServers(t);

let browser: Browser;
t.before(async () => {
  browser = await launchChromium();
});
t.after(async () => {
  await browser?.close();
});

/** The app on a port, two linked sandbox instances, and a signed-in page; all closed after the test. */
async function setup() {
  const s = await testServer();
  await linkedSandbox(s, 'shop', SHOP, 'Shop');
  await linkedSandbox(s, 'cust', CUST, 'Cem');
  const { server, base } = await listen(s);
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  track(async () => {
    await context.close();
    await closeServer(server);
  });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  await page.goto(base);
  await page.evaluate((token) => sessionStorage.setItem('hatline.token', token), TOKEN);
  await page.goto(`${base}#/inbox/shop`);
  await page.locator('.live-state[data-state=live]').waitFor();
  // Set on the page once: still there at the end means the page never reloaded.
  await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
  return { s, page, server, errors };
}

const stored = async (s: TestServer, instance: string, chatId: string) =>
  (await s.json('GET', `/api/instance/${instance}/chats/messages?chatId=${chatId}&limit=50`)).body.items as any[];
const chatOf = async (s: TestServer, instance: string, chatId: string) =>
  ((await s.json('GET', `/api/instance/${instance}/chats`)).body as any[]).find((c) => c.id === chatId);

async function noReloadNoErrors(page: Page, errors: string[]) {
  assert.ok(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded), 'the page was never reloaded');
  assert.equal(errors, [], 'no script errors');
  assert.is(((await page.locator('#alerts').textContent()) ?? '').trim(), '', 'no error shown');
}

t('a message injected through the sandbox appears in the open conversation within two seconds without a reload, and is marked read', async () => {
  const { s, page, errors } = await setup();
  await s.json('POST', '/api/sandbox/shop/incoming', { from: ALI, name: 'Ali', body: 'Merhaba, siparişim nerede?' });
  const item = page.locator('.chat-item', { hasText: 'Ali' });
  await item.locator('.unread-badge', { hasText: '1' }).waitFor(); // the chat list follows the stream too
  await item.click();
  await page.locator('.msg-row.in', { hasText: 'siparişim nerede' }).waitFor();
  await eventually('opening the chat marked it read', async () => (await chatOf(s, 'shop', jid(ALI)))?.unreadCount === 0);
  await page.locator('.chat-item', { hasText: 'Ali' }).locator('.unread-badge').waitFor({ state: 'detached' });

  const sent = await s.json('POST', '/api/sandbox/shop/incoming', { from: ALI, name: 'Ali', body: 'Bir de fatura lazım' });
  assert.is(sent.status, 200);
  await page.locator(`.msg-row.in[data-id="${sent.body.id}"]`, { hasText: 'Bir de fatura lazım' }).waitFor({ timeout: 2000 });
  await eventually('a message read while the chat is open is marked read', async () => (await chatOf(s, 'shop', jid(ALI)))?.unreadCount === 0);
  assert.is(await page.locator('.msg-row').count(), 2);
  await noReloadNoErrors(page, errors);
});

t('a reply sent from the composer reaches the other sandbox instance, a reaction too, and the ticks move to read when it reads', async () => {
  const { s, page, errors } = await setup();
  const question = await s.json('POST', '/api/instance/cust/messages/chat', { to: SHOP, body: 'Kargo ne zaman gelir?' });
  const qid = question.body.id as string;
  await page.locator('.chat-item', { hasText: 'Cem' }).click();
  const asked = page.locator(`.msg-row[data-id="${qid}"]`);
  await asked.waitFor();
  await eventually('Cem sees his question read (blue ticks)', async () => (await stored(s, 'cust', jid(SHOP))).find((m) => m.id === qid)?.status === 'read');

  await asked.hover();
  await asked.getByRole('button', { name: 'Reply' }).click();
  await page.locator('.composer-reply', { hasText: 'Kargo ne zaman gelir?' }).waitFor();
  await page.getByRole('textbox', { name: 'Message to Cem' }).fill('Yarın öğlene kadar.');
  await page.keyboard.press('Enter');

  const reply = await eventually('the reply at the other instance', async () => (await stored(s, 'cust', jid(SHOP))).find((m) => m.body === 'Yarın öğlene kadar.'));
  assert.is(reply.quotedMessageId, qid, 'it replies to the question');
  assert.is(reply.fromMe, false);
  const mine = page.locator(`.msg-row.out[data-id="${reply.id}"]`);
  await mine.locator('.msg-quote', { hasText: 'Kargo ne zaman gelir?' }).waitFor();
  await mine.locator('.ticks[data-status=delivered]').waitFor();
  assert.is(await page.locator('.composer-reply').isVisible(), false, 'the reply bar is gone after sending');

  // The other side reads: the ticks turn to read live.
  assert.is((await s.json('POST', '/api/instance/cust/chats/read', { chatId: SHOP })).status, 200);
  await mine.locator('.ticks[data-status=read]').waitFor();

  // The sandbox's ack control does the same for another message.
  await page.getByRole('textbox', { name: 'Message to Cem' }).fill('Takip numarası da gelecek.');
  await page.getByRole('button', { name: 'Send' }).click();
  // Accepted by WhatsApp: a row still pending carries Hatline's provisional id (HL...) until then.
  const second = await eventually('the second message', async () =>
    (await stored(s, 'shop', jid(CUST))).find((m) => m.body === 'Takip numarası da gelecek.' && m.status !== 'pending'),
  );
  const row = page.locator(`.msg-row.out[data-id="${second.id}"]`);
  await row.locator('.ticks[data-status=delivered]').waitFor();
  assert.is((await s.json('POST', '/api/sandbox/shop/ack', { msgId: second.id, status: 'read' })).status, 200);
  await row.locator('.ticks[data-status=read]').waitFor();

  // React to the question: the other instance holds the reaction.
  await asked.hover();
  await asked.getByRole('button', { name: 'React' }).click();
  await page.getByRole('button', { name: 'React with 👍' }).click();
  await asked.locator('.reaction.mine', { hasText: '👍' }).waitFor();
  await eventually('the reaction at the other instance', async () =>
    (await stored(s, 'cust', jid(SHOP))).find((m) => m.id === qid)?.reactions?.some((r: any) => r.emoji === '👍' && r.from === jid(SHOP)),
  );

  // An attachment: uploaded, sent as a picture with the text as its caption, shown inline.
  await page.getByRole('button', { name: 'Emoji' }).click();
  await page.getByRole('button', { name: '😀' }).click();
  const box = page.getByRole('textbox', { name: 'Message to Cem' });
  assert.is(await box.inputValue(), '😀');
  await box.fill('Paketiniz 📦');
  await page.locator('#composer-file').setInputFiles({ name: 'paket.png', mimeType: 'image/png', buffer: Buffer.from(PNG.split(',')[1]!, 'base64') });
  await page.locator('.composer-file', { hasText: 'paket.png' }).waitFor();
  await page.keyboard.press('Enter');
  const picture = await eventually('the picture at the other instance', async () => (await stored(s, 'cust', jid(SHOP))).find((m) => m.type === 'image'));
  assert.is(picture.caption, 'Paketiniz 📦');
  await page.waitForFunction((id) => {
    const img = document.querySelector(`.msg-row[data-id="${id}"] img.msg-image`) as HTMLImageElement | null;
    return !!img && img.complete && img.naturalWidth > 0;
  }, picture.id);
  await noReloadNoErrors(page, errors);
});

t('scrolling up loads older messages by cursor; edits, deletes and reactions of the other side show live', async () => {
  const { s, page, errors } = await setup();
  const ids: string[] = [];
  for (let i = 1; i <= 55; i++) ids.push((await s.json('POST', '/api/sandbox/shop/incoming', { from: ALI, name: 'Ali', body: `mesaj ${i}` })).body.id);
  const pages: string[] = [];
  page.on('request', (r) => r.url().includes('/chats/messages') && pages.push(new URL(r.url()).search));
  await page.locator('.chat-item', { hasText: 'Ali' }).click();
  await page.locator(`.msg-row[data-id="${ids[54]}"]`).waitFor();
  assert.is(await page.locator('.msg-row').count(), 40, 'one page first');
  await page.locator('.conv-scroll').evaluate((el) => (el.scrollTop = 0));
  await page.locator(`.msg-row[data-id="${ids[0]}"]`).waitFor();
  await page.locator('.conv-top', { hasText: 'The beginning of the conversation' }).waitFor();
  assert.is(await page.locator('.msg-row').count(), 55);
  assert.ok(pages.some((q) => q.includes('cursor=')), `the older page was asked by cursor (${pages.join(' ')})`);
  const order = await page.locator('.msg-row').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.id));
  assert.equal(order, ids, 'oldest first, each once');

  const last = ids[54]!;
  assert.is((await s.json('POST', '/api/sandbox/shop/edit', { from: ALI, msgId: last, body: 'mesaj 55 (düzeltildi)' })).status, 200);
  await page.locator(`.msg-row[data-id="${last}"]`, { hasText: 'düzeltildi' }).locator('.msg-edited').waitFor();
  assert.is((await s.json('POST', '/api/sandbox/shop/react', { from: ALI, msgId: ids[53], emoji: '❤️' })).status, 200);
  await page.locator(`.msg-row[data-id="${ids[53]}"] .reaction`, { hasText: '❤️' }).waitFor();
  assert.is((await s.json('POST', '/api/sandbox/shop/revoke', { from: ALI, msgId: ids[52] })).status, 200);
  await page.locator(`.msg-row[data-id="${ids[52]}"]`, { hasText: 'This message was deleted' }).waitFor();
  await noReloadNoErrors(page, errors);
});

t('the inbox keeps working through a reconnect: EventSource resumes with Last-Event-ID and nothing sent meanwhile is lost', async () => {
  const { s, page, server, errors } = await setup();
  await s.json('POST', '/api/sandbox/shop/incoming', { from: ALI, name: 'Ali', body: 'ilk mesaj' });
  await page.locator('.chat-item', { hasText: 'Ali' }).click();
  await page.locator('.msg-row', { hasText: 'ilk mesaj' }).waitFor();
  const live = await s.json('POST', '/api/sandbox/shop/incoming', { from: ALI, name: 'Ali', body: 'canlı gelen' });
  await page.locator(`.msg-row[data-id="${live.body.id}"]`).waitFor(); // an event came: the stream has an id to resume from

  const resumed = page.waitForRequest((r) => r.url().includes('/api/events'), { timeout: 10_000 });
  dropConnections(server); // the stream drops (as a proxy or a network would drop it)
  await page.locator('.live-state[data-state=reconnecting]').waitFor();
  const meanwhile = await s.json('POST', '/api/sandbox/shop/incoming', { from: ALI, name: 'Ali', body: 'kopukken gelen' });
  const headers = await (await resumed).allHeaders();
  assert.ok(Number(headers['last-event-id']) > 0, `the browser sent the id of the last event it had (${JSON.stringify(headers)})`);
  await page.locator(`.msg-row[data-id="${meanwhile.body.id}"]`, { hasText: 'kopukken gelen' }).waitFor();
  await page.locator('.live-state[data-state=live]').waitFor();
  const after = await s.json('POST', '/api/sandbox/shop/incoming', { from: ALI, name: 'Ali', body: 'yeniden canlı' });
  await page.locator(`.msg-row[data-id="${after.body.id}"]`).waitFor({ timeout: 2000 });
  assert.is(await page.locator('.msg-row').count(), 4, 'each message once');
  await noReloadNoErrors(page, errors);
});

t.run();
