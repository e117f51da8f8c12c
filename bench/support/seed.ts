/** Direct seeding of a server's database (better-sqlite3, big transactions), for history benchmarks. */
import path from 'node:path';
import SQLite from 'better-sqlite3';

export interface SeedShape {
  instanceId: string;
  messages: number;
  chats: number;
  /** Share of messages that are outgoing and `failed`. */
  failedShare: number;
}

/** The id of the k-th seeded message (k = 0 is the oldest). */
export const seededMessageId = (k: number) => `3EB0${k.toString(16).toUpperCase().padStart(16, '0')}`;

export const chatJid = (i: number) => `90532${String(i).padStart(7, '0')}@s.whatsapp.net`;

/**
 * Inserts `messages` messages spread round-robin over `chats` chats, oldest first, one second
 * apart: half incoming (`received`, read), half outgoing (sent/delivered/read, and `failedShare`
 * of all messages `failed`). The instance must exist (created through the API).
 */
export function seedMessages(dataDir: string, shape: SeedShape): { seconds: number } {
  const started = performance.now();
  const db = new SQLite(path.join(dataDir, 'hatline.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -262144');
  const me = '905550000001@s.whatsapp.net';
  const insert = db.prepare(
    `insert into messages (instance_id, id, chat_id, from_jid, to_jid, from_me, type, body, caption, media_file, media_mimetype,
      media_filename, media_size, extra, status, error, seen, sender_name, timestamp)
     values (?, ?, ?, ?, ?, ?, 'chat', ?, null, null, null, null, null, null, ?, ?, 1, ?, ?)`,
  );
  const outgoing = ['sent', 'delivered', 'read', 'read', 'delivered'];
  const failedEvery = Math.round(1 / shape.failedShare);
  const t0 = Math.floor(Date.now() / 1000) - shape.messages - 86_400;
  const BATCH = 50_000;
  const batch = db.transaction((from: number, to: number) => {
    for (let k = from; k < to; k++) {
      const chat = chatJid(k % shape.chats);
      const id = seededMessageId(k);
      const failed = k % failedEvery === 1;
      const fromMe = failed || k % 2 === 0;
      const status = failed ? 'failed' : fromMe ? outgoing[(k >> 1) % outgoing.length]! : 'received';
      insert.run(
        shape.instanceId,
        id,
        chat,
        fromMe ? me : chat,
        fromMe ? chat : me,
        fromMe ? 1 : 0,
        `benchmark message number ${k}, with a body of an ordinary length`,
        status,
        failed ? 'WhatsApp did not accept the message: benchmark' : null,
        fromMe ? 'Bench' : `Contact ${k % shape.chats}`,
        t0 + k,
      );
    }
  });
  for (let k = 0; k < shape.messages; k += BATCH) batch(k, Math.min(shape.messages, k + BATCH));
  deriveChatsAndContacts(db, shape.instanceId);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return { seconds: (performance.now() - started) / 1000 };
}

/**
 * The chats and contacts the server keeps with every message write, made here in one pass for
 * the seeded history (as migration 006 does for a history it finds).
 */
function deriveChatsAndContacts(db: SQLite.Database, instanceId: string): void {
  const now = Date.now();
  db.prepare(
    `insert or replace into chats (instance_id, chat_id, is_group, name, archived, unread_count, last_message_at, last_seq, updated_at)
     select instance_id, chat_id, case when chat_id like '%@g.us' then 1 else 0 end, null, 0,
       sum(case when from_me = 0 and seen = 0 then 1 else 0 end), max(timestamp), max(seq), ?
     from messages where instance_id = ? and status <> 'failed' group by chat_id`,
  ).run(now, instanceId);
  db.prepare(
    `insert or replace into contacts (instance_id, contact_id, name, notify, updated_at)
     select instance_id, from_jid, null, max(sender_name), ? from messages
     where instance_id = ? and from_me = 0 and from_jid like '%@s.whatsapp.net' group by from_jid`,
  ).run(now, instanceId);
}
