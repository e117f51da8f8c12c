/**
 * Ids between whatsapp-web.js and the API. The library names users `905...@c.us` (and, since
 * WhatsApp's move to "LIDs", sometimes `1234...@lid`); the API speaks `905...@s.whatsapp.net`.
 * Groups (`...@g.us`) are the same on both sides.
 */
import type { Logger } from '../../logger.js';

const LIBRARY_USER = '@c.us';
const API_USER = '@s.whatsapp.net';
const LID = '@lid';

/** `905...@c.us` (also with a `:device` part) becomes `905...@s.whatsapp.net`; other ids pass through. */
export function toApiId(id: string): string {
  if (!id.endsWith(LIBRARY_USER)) return id;
  const user = id.slice(0, -LIBRARY_USER.length).split(':')[0] ?? '';
  return `${user}${API_USER}`;
}

/** `905...@s.whatsapp.net` becomes `905...@c.us`; other ids pass through. */
export function toLibraryId(id: string): string {
  if (!id.endsWith(API_USER)) return id;
  const user = id.slice(0, -API_USER.length).split(':')[0] ?? '';
  return `${user}${LIBRARY_USER}`;
}

export function isLid(id: string): boolean {
  return id.endsWith(LID);
}

/** The digits of a `@c.us` or `@s.whatsapp.net` id, or null. */
export function phoneOf(id: string): string | null {
  const at = id.indexOf('@');
  if (at < 0) return null;
  const server = id.slice(at);
  if (server !== LIBRARY_USER && server !== API_USER) return null;
  const user = id.slice(0, at).split(':')[0] ?? '';
  return /^\d{5,20}$/.test(user) ? user : null;
}

/** What the library offers to turn LIDs into phone ids (`client.getContactLidAndPhone`). */
export type LidLookup = (ids: string[]) => Promise<{ lid: string; pn: string }[]>;

interface CacheEntry {
  /** The phone id (`...@c.us`), or null when WhatsApp did not tell (retried after a while). */
  phone: string | null;
  at: number;
}

const MAX_ENTRIES = 20_000;
/**
 * A LID WhatsApp did not pair with a phone is asked about again only after this long: each lookup
 * of an unknown LID is a usync query to WhatsApp's servers (Client.getContactLidAndPhone ->
 * enforceLidAndPnRetrieval), and for people who hide their number it never succeeds (review D9).
 */
const RETRY_UNKNOWN_MS = 6 * 60 * 60_000;
/** At most this many LIDs per lookup; the rest wait for the next batch (no burst of queries). */
const MAX_BATCH = 50;

/**
 * Resolves `@lid` ids to phone ids with a cache. Callers collect every id of a message or list
 * and call `resolve` once, so the library is asked at most once per batch, never per id in a loop
 * (each lookup is a round trip into the browser and may query WhatsApp's servers).
 */
export class LidResolver {
  private readonly cache = new Map<string, CacheEntry>();
  /** The other direction: `905...@c.us` -> `123...@lid`, for every pairing learnt. */
  private readonly lidOfPhone = new Map<string, string>();
  private readonly pending = new Map<string, Promise<void>>();

  constructor(
    private readonly lookup: () => LidLookup | null,
    private readonly log: Logger,
  ) {}

  /**
   * Learns the phone of every unknown `@lid` among `ids` with one lookup; a LID already being
   * looked up (by a concurrent call) is waited for, not asked about twice.
   */
  async resolve(ids: Iterable<string | null | undefined>): Promise<void> {
    const now = Date.now();
    const wanted = new Set<string>();
    const waits = new Set<Promise<void>>();
    for (const id of ids) {
      if (!id || !isLid(id)) continue;
      const pending = this.pending.get(id);
      if (pending) {
        waits.add(pending);
        continue;
      }
      const known = this.cache.get(id);
      if (known && (known.phone !== null || now - known.at < RETRY_UNKNOWN_MS)) continue;
      wanted.add(id);
    }
    const lookup = this.lookup();
    if (wanted.size > 0 && lookup) {
      const batch = [...wanted].slice(0, MAX_BATCH);
      const asking = this.ask(lookup, batch, now);
      for (const lid of batch) this.pending.set(lid, asking);
      waits.add(asking);
      void asking.finally(() => {
        for (const lid of batch) if (this.pending.get(lid) === asking) this.pending.delete(lid);
      });
    }
    await Promise.all(waits);
  }

  private async ask(lookup: LidLookup, batch: string[], now: number): Promise<void> {
    try {
      const answers = await lookup(batch);
      for (const [i, lid] of batch.entries()) {
        const pn = answers[i]?.lid === lid ? answers[i]?.pn : answers.find((a) => a.lid === lid)?.pn;
        this.remember(lid, typeof pn === 'string' && pn.endsWith(LIBRARY_USER) ? pn : null, now);
      }
    } catch (err) {
      this.log.debug('lid lookup failed', { ids: batch.length, error: err instanceof Error ? err.message : String(err) });
      for (const lid of batch) this.remember(lid, null, now);
    }
  }

  /** Records a pairing the library told us about in passing. */
  learn(lid: string, phoneId: string): void {
    if (isLid(lid) && phoneId.endsWith(LIBRARY_USER)) this.remember(lid, phoneId, Date.now());
  }

  /**
   * The id WhatsApp Web files a person's chat under: their LID when it is known (a migrated
   * contact), else the phone id. Groups and other ids pass through.
   */
  toLibraryChat(apiId: string): string {
    const libraryId = toLibraryId(apiId);
    return this.lidOfPhone.get(libraryId) ?? libraryId;
  }

  /** The API id of a library id, using what `resolve` learnt; an unresolvable LID stays a LID. */
  toApi(id: string): string {
    if (isLid(id)) {
      const phone = this.cache.get(id)?.phone;
      return phone ? toApiId(phone) : id;
    }
    return toApiId(id);
  }

  clear(): void {
    this.cache.clear();
    this.lidOfPhone.clear();
  }

  private remember(lid: string, phone: string | null, at: number): void {
    this.cache.delete(lid);
    this.cache.set(lid, { phone, at });
    if (phone) {
      this.lidOfPhone.delete(phone);
      this.lidOfPhone.set(phone, lid);
    }
    for (const map of [this.cache, this.lidOfPhone] as Map<string, unknown>[]) {
      if (map.size <= MAX_ENTRIES) continue;
      const oldest = map.keys().next().value;
      if (oldest !== undefined) map.delete(oldest);
    }
  }
}
