/**
 * Once a client is open, what WhatsApp Web holds (chats, the address book, groups) is reported as
 * upserts for Hatline to store: every list the API serves comes from the store, so the library is
 * asked once per connection instead of on every request (each getChats() also refreshes the
 * metadata of every group on WhatsApp's servers, wwebjs-2026.md D9).
 */
import type { EngineContact, EngineContext } from '../engine.js';
import type { WwebjsOps } from './capabilities/ops.js';
import { hasMetadata } from './capabilities/ops.js';
import { messageOf } from './failures.js';
import { isGroupChat, type WwebjsClient } from './library-types.js';
import { groupRecordOf, idsOfGroup, isPersonOrGroup, toEngineChat, toEngineContact, toEngineGroup } from './mapper.js';

export async function syncStore(client: WwebjsClient, ops: WwebjsOps, emit: EngineContext['emit']): Promise<void> {
  const ids = ops.session.ids;
  try {
    const chats = (await client.getChats()).filter((c) => isPersonOrGroup(c.id._serialized));
    const groups = chats.filter(isGroupChat).filter(hasMetadata).map(groupRecordOf);
    await ids.resolve([...chats.map((c) => c.id._serialized), ...groups.flatMap(idsOfGroup)]);
    if (groups.length) emit({ type: 'group_upsert', groups: groups.map((g) => toEngineGroup(g, ids)) });
    if (chats.length) emit({ type: 'chat_upsert', chats: chats.map((c) => toEngineChat(c, ids)) });
  } catch (err) {
    ops.log.warn('could not read the chats of WhatsApp Web', { error: messageOf(err) });
  }
  try {
    const people = (await client.getContacts()).filter((c) => c.isUser && !c.isGroup && isPersonOrGroup(c.id._serialized));
    await ids.resolve(people.map((c) => c.id._serialized));
    // A person may be listed under both a LID and a phone id; after resolving, keep one.
    const byId = new Map<string, EngineContact>();
    for (const contact of people.map((c) => toEngineContact(c, ids))) {
      const seen = byId.get(contact.id);
      byId.set(contact.id, seen ? { id: contact.id, name: seen.name ?? contact.name, notify: seen.notify ?? contact.notify } : contact);
    }
    if (byId.size) emit({ type: 'contact_upsert', contacts: [...byId.values()] });
  } catch (err) {
    ops.log.warn('could not read the contacts of WhatsApp Web', { error: messageOf(err) });
  }
}
