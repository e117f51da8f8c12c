import { sql } from 'kysely';
import type pg from 'pg';
import type { Db } from './db-types.js';
import { pgDriver } from './pg-driver.js';

/**
 * How the nodes sharing a database tell each other that something changed which they keep in
 * memory: an API key or embed token created or revoked, events appended to the event log, an
 * instance created, deleted or changing state, a bulk job to run. A message names a topic and
 * subjects (instance ids, say); it says only *that* something changed, and the receiver reads
 * the database again. On one machine nothing needs telling: `localFeed` does nothing.
 */
export interface ChangeFeed {
  /** Tells the other nodes (not this one) that `subject` of `topic` changed; sent within a few milliseconds, batched. */
  publish(topic: string, subject: string): void;
  /** Told of the other nodes' changes; `null` for "anything may have changed" (after the feed was cut off and came back). */
  subscribe(topic: string, listener: (subject: string | null) => void): void;
  close(): Promise<void>;
}

export function localFeed(): ChangeFeed {
  return { publish: () => undefined, subscribe: () => undefined, close: async () => undefined };
}

const CHANNEL = 'hatline_changes';
/** How long publications gather before they go out as one notification per topic. */
const BATCH_MS = 10;
/** PostgreSQL's limit on a notification's payload is 8000 bytes: past this, "everything of the topic". */
const MAX_PAYLOAD = 7000;
const RETRY_MIN_MS = 500;
const RETRY_MAX_MS = 15_000;

interface Message {
  /** The node that sent it (its own messages come back to it too: they are ignored). */
  n: string;
  t: string;
  /** Subjects; ['*'] for all of them. */
  s: string[];
}

/**
 * PostgreSQL's LISTEN/NOTIFY: one client of its own listens (a connection of the pool cannot:
 * it is handed to other queries between them), reconnecting with backoff when the connection is
 * lost, after which every listener is told that anything may have changed (null). Publications
 * go through the pool's connections, after the change committed.
 */
export function postgresFeed(opts: { url: string; db: Db; nodeId: string; log: (message: string) => void }): ChangeFeed {
  const listeners = new Map<string, ((subject: string | null) => void)[]>();
  const outgoing = new Map<string, Set<string>>();
  let flushTimer: NodeJS.Timeout | null = null;
  let client: pg.Client | null = null;
  let closed = false;
  let retryMs = RETRY_MIN_MS;
  let retryTimer: NodeJS.Timeout | null = null;
  let connectedOnce = false;

  const tell = (topic: string, subject: string | null) => {
    for (const listener of listeners.get(topic) ?? []) {
      try {
        listener(subject);
      } catch (err) {
        opts.log(`a change listener failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  };

  const connect = async () => {
    if (closed) return;
    const c = new (pgDriver().Client)({ connectionString: opts.url });
    c.on('error', (err) => {
      opts.log(`change feed connection lost: ${err.message}`);
      reconnect(c);
    });
    c.on('end', () => reconnect(c));
    c.on('notification', (n) => {
      if (n.channel !== CHANNEL || !n.payload) return;
      let m: Message;
      try {
        m = JSON.parse(n.payload) as Message;
      } catch {
        return;
      }
      if (m.n === opts.nodeId) return;
      for (const s of m.s) tell(m.t, s === '*' ? null : s);
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${CHANNEL}`);
    } catch (err) {
      opts.log(`change feed could not listen: ${err instanceof Error ? err.message : String(err)}`);
      reconnect(c);
      return;
    }
    if (closed) return void c.end().catch(() => undefined);
    client = c;
    retryMs = RETRY_MIN_MS;
    // Whatever was said while this node was not listening is unknown: everything is read again.
    if (connectedOnce) for (const topic of listeners.keys()) tell(topic, null);
    connectedOnce = true;
  };

  const reconnect = (c: pg.Client) => {
    if (closed || retryTimer || (client !== c && client !== null)) return;
    client = null;
    c.removeAllListeners('end');
    c.end().catch(() => undefined);
    retryTimer = setTimeout(() => {
      retryTimer = null;
      void connect();
    }, retryMs);
    retryTimer.unref();
    retryMs = Math.min(RETRY_MAX_MS, retryMs * 2);
  };

  const flush = async () => {
    flushTimer = null;
    const batch = [...outgoing];
    outgoing.clear();
    for (const [topic, subjects] of batch) {
      let s = [...subjects];
      if (s.includes('*') || JSON.stringify(s).length > MAX_PAYLOAD) s = ['*'];
      const payload = JSON.stringify({ n: opts.nodeId, t: topic, s } satisfies Message);
      try {
        await sql`select pg_notify(${CHANNEL}, ${payload})`.execute(opts.db);
      } catch (err) {
        // The others catch up at their next renewal (caches) or their next look (event streams).
        opts.log(`could not tell the other nodes of a change (${topic}): ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  };

  void connect();
  return {
    publish(topic, subject) {
      if (closed) return;
      let set = outgoing.get(topic);
      if (!set) outgoing.set(topic, (set = new Set()));
      set.add(subject);
      flushTimer ??= setTimeout(() => void flush(), BATCH_MS);
    },
    subscribe(topic, listener) {
      const list = listeners.get(topic) ?? [];
      list.push(listener);
      listeners.set(topic, list);
    },
    async close() {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      if (flushTimer) {
        clearTimeout(flushTimer);
        await flush();
      }
      const c = client;
      client = null;
      if (c) {
        c.removeAllListeners('end');
        await c.end().catch(() => undefined);
      }
    },
  };
}
