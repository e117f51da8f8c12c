import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { EngineMessage } from '../src/engines/engine.js';
import type { Logger } from '../src/logger.js';
import type { HatlineEvent } from '../src/services/events.js';
import type { InstanceRegistry } from '../src/services/instances/instance-registry.js';
import { InboundMessages } from '../src/services/messages/inbound.js';
import type { SendTracker } from '../src/services/messages/send-tracker.js';
import type { DbOrTrx } from '../src/storage/db.js';
import { migrate } from '../src/storage/db.js';
import { WriteBatcher } from '../src/storage/write-batch.js';
import { openTestDatabase } from './support/database.js';

/**
 * Messages an engine reports one after another are stored together (one commit for the run of
 * them), in their order, each announced once; a copy and a failure stay their own.
 */
const t = suite('inbound batches');

interface Rig {
  inbound: InboundMessages;
  /** The transactions the writes ran in, one entry per write. */
  transactions: DbOrTrx[];
  events: string[];
  announced: string[];
  errors: string[];
  mediaDir: string;
  stored: () => Promise<string[]>;
  close: () => Promise<void>;
}

const opened: Rig[] = [];
t.after.each(async () => {
  for (const rig of opened.splice(0)) await rig.close();
});

async function rig(): Promise<Rig> {
  const { db, close } = await openTestDatabase();
  await migrate(db);
  await db.insertInto('instances').values({ id: 'a', description: '', engine: 'sandbox', should_run: 1, account_id: null, account_name: null, account_phone: null, created_at: 1, updated_at: 1 }).execute();
  const batcher = new WriteBatcher(db);
  const transactions: DbOrTrx[] = [];
  const writes = { run: <T>(op: (trx: DbOrTrx) => Promise<T>) => batcher.run((trx) => (transactions.push(trx), op(trx))) };
  const events: string[] = [];
  const errors: string[] = [];
  const logger: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: (msg) => void errors.push(msg), child: () => logger };
  const mediaDir = mkdtempSync(path.join(tmpdir(), 'hatline-inbound-'));
  const inbound = new InboundMessages({
    db,
    writes,
    registry: { has: () => true } as unknown as InstanceRegistry,
    events: { record: async (_trx: DbOrTrx, _id: string, e: HatlineEvent) => void events.push(`${e.event} ${(e.data as { id: string }).id}`) },
    tracker: { rememberEcho: () => undefined, hasUnconfirmed: () => false } as unknown as SendTracker,
    mediaDir,
    publicUrl: 'http://hatline.test',
    logger,
  });
  const announced: string[] = [];
  inbound.onStored((_id, m) => announced.push(m.id));
  const r: Rig = {
    inbound,
    transactions,
    events,
    announced,
    errors,
    mediaDir,
    stored: async () => (await db.selectFrom('messages').select('id').orderBy('seq').execute()).map((row) => row.id),
    close: async () => {
      await inbound.settled();
      await close();
      rmSync(mediaDir, { recursive: true, force: true });
    },
  };
  opened.push(r);
  return r;
}

const message = (id: string, extra: Partial<EngineMessage> = {}): EngineMessage => ({
  id,
  chatId: '905321000001@s.whatsapp.net',
  from: '905321000001@s.whatsapp.net',
  to: '905550000001@s.whatsapp.net',
  fromMe: false,
  kind: 'chat',
  body: `text of ${id}`,
  timestamp: 1_700_000_000,
  ...extra,
});

const distinct = (list: DbOrTrx[]) => new Set(list).size;

t('twenty messages reported back to back are stored in one transaction, in their order, each announced once; the next run is a transaction of its own', async () => {
  const r = await rig();
  const ids = Array.from({ length: 20 }, (_, i) => `M${String(i).padStart(2, '0')}`);
  for (const id of ids) r.inbound.message('a', message(id));
  await r.inbound.settled('a');
  assert.equal(await r.stored(), ids, 'every message stored, in the order reported');
  assert.equal(r.events, ids.map((id) => `message_received ${id}`), 'one event each, in order');
  assert.equal(r.announced, ids, 'each announced once, in order');
  assert.is(r.transactions.length, 20, 'one write each');
  assert.is(distinct(r.transactions), 1, 'all in one transaction');

  r.inbound.message('a', message('N1'));
  await r.inbound.settled('a');
  assert.is(distinct(r.transactions), 2, 'a message reported after the run was stored is a write of its own');
  assert.equal((await r.stored()).slice(-1), ['N1']);
});

t('a message reported twice in a row is stored and announced once, also when the copy is in the same transaction', async () => {
  const r = await rig();
  for (const id of ['D1', 'D1', 'D2']) r.inbound.message('a', message(id));
  await r.inbound.settled('a');
  assert.is(distinct(r.transactions), 1, 'the three writes shared a transaction (the copy was not seen as stored before it)');
  assert.equal(await r.stored(), ['D1', 'D2']);
  assert.equal(r.announced, ['D1', 'D2']);
  assert.equal(r.events, ['message_received D1', 'message_received D2']);
});

t('the file saved for a copy of a media message does not stay', async () => {
  const r = await rig();
  const media = { data: Buffer.from('an image, or what stands for one'), mimetype: 'image/png', filename: 'p.png' };
  r.inbound.message('a', message('P1', { kind: 'image', body: '', media }));
  r.inbound.message('a', message('P1', { kind: 'image', body: '', media }));
  await r.inbound.settled('a');
  assert.equal(await r.stored(), ['P1']);
  assert.equal(r.announced, ['P1']);
  const files = readdirSync(path.join(r.mediaDir, 'a'));
  assert.is(files.length, 1, `one file for the one stored image, found ${files.join(', ')}`);
  // The same for a copy sent from the phone (no look-up before the write: only the insert tells).
  r.inbound.message('a', message('P3', { kind: 'image', body: '', media, fromMe: true }));
  r.inbound.message('a', message('P3', { kind: 'image', body: '', media, fromMe: true }));
  await r.inbound.settled('a');
  assert.equal(await r.stored(), ['P1', 'P3']);
  assert.is(readdirSync(path.join(r.mediaDir, 'a')).length, 2, 'one file each for the two stored images');
});

t('a message that cannot be stored is logged and does not hold back those reported with it', async () => {
  const r = await rig();
  r.inbound.message('a', message('G1'));
  // No sender: the row breaks a NOT NULL constraint, so its write fails (the batch is retried one write at a time).
  r.inbound.message('a', message('BAD', { from: null as unknown as string }));
  r.inbound.message('a', message('G2'));
  await r.inbound.settled('a');
  assert.equal(await r.stored(), ['G1', 'G2']);
  assert.equal(r.announced, ['G1', 'G2']);
  assert.is(r.errors.filter((l) => l.includes('could not store an engine event')).length, 1, r.errors.join('\n'));
});

t.run();
