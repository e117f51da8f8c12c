/**
 * A sends B every kind of message the API can send; each row passes once B has it, of the right
 * type, with its content (text, caption, location, card, poll) and, for media, a file that can be
 * downloaded from B's side (the document byte for byte).
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { account, path, waitForMessage, type Ctx, type Message, type Side } from './context.js';
import { dataUri, type MediaFile } from './media.js';
import { Skip } from './runner.js';

export interface SendCase {
  /** The row: "send <kind>". */
  kind: string;
  /** POST .../messages/<endpoint>. */
  endpoint: string;
  body: (to: string) => Promise<Record<string, unknown>> | Record<string, unknown>;
  /** The type B's copy must have. */
  type: string;
  /** What else B's copy must hold: a problem, or null when it is right. */
  expect?: (m: Message) => string | null;
  /** B's copy must carry a downloadable file of this type family; `exact`: the same bytes. */
  media?: { mime: string; exact?: Buffer };
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex').slice(0, 12);

/** Checks B's copy has a file that downloads (and is the same bytes, when `exact`). */
export async function checkMedia(ctx: Ctx, m: Message, mime: string, exact?: Buffer): Promise<string> {
  if (!m.media) throw new Error(`arrived as ${m.type} without its file (the download failed: see the server log)`);
  if (!m.media.mimetype.startsWith(mime)) throw new Error(`its file is ${m.media.mimetype}, expected ${mime}*`);
  const got = await ctx.api.download(m.media.url);
  if (got.status !== 200) throw new Error(`its file ${m.media.url} answers HTTP ${got.status}`);
  if (got.data.length === 0) throw new Error(`its file ${m.media.url} is empty`);
  if (exact && !got.data.equals(exact)) {
    throw new Error(`its file differs from what was sent (${got.data.length} B sha ${sha(got.data)}, sent ${exact.length} B sha ${sha(exact)})`);
  }
  return `${m.media.mimetype}, ${got.data.length} B${exact ? ', same bytes' : ''}`;
}

/** Sends from `from` to `to`, waits for `to` to have it, checks it; answers the row's detail. */
export async function sendAndReceive(ctx: Ctx, from: Side, to: Side, c: SendCase, record = true): Promise<{ id: string; detail: string }> {
  const body = await c.body(account(to).phone);
  const sent = await ctx.api.ok<{ sent: boolean; id: string }>('POST', path(from, `messages/${c.endpoint}`), body);
  if (!sent.id) throw new Error(`the send answered no id: ${JSON.stringify(sent)}`);
  if (record) ctx.sentByA.push({ kind: c.kind, id: sent.id });
  const got = await waitForMessage(ctx, to, sent.id, `the ${c.kind}`);
  if (got.type !== c.type) throw new Error(`${to.label} got ${sent.id} as type ${got.type}, expected ${c.type}`);
  const problem = c.expect?.(got);
  if (problem) throw new Error(`${to.label} got ${sent.id}, but ${problem}`);
  const file = c.media ? `; ${await checkMedia(ctx, got, c.media.mime, c.media.exact)}` : '';
  return { id: sent.id, detail: `id ${sent.id}; ${to.label} got it as ${got.type}${file}` };
}

function sameText(field: string, got: string | undefined, want: string): string | null {
  return got === want ? null : `its ${field} is ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`;
}

const VIDEO_TYPES: Record<string, string> = { '.mp4': 'video/mp4', '.3gp': 'video/3gpp', '.mov': 'video/quicktime', '.webm': 'video/webm' };

/** The send cases of A -> B, in the order the table lists them. */
export function sendCases(ctx: Ctx): SendCase[] {
  const { tag, media } = ctx;
  const text = `Hatline canary ${tag}: text`;
  const caption = `Hatline canary ${tag}: image`;
  const file = (f: MediaFile) => dataUri(f);
  const contactName = `Hatline Canary ${tag}`;
  const poll = { name: `Hatline canary ${tag}: poll?`, values: ['yes', 'no'] };
  return [
    { kind: 'text', endpoint: 'chat', type: 'chat', body: (to) => ({ to, body: text }), expect: (m) => sameText('body', m.body, text) },
    {
      kind: 'image',
      endpoint: 'image',
      type: 'image',
      body: (to) => ({ to, image: file(media.image), caption }),
      expect: (m) => sameText('caption', m.caption ?? m.body, caption),
      media: { mime: 'image/' },
    },
    {
      kind: 'video',
      endpoint: 'video',
      type: 'video',
      body: async (to) => {
        if (!ctx.cfg.videoFile) {
          throw new Skip('skipped: needs a sample video (set CANARY_VIDEO=/path/to/small.mp4); the canary cannot make one without ffmpeg');
        }
        const data = await readFile(ctx.cfg.videoFile);
        const mimetype = VIDEO_TYPES[extname(ctx.cfg.videoFile).toLowerCase()] ?? 'video/mp4';
        return { to, video: dataUri({ mimetype, filename: 'canary-video', data }) };
      },
      media: { mime: 'video/' },
    },
    {
      kind: 'document',
      endpoint: 'document',
      type: 'document',
      body: (to) => ({ to, document: file(media.document), filename: media.document.filename }),
      expect: (m) => sameText('file name', m.media?.filename ?? undefined, media.document.filename),
      media: { mime: 'text/plain', exact: media.document.data },
    },
    { kind: 'audio', endpoint: 'audio', type: 'audio', body: (to) => ({ to, audio: file(media.audio) }), media: { mime: 'audio/' } },
    { kind: 'voice', endpoint: 'voice', type: 'ptt', body: (to) => ({ to, audio: file(media.voice) }), media: { mime: 'audio/ogg' } },
    { kind: 'sticker', endpoint: 'sticker', type: 'sticker', body: (to) => ({ to, sticker: file(media.sticker) }), media: { mime: 'image/webp' } },
    {
      kind: 'location',
      endpoint: 'location',
      type: 'location',
      body: (to) => ({ to, lat: 41.0082, lng: 28.9784, name: `Hatline canary ${tag}`, address: 'Sultanahmet, İstanbul' }),
      expect: (m) =>
        m.location && Math.abs(m.location.lat - 41.0082) < 1e-4 && Math.abs(m.location.lng - 28.9784) < 1e-4
          ? null
          : `its location is ${JSON.stringify(m.location)}, expected 41.0082, 28.9784`,
    },
    {
      kind: 'contact card',
      endpoint: 'contact',
      type: 'vcard',
      body: (to) => ({ to, contact_name: contactName, contact_phone: account(ctx.a).phone }),
      expect: (m) => (m.vcard?.includes(contactName) ? null : `its vCard does not name "${contactName}": ${JSON.stringify(m.vcard)}`),
    },
    {
      kind: 'poll',
      endpoint: 'poll',
      type: 'poll_creation',
      body: (to) => ({ to, ...poll, selectableCount: 1 }),
      expect: (m) =>
        m.poll?.name === poll.name && JSON.stringify(m.poll.values) === JSON.stringify(poll.values)
          ? null
          : `its poll is ${JSON.stringify(m.poll)}, expected ${JSON.stringify(poll)}`,
    },
  ];
}
