import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { SandboxEngine } from '../src/engines/sandbox/sandbox-engine.js';
import { closesServers, eventually, linkedSandbox, testServer, type TestServer } from './support/app.js';

// The chat list field the inbox shows under each chat's name (issue 18, item 3): lastMessagePreview.

const A = '905321000021';
const CEM = '905551112233';
const jid = (phone: string) => `${phone}@s.whatsapp.net`;
const PNG = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

const previewOf = async (s: TestServer, chatId: string) => {
  const res = await s.json('GET', '/api/instance/a/chats');
  assert.is(res.status, 200, JSON.stringify(res.body));
  const chat = (res.body as { id: string; lastMessagePreview: any }[]).find((c) => c.id === chatId);
  assert.ok(chat, `chat ${chatId} listed`);
  return chat!.lastMessagePreview;
};
const incoming = async (s: TestServer, body: Record<string, unknown>) => {
  const res = await s.json('POST', '/api/sandbox/a/incoming', { from: CEM, name: 'Cem', ...body });
  assert.is(res.status, 200, JSON.stringify(res.body));
  return res.body.id as string;
};

const t = suite('GET /api/instance/:id/chats: lastMessagePreview');
closesServers(t);

t('the preview is the newest message: an incoming text with its sender, then our answer with its status as it moves', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'a', A);
  const first = await incoming(s, { body: 'Merhaba, siparişim nerede?' });
  const p1 = await previewOf(s, jid(CEM));
  assert.equal({ ...p1, timestamp: 0 }, { id: first, fromMe: false, type: 'chat', body: 'Merhaba, siparişim nerede?', status: 'received', timestamp: 0, senderName: 'Cem' });
  assert.type(p1.timestamp, 'number');

  const sent = await s.json('POST', '/api/instance/a/messages/chat', { to: CEM, body: 'Yarın kargoda.' });
  assert.is(sent.status, 200);
  const p2 = await previewOf(s, jid(CEM));
  assert.equal([p2.id, p2.fromMe, p2.body, 'senderName' in p2], [sent.body.id, true, 'Yarın kargoda.', false]);
  await eventually('delivered', async () => (await previewOf(s, jid(CEM))).status === 'delivered');
  await s.close();
});

t('a caption, a document name, a long text cut to 120 characters, and a message deleted for everyone', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'a', A);
  await incoming(s, { type: 'image', media: PNG, caption: 'fatura' });
  assert.equal([(await previewOf(s, jid(CEM))).type, (await previewOf(s, jid(CEM))).body], ['image', 'fatura']);

  const doc = await s.json('POST', '/api/instance/a/messages/document', { to: CEM, document: PNG, filename: 'teklif.pdf' });
  assert.is(doc.status, 200, JSON.stringify(doc.body));
  assert.equal([(await previewOf(s, jid(CEM))).type, (await previewOf(s, jid(CEM))).body], ['document', 'teklif.pdf']);

  const long = 'ç'.repeat(300);
  await incoming(s, { body: long });
  const cut = (await previewOf(s, jid(CEM))).body as string;
  assert.is([...cut].length, 120);
  assert.ok(cut.endsWith('…') && long.startsWith(cut.slice(0, -1)));

  const gone = await incoming(s, { body: 'yanlış yazdım' });
  assert.is((await s.json('POST', '/api/sandbox/a/revoke', { from: CEM, msgId: gone })).status, 200);
  const revoked = await eventually('revoked', async () => {
    const p = await previewOf(s, jid(CEM));
    return p.type === 'revoked' ? p : undefined;
  });
  assert.equal([revoked.id, revoked.body], [gone, '']);
  await s.close();
});

t('a chat without stored messages has none; a message deleted for me leaves the one before it as the preview', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'a', A);
  const group = (await s.json('POST', '/api/sandbox/a/groups', { name: 'Ekip', participants: [CEM] })).body.id as string;
  assert.is(await previewOf(s, group), null);

  const kept = await incoming(s, { body: 'ilk' });
  const mine = await s.json('POST', '/api/instance/a/messages/chat', { to: CEM, body: 'silinecek' });
  assert.is((await previewOf(s, jid(CEM))).id, mine.body.id);
  const del = await s.json('POST', '/api/instance/a/messages/delete', { to: CEM, msgId: mine.body.id, forEveryone: false });
  assert.is(del.status, 200, JSON.stringify(del.body));
  assert.is((await previewOf(s, jid(CEM))).id, kept);
  await s.close();
});

t('a message stored later but older by WhatsApp\'s time (a backfilled one) does not replace the preview; a newer one does', async () => {
  const s = await testServer();
  await linkedSandbox(s, 'a', A);
  const latest = await incoming(s, { body: 'en yeni' });
  const engine = s.hatline.registry.engine('a') as SandboxEngine;
  const now = Math.floor(Date.now() / 1000);
  const told = (id: string, body: string, timestamp: number) =>
    engine.ctx.emit({ type: 'message', message: { id, chatId: jid(CEM), from: jid(CEM), to: jid(A), fromMe: false, kind: 'chat', body, timestamp } });
  told('OLDER1', 'bir saat önce', now - 3600);
  await s.hatline.services.messages.settled('a');
  const stored = (await s.json('GET', `/api/instance/a/messages?chatId=${jid(CEM)}&limit=10`)).body.items as { id: string }[];
  assert.ok(stored.some((m) => m.id === 'OLDER1'), 'the older message is stored');
  assert.is((await previewOf(s, jid(CEM))).id, latest, 'the preview stays the newest by time');
  told('NEWER1', 'bir saat sonra', now + 3600);
  await s.hatline.services.messages.settled('a');
  assert.is((await previewOf(s, jid(CEM))).id, 'NEWER1');
  await s.close();
});

t.run();
