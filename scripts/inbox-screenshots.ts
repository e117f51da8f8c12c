// Takes the inbox screenshots in docs/ (used by the README): `npx tsx scripts/inbox-screenshots.ts`.
// Two linked sandbox instances talk to each other (text, a picture, a voice note, a document, a
// location, a contact card, a poll with votes, a reply, reactions, an edit, a delete), simulated
// contacts and a group write to one of them, then Debian's Chromium (CHROMIUM_PATH overrides)
// shows the dashboard's inbox and an embed token's page.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { eventually, linkedSandbox, TOKEN, testServer, type TestServer } from '../test/support/app.js';
import { closeServer, launchChromium, listen } from '../test/support/browser.js';
import { pdfDataUri, SUNSET, wavDataUri } from '../test/support/sample-media.js';

const docs = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'docs');
const SALES = '905321110000';
const CEM = '905551112233';
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function must(s: TestServer, method: string, url: string, body?: unknown) {
  const res = await s.json(method, url, body);
  if (res.status !== 200) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** "sales" (the business) and "cem" (a customer on another sandbox instance), and a few others. */
export async function seedConversations(s: TestServer) {
  await linkedSandbox(s, 'sales', SALES, 'Hatline Sales');
  await linkedSandbox(s, 'cem', CEM, 'Cem Yılmaz');
  // Each message has arrived on the other side before the next one refers to it.
  const arrived = async (at: string, chatId: string, id: string) => {
    await eventually(`${id} at ${at}`, async () => {
      const page = await must(s, 'GET', `/api/instance/${at}/chats/messages?chatId=${chatId}&limit=5`);
      return (page.items as { id: string }[]).some((m) => m.id === id);
    });
    return { id };
  };
  const fromCem = async (kind: string, body: Record<string, unknown>) => arrived('sales', CEM, (await must(s, 'POST', `/api/instance/cem/messages/${kind}`, { to: SALES, ...body })).id);
  const toCem = async (kind: string, body: Record<string, unknown>) => arrived('cem', SALES, (await must(s, 'POST', `/api/instance/sales/messages/${kind}`, { to: CEM, ...body })).id);

  await must(s, 'POST', '/api/sandbox/sales/incoming', { from: '905447778899', name: 'Ayşe Demir', body: 'Teşekkürler, iyi günler!' });
  await must(s, 'POST', '/api/sandbox/sales/incoming', { from: '905301112255', name: 'Ali Kaya', body: 'Kargo takip numarası nedir?' });
  const group = (await must(s, 'POST', '/api/sandbox/sales/groups', { name: 'Bayi ağı', participants: ['905301112266', '905301112277'] })).id;
  await must(s, 'POST', '/api/sandbox/sales/incoming', { from: '905301112266', name: 'Elif', body: 'Yeni katalog ne zaman çıkıyor?', groupId: group });
  await must(s, 'POST', '/api/sandbox/sales/incoming', { from: '905301112299', name: 'Eski müşteri', body: 'Merhaba' });
  await must(s, 'POST', '/api/instance/sales/chats/archive', { chatId: '905301112299' });
  await must(s, 'POST', '/api/instance/sales/chats/pin', { chatId: '905447778899' });

  const hello = await fromCem('chat', { body: 'Merhaba, dün verdiğim siparişin durumu nedir?' });
  await toCem('chat', { body: 'Merhaba Cem Bey, siparişiniz bugün kargoya verildi.', quotedMessageId: hello.id });
  await toCem('image', { image: SUNSET(), caption: 'Paketiniz yola çıkmadan önce' });
  await toCem('document', { document: pdfDataUri('Fatura 2026-041'), filename: 'fatura-2026-041.pdf' });
  await fromCem('voice', { audio: wavDataUri(2) });
  await fromCem('location', { lat: 41.0422, lng: 29.0083, name: 'Beşiktaş Şubesi', address: 'Barbaros Blv. 12, İstanbul' });
  await fromCem('contact', { contact_name: 'Mert Yılmaz', contact_phone: '905337654321' });
  const poll = await toCem('poll', { name: 'Teslimat için hangi gün uygun?', values: ['Cuma', 'Cumartesi', 'Pazartesi'], selectableCount: 1 });
  await must(s, 'POST', '/api/sandbox/sales/vote', { from: CEM, msgId: poll.id, selected: ['Cumartesi'] });
  const typo = await fromCem('chat', { body: 'Cumartesi öğleden sonra olur mu?' });
  await must(s, 'POST', '/api/instance/cem/messages/edit', { to: SALES, msgId: typo.id, body: 'Cumartesi öğleden önce olur mu?' });
  const oops = await fromCem('chat', { body: 'yanlış sohbet' });
  await must(s, 'POST', '/api/instance/cem/messages/delete', { to: SALES, msgId: oops.id });
  const thanks = await toCem('chat', { body: 'Elbette, cumartesi 10:00-12:00 arası teslim edilecek. İyi günler!' });
  await must(s, 'POST', '/api/instance/cem/messages/reaction', { to: SALES, msgId: thanks.id, emoji: '❤️' });
  await must(s, 'POST', '/api/instance/cem/chats/read', { chatId: SALES });
  await pause(300);
}

async function shot(page: Page, name: string) {
  await page.evaluate(() => document.getElementById('notices')?.replaceChildren());
  await page.screenshot({ path: path.join(docs, name) });
  console.log(`docs/${name}`);
}

async function main() {
  const s = await testServer();
  const { server, base } = await listen(s);
  const browser = await launchChromium();
  try {
    await seedConversations(s);
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (err) => console.error('page error:', err.message));
    await page.goto(base);
    await page.getByLabel('API token').fill(TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Instances', level: 1 }).waitFor();
    await page.goto(`${base}#/inbox/sales`);
    await page.locator('.chat-item', { hasText: 'Cem Yılmaz' }).click();
    await page.locator('.msg-row', { hasText: 'cumartesi 10:00' }).waitFor();
    await page.locator('.msg-row', { hasText: 'öğleden önce' }).hover();
    await page.locator('.composer-text').fill('Rica ederim, görüşmek üzere!');
    await shot(page, 'inbox-dashboard.png');
    await page.locator('.msg-row', { hasText: 'kargoya verildi' }).evaluate((row) => row.scrollIntoView({ block: 'start' }));
    await page.waitForFunction(() => [...document.querySelectorAll<HTMLImageElement>('.msg-image')].every((img) => img.complete && img.naturalWidth > 0));
    await page.locator('.composer-text').fill('');
    await page.mouse.move(0, 0);
    await shot(page, 'inbox-media.png');

    const token = (await must(s, 'POST', '/api/embed-tokens', { customerLabel: 'Acme Mağazası', instanceIds: ['sales'], permissions: 'read' })).embedUrl.split('#')[1];
    const embed = await browser.newPage({ viewport: { width: 1000, height: 700 }, colorScheme: 'dark' });
    embed.setDefaultTimeout(15_000);
    await embed.goto(`${base}embed/#${token}`);
    await embed.locator('.chat-item', { hasText: 'Ali Kaya' }).click();
    await embed.locator('.msg-row', { hasText: 'Kargo takip' }).waitFor();
    await shot(embed, 'inbox-embed.png');
  } finally {
    await browser.close();
    await closeServer(server);
    await s.close();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) await main();
