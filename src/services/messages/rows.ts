import type { Account, EngineMessage, MessageRef, OutgoingContent } from '../../engines/engine.js';
import { bodyOf } from '../../engines/content.js';
import { isGroupJid } from '../../ids.js';
import type { MessageRow, NewMessageRow } from '../../storage/schema.js';

/** What goes with a message besides its content (kept in `extra`, shown on the message). */
export interface MessageMeta {
  /** The id of the message it replies to. */
  quotedId?: string;
  mentions?: string[];
  viewOnce?: boolean;
  forwarded?: boolean;
}

/** The row of a message about to be sent (pending, under a temporary id). */
export function outgoingRow(
  instanceId: string,
  tempId: string,
  to: string,
  content: OutgoingContent,
  me: Account | null,
  timestamp: number,
  meta: MessageMeta = {},
): NewMessageRow {
  return {
    instance_id: instanceId,
    id: tempId,
    chat_id: to,
    from_jid: me?.id ?? '',
    to_jid: to,
    from_me: 1,
    type: content.kind,
    body: bodyOf(content),
    caption: 'media' in content ? (content.caption ?? null) : null,
    media_file: null,
    media_mimetype: null,
    media_filename: null,
    media_size: null,
    extra: withMeta(extraOf(content), meta),
    status: 'pending',
    error: null,
    sender_name: me?.name ?? null,
    timestamp,
    native_key: null,
  };
}

/** The kinds whose text is a caption. */
const CAPTIONED = new Set<string>(['image', 'video', 'document']);

/** The row of a message an engine reported (received, or sent from the phone itself). */
export function incomingRow(instanceId: string, m: EngineMessage): NewMessageRow {
  return {
    instance_id: instanceId,
    id: m.id,
    chat_id: m.chatId,
    from_jid: m.from,
    to_jid: m.to,
    from_me: m.fromMe ? 1 : 0,
    type: m.kind,
    body: m.body,
    // A media message whose file could not be fetched keeps its caption all the same.
    caption: m.media || (CAPTIONED.has(m.kind) && m.body !== '') ? m.body : null,
    media_file: null,
    media_mimetype: m.media?.mimetype ?? null,
    media_filename: m.media?.filename ?? null,
    media_size: m.media?.data.length ?? null,
    extra: extraOfIncoming(m),
    status: m.fromMe ? 'sent' : 'received',
    error: null,
    sender_name: m.senderName ?? null,
    timestamp: m.timestamp,
    native_key: m.nativeKey ?? null,
  };
}

/** The row of a forward of a stored message (pending, under a temporary id): its content, marked forwarded. */
export function forwardedRow(instanceId: string, tempId: string, to: string, original: MessageRow, me: Account | null, timestamp: number): NewMessageRow {
  const { quotedId: _q, mentions: _m, viewOnce: _v, ...content } = parseExtra(original.extra);
  return {
    instance_id: instanceId,
    id: tempId,
    chat_id: to,
    from_jid: me?.id ?? '',
    to_jid: to,
    from_me: 1,
    type: original.type,
    body: original.body,
    caption: original.caption,
    media_file: original.media_file,
    media_mimetype: original.media_mimetype,
    media_filename: original.media_filename,
    media_size: original.media_size,
    extra: JSON.stringify({ ...content, forwarded: true }),
    status: 'pending',
    error: null,
    sender_name: me?.name ?? null,
    timestamp,
    native_key: null,
  };
}

/** The `extra` column as an object (a damaged one is empty). */
export function parseExtra(extra: string | null): Record<string, unknown> {
  if (!extra) return {};
  try {
    const parsed = JSON.parse(extra) as unknown;
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** What an engine needs to act on a stored message. */
export function refOf(row: Pick<MessageRow, 'id' | 'chat_id' | 'from_me' | 'from_jid' | 'native_key'>): MessageRef {
  return {
    chatId: row.chat_id,
    id: row.id,
    fromMe: row.from_me === 1,
    author: isGroupJid(row.chat_id) && row.from_me !== 1 ? row.from_jid : null,
    nativeKey: row.native_key,
  };
}

function extraOf(content: OutgoingContent): string | null {
  switch (content.kind) {
    case 'location':
      return JSON.stringify({ location: content.location });
    case 'poll_creation':
      return JSON.stringify({ poll: content.poll });
    case 'vcard':
      return JSON.stringify({ vcard: content.vcard });
    default:
      return null;
  }
}

function extraOfIncoming(m: EngineMessage): string | null {
  const extra = {
    ...(m.location ? { location: m.location } : {}),
    ...(m.poll ? { poll: m.poll } : {}),
    ...(m.vcard ? { vcard: m.vcard } : {}),
  };
  const meta: MessageMeta = {
    ...(m.quotedId ? { quotedId: m.quotedId } : {}),
    ...(m.mentions?.length ? { mentions: m.mentions } : {}),
    ...(m.viewOnce ? { viewOnce: true } : {}),
    ...(m.forwarded ? { forwarded: true } : {}),
  };
  return withMeta(Object.keys(extra).length ? JSON.stringify(extra) : null, meta);
}

function withMeta(extra: string | null, meta: MessageMeta): string | null {
  const kept = Object.fromEntries(Object.entries(meta).filter(([, v]) => v !== undefined && v !== false && !(Array.isArray(v) && v.length === 0)));
  if (Object.keys(kept).length === 0) return extra;
  return JSON.stringify({ ...(extra ? (JSON.parse(extra) as object) : {}), ...kept });
}
