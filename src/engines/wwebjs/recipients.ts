/**
 * Where a direct send goes. WhatsApp moved people to LIDs in 2026: the chat of a migrated contact
 * lives under `<lid>@lid`, and a send to their `<phone>@c.us` that WhatsApp Web cannot pair throws
 * `No LID for user` (whatsapp-web.js #145434; seen on 1.34.7 in OpenWA #156). getNumberId asks
 * WhatsApp (one usync query) and answers the id to use, a LID for migrated contacts (OpenWA #573),
 * and teaches WhatsApp Web the pairing. Answers are cached, so a person costs one query.
 */
import { EngineError } from '../engine.js';
import type { LidResolver } from './ids.js';
import { isLid, phoneOf, toLibraryId } from './ids.js';
import type { LibId } from './library-types.js';

/** How long a number's answer is kept: found for a day, not found for ten minutes. */
const FOUND_MS = 24 * 60 * 60_000;
const NOT_FOUND_MS = 10 * 60_000;
const MAX_ENTRIES = 20_000;

export type NumberLookup = (phone: string) => Promise<LibId | null>;

export class Recipients {
  private readonly cache = new Map<string, { id: string | null; at: number }>();

  constructor(
    private readonly ids: LidResolver,
    private readonly lookup: () => NumberLookup | null,
  ) {}

  /**
   * The library id to send to: groups as they are; a person's phone id as WhatsApp says it now (a
   * LID when migrated). `not_found` when the number is not on WhatsApp. `fresh` asks again.
   */
  async resolve(apiId: string, fresh = false): Promise<string> {
    const libraryId = toLibraryId(apiId);
    const phone = phoneOf(libraryId);
    if (!phone) return libraryId;
    const now = Date.now();
    const cached = this.cache.get(phone);
    if (!fresh && cached && now - cached.at < (cached.id ? FOUND_MS : NOT_FOUND_MS)) return this.answer(phone, cached.id);
    const known = fresh ? null : this.ids.toLibraryChat(apiId);
    if (known && isLid(known)) return known;
    const lookup = this.lookup();
    if (!lookup) throw new EngineError('not_connected', 'WhatsApp Web is not available');
    const found = await lookup(phone);
    const id = found?._serialized ?? null;
    if (id && isLid(id)) this.ids.learn(id, libraryId);
    this.cache.delete(phone);
    this.cache.set(phone, { id, at: now });
    if (this.cache.size > MAX_ENTRIES) this.cache.delete(this.cache.keys().next().value!);
    return this.answer(phone, id);
  }

  clear(): void {
    this.cache.clear();
  }

  private answer(phone: string, id: string | null): string {
    if (!id) throw new EngineError('not_found', `${phone} is not on WhatsApp`);
    return id;
  }
}
