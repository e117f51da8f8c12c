/**
 * The chat list's floor (issue 12): what Hono + better-sqlite3 do for `GET .../chats` with nothing of
 * Hatline around it. One route answers the same list Hatline answers (every chat of an instance,
 * newest first, its name and its newest message cut to 120 characters: the same fields, the same
 * query shape, one index seek per chat), from one prepared statement on a read-only copy of the
 * same database; a second route answers a list built once at start-up, so that it measures only
 * what serving an answer of that size costs (JSON, HTTP), with no database at all.
 *
 * `startListFloor(file)` spawns it as a child process, as the real server is; run by hand with
 * `npx tsx bench/list-floor.ts <port> <database file>`.
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import SQLite from 'better-sqlite3';
import { startChildServer, type ChildServer } from './support/child-server.js';
import { TOKEN } from './support/server.js';

const PREVIEW = 120;

const LIST = `
  select c.chat_id, coalesce(nullif(c.name, ''), nullif(g.name, ''), nullif(k.name, ''), nullif(k.notify, '')) as name,
    c.unread_count, c.last_message_at, c.archived, c.pinned, c.muted_until, c.marked_unread,
    m.id as m_id, m.from_me, m.type, m.status, m.timestamp, m.sender_name,
    case when m.type = 'revoked' then '' else coalesce(nullif(m.body, ''), nullif(m.caption, ''), m.media_filename, '') end as text
  from chats c
  left join chat_groups g on g.instance_id = c.instance_id and g.group_id = c.chat_id
  left join contacts k on k.instance_id = c.instance_id and k.contact_id = c.chat_id
  left join messages m on m.seq = (select n.seq from messages n where n.instance_id = c.instance_id and n.chat_id = c.chat_id
                                   order by n.timestamp desc, n.seq desc limit 1)
  where c.instance_id = ?
  order by c.last_message_at desc nulls last, c.last_seq desc nulls last, c.chat_id`;

interface Row {
  chat_id: string;
  name: string | null;
  unread_count: number;
  last_message_at: number | null;
  archived: number;
  pinned: number;
  muted_until: number | null;
  marked_unread: number;
  m_id: string | null;
  from_me: number;
  type: string;
  status: string;
  timestamp: number;
  sender_name: string | null;
  text: string;
}

function chatOf(r: Row, now: number) {
  const chars = r.text && r.text.length > PREVIEW ? [...r.text] : null;
  return {
    id: r.chat_id,
    name: r.name || r.chat_id.split('@')[0],
    unreadCount: r.unread_count,
    lastMessage: r.last_message_at,
    archived: r.archived === 1,
    pinned: r.pinned === 1,
    mutedUntil: r.muted_until !== null && r.muted_until > now ? r.muted_until : null,
    markedUnread: r.marked_unread === 1,
    lastMessagePreview:
      r.m_id === null
        ? null
        : {
            id: r.m_id,
            fromMe: r.from_me === 1,
            type: r.type,
            body: chars && chars.length > PREVIEW ? `${chars.slice(0, PREVIEW - 1).join('')}…` : r.text,
            status: r.status,
            timestamp: r.timestamp,
            ...(r.sender_name && r.from_me !== 1 ? { senderName: r.sender_name } : {}),
          },
  };
}

function listFloorApp(file: string) {
  const db = new SQLite(file, { readonly: true });
  const list = db.prepare(LIST);
  const chats = (instanceId: string) => (list.all(instanceId) as Row[]).map((r) => chatOf(r, Math.floor(Date.now() / 1000)));
  const app = new Hono();
  app.get('/health', (c) => c.json({ status: 'ok' }));
  app.use('/api/*', async (c, next) => {
    if (c.req.header('authorization') !== `Bearer ${TOKEN}`) return c.json({ error: 'unauthorized' }, 401);
    await next();
  });
  const built = new Map<string, unknown>();
  app.get('/api/instance/:id/chats', (c) => c.json(chats(c.req.param('id'))));
  app.get('/api/instance/:id/chats-built', (c) => {
    const id = c.req.param('id');
    if (!built.has(id)) built.set(id, chats(id));
    return c.json(built.get(id));
  });
  return app;
}

/** Spawns the list floor on a free port over `file` (read-only); resolves once it answers. */
export function startListFloor(file: string): Promise<ChildServer> {
  return startChildServer(import.meta.url, [file], 'the list floor');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [port, file] = process.argv.slice(2);
  if (!port || !file) throw new Error('usage: npx tsx bench/list-floor.ts <port> <database file>');
  serve({ fetch: listFloorApp(file).fetch, port: Number(port), hostname: '127.0.0.1' });
  process.on('SIGTERM', () => process.exit(0));
}
