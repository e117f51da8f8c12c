/**
 * Message keys as whatsapp-web.js hands them out. WhatsApp Web builds since 2026-07-15 name a
 * MsgKey's serialized form `$1` instead of `_serialized` (wa-js #3484; whatsapp-web.js issues
 * #201830, #201833; the library's own fix, PR #201832, is unreleased): without the install-time
 * patch, a Message's `id._serialized` is undefined. Hatline never trusts it alone.
 */

/** A library message id in any of the shapes WhatsApp Web has used. */
export interface AnyMessageId {
  fromMe?: boolean;
  remote?: unknown;
  id?: string;
  participant?: unknown;
  _serialized?: string;
  $1?: string;
}

/** A Wid (or what is left of one after crossing from the page) as its string. */
export function widString(wid: unknown): string | undefined {
  if (typeof wid === 'string') return wid;
  if (wid && typeof wid === 'object') {
    const w = wid as { _serialized?: unknown; $1?: unknown; user?: unknown; server?: unknown };
    if (typeof w._serialized === 'string') return w._serialized;
    if (typeof w.$1 === 'string') return w.$1;
    if (typeof w.user === 'string' && typeof w.server === 'string') return `${w.user}@${w.server}`;
  }
  return undefined;
}

/**
 * The serialized key (`fromMe_remote_id[_participant]`): `_serialized`, else `$1`, else built from
 * its parts; null when even the parts are missing.
 */
export function serializedKeyOf(id: AnyMessageId | null | undefined): string | null {
  if (!id) return null;
  if (typeof id._serialized === 'string' && id._serialized) return id._serialized;
  if (typeof id.$1 === 'string' && id.$1) return id.$1;
  const remote = widString(id.remote);
  if (remote === undefined || typeof id.id !== 'string' || !id.id) return null;
  const participant = widString(id.participant);
  return `${Boolean(id.fromMe)}_${remote}_${id.id}${participant ? `_${participant}` : ''}`;
}

/** The chat part (`remote`) of a serialized key: `true_123@lid_3EB0...` -> `123@lid`. */
export function remoteOfKey(key: string): string | null {
  const parts = key.split('_');
  return parts.length >= 3 ? (parts[1] ?? null) : null;
}
