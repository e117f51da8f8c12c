/**
 * The engine contract: the same assertions run against every Engine implementation (the sandbox,
 * and the wwebjs engine over a fake whatsapp-web.js Client). A harness adapts each engine: how to
 * complete a link, make a contact write, or report a receipt.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { EngineError, type Engine } from '../../src/engines/engine.js';
import { RecordingListener } from './recorder.js';

export interface ContractHarness {
  engine: Engine;
  events: RecordingListener;
  /** Completes the link as a phone scanning the QR would. */
  link(): Promise<void>;
  /** A contact with this phone (digits) sends a text to the linked account. */
  receive(fromPhone: string, body: string): Promise<void>;
  /** The recipient's phone reports a receipt for a message this engine sent. */
  receipt(messageId: string, toChatId: string, status: 'delivered' | 'read'): Promise<void>;
  /** A group this account is in, with these members; answers its id. */
  makeGroup(name: string, memberPhones: string[]): Promise<string>;
  /** Releases what the harness made (not the session folder: a restart harness reuses it). */
  close(): Promise<void>;
}

/** Builds a harness for an instance whose session lives in `sessionDir`. */
export type MakeHarness = (sessionDir: string, instanceId: string) => Promise<ContractHarness>;

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

export function engineContract(name: string, makeHarness: MakeHarness): void {
  const test = suite(`engine contract: ${name}`);
  let dir = '';
  let h: ContractHarness | null = null;

  test.before.each(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'hatline-contract-'));
  });
  test.after.each(async () => {
    await h?.close();
    h = null;
    rmSync(dir, { recursive: true, force: true });
  });

  const linked = async () => {
    h = await makeHarness(path.join(dir, 'session'), 'contract');
    await h.engine.start();
    await h.events.until('a QR code', () => h!.events.qrs.some((q) => typeof q === 'string' && q.length > 0));
    await h.link();
    await h.events.until('status open', () => h!.events.lastStatus()?.status === 'open');
    return h;
  };

  test('start reports connecting and a QR code', async () => {
    h = await makeHarness(path.join(dir, 'session'), 'contract');
    await h.engine.start();
    await h.events.until('a QR code', () => h!.events.qrs.some((q) => typeof q === 'string' && q.length > 0));
    assert.ok(h.events.statuses.some((s) => s.status === 'connecting'), 'a connecting status was reported');
  });

  test('linking reports open with the account in API ids', async () => {
    const e = await linked();
    const open = e.events.lastStatus()!;
    assert.is(open.status, 'open');
    assert.ok(open.account, 'the account is reported');
    assert.match(open.account!.id, /^\d{7,15}@s\.whatsapp\.net$/);
    assert.match(open.account!.phone, /^\d{7,15}$/);
    assert.is(open.account!.id, `${open.account!.phone}@s.whatsapp.net`);
  });

  test('sending before the link fails with not_connected', async () => {
    h = await makeHarness(path.join(dir, 'session'), 'contract');
    try {
      await h.engine.messages!.send('905321112233@s.whatsapp.net', { kind: 'chat', body: 'hi' });
      assert.unreachable('send should fail');
    } catch (err) {
      assert.instance(err, EngineError);
      assert.is((err as EngineError).reason, 'not_connected');
    }
  });

  test('each message kind is accepted with an id and a timestamp', async () => {
    const e = await linked();
    const to = '905321112233@s.whatsapp.net';
    const sends = [
      e.engine.messages!.send(to, { kind: 'chat', body: 'hello' }),
      e.engine.messages!.send(to, { kind: 'image', media: { mimetype: 'image/png', data: PNG, filename: 'a.png' }, caption: 'c' }),
      e.engine.messages!.send(to, { kind: 'document', media: { mimetype: 'application/pdf', data: Buffer.from('%PDF-1.4'), filename: 'r.pdf' } }),
      e.engine.messages!.send(to, { kind: 'ptt', media: { mimetype: 'audio/ogg', data: Buffer.from('OggS') } }),
      e.engine.messages!.send(to, { kind: 'location', location: { lat: 41.0082, lng: 28.9784, name: 'İstanbul' } }),
      e.engine.messages!.send(to, { kind: 'vcard', vcard: 'BEGIN:VCARD\nVERSION:3.0\nFN:Ahmet\nTEL;type=CELL;waid=905321112233:+905321112233\nEND:VCARD', displayName: 'Ahmet' }),
      e.engine.messages!.send(to, { kind: 'poll_creation', poll: { name: 'When?', values: ['Mon', 'Wed'], selectableCount: 1 } }),
    ];
    const results = [];
    for (const s of sends) results.push(await s);
    const ids = new Set(results.map((r) => r.id));
    assert.is(ids.size, results.length, 'ids are unique');
    for (const r of results) {
      assert.type(r.id, 'string');
      assert.ok(r.id.length > 0);
      assert.ok(Math.abs(r.timestamp - Date.now() / 1000) < 120, 'timestamp is unix seconds, now');
    }
  });

  test('an incoming text arrives with API ids and fromMe false', async () => {
    const e = await linked();
    await e.receive('905551112233', 'Merhaba');
    await e.events.until('the incoming message', () => e.events.messages.some((m) => m.body === 'Merhaba'));
    const m = e.events.messages.find((x) => x.body === 'Merhaba')!;
    assert.is(m.kind, 'chat');
    assert.is(m.fromMe, false);
    assert.is(m.from, '905551112233@s.whatsapp.net');
    assert.is(m.chatId, '905551112233@s.whatsapp.net');
    assert.is(m.to, e.events.lastStatus()!.account!.id);
    assert.type(m.id, 'string');
  });

  test('receipts for a sent message are reported as ack statuses', async () => {
    const e = await linked();
    const to = '905321112233@s.whatsapp.net';
    const sent = await e.engine.messages!.send(to, { kind: 'chat', body: 'ack me' });
    await e.receipt(sent.id, to, 'read');
    await e.events.until('a read ack', () => e.events.acks.some((a) => a.id === sent.id && a.status === 'read'));
  });

  test('stop reports disconnected and a new start restores the session without a QR', async () => {
    const e = await linked();
    const account = e.events.lastStatus()!.account!;
    await e.engine.stop();
    assert.is(e.events.lastStatus()!.status, 'disconnected');
    await e.close();
    h = await makeHarness(path.join(dir, 'session'), 'contract');
    await h.engine.start();
    await h.events.until('status open after restore', () => h!.events.lastStatus()?.status === 'open');
    assert.is(h.events.lastStatus()!.account!.id, account.id);
    assert.not.ok(h.events.qrs.some((q) => typeof q === 'string'), 'no QR was needed');
  });

  test('logout forgets the session: the next start needs a QR', async () => {
    const e = await linked();
    await e.engine.logout();
    assert.is(e.events.lastStatus()!.status, 'disconnected');
    await e.close();
    h = await makeHarness(path.join(dir, 'session'), 'contract');
    await h.engine.start();
    await h.events.until('a new QR code', () => h!.events.qrs.some((q) => typeof q === 'string' && q.length > 0));
  });

  test('number check answers exists and the id', async () => {
    const e = await linked();
    const r = await e.engine.contacts!.checkNumber('905321112233');
    assert.is(r.exists, true);
    assert.is(r.jid, '905321112233@s.whatsapp.net');
  });

  test('groups are reported with @g.us ids and their participants, and looked up one by one', async () => {
    const e = await linked();
    const id = await e.makeGroup('Ekip', ['905321112233']);
    assert.match(id, /@g\.us$/);
    await e.events.until('the group reported', () => e.events.groups.some((x) => x.id === id));
    const g = e.events.groups.find((x) => x.id === id);
    assert.ok(g, 'the group is reported');
    assert.is(g!.name, 'Ekip');
    assert.ok(g!.participants.some((p) => p.id === '905321112233@s.whatsapp.net'));
    const one = await e.engine.groups!.getGroup(id);
    assert.is(one?.id, id);
  });

  test.run();
}
