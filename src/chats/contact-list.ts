import type { EngineContact } from '../engines/engine.js';
import { notFound } from '../errors.js';
import { jidToPhone } from '../messaging/jid.js';
import * as chatsRepo from '../storage/chats-repo.js';
import type { ChatSources } from './chat-list.js';
import { openEngine } from './open-engine.js';

/** A contact as the API shows it (the seed's shape). */
export type ContactView = EngineContact;

/**
 * The instance's contacts: the engine's, plus everyone the store has a message from or to (so
 * that they survive a restart of an engine that forgets them). `notify`, the push name, falls
 * back to the newest name the person wrote under. Users only (no groups, not the account itself).
 */
export async function listContacts(src: ChatSources, instanceId: string): Promise<ContactView[]> {
  const engine = openEngine(src.manager, instanceId);
  const me = src.manager.get(instanceId).account?.id;
  const fromEngine = await engine.getContacts();
  await src.messages.settled(instanceId);
  const contacts = new Map<string, ContactView>();
  for (const c of fromEngine) contacts.set(c.id, { id: c.id, name: c.name, notify: c.notify });
  for (const id of await chatsRepo.storedPeople(src.db, instanceId)) {
    if (!contacts.has(id)) contacts.set(id, { id, name: null, notify: null });
  }
  for (const id of contacts.keys()) if (!jidToPhone(id) || id === me) contacts.delete(id);
  const nameless = [...contacts.values()].filter((c) => c.notify === null);
  const names = await chatsRepo.pushNames(src.db, instanceId, nameless.map((c) => c.id));
  for (const c of nameless) c.notify = names.get(c.id) ?? null;
  return [...contacts.values()].sort((a, b) => a.id.localeCompare(b.id));
}

/** One contact; 404 when WhatsApp does not know the number and the store has nothing from it. */
export async function getContact(src: ChatSources, instanceId: string, id: string): Promise<ContactView> {
  const engine = openEngine(src.manager, instanceId);
  const found = await engine.getContact(id);
  await src.messages.settled(instanceId);
  const notify = found?.notify ?? (await chatsRepo.pushNames(src.db, instanceId, [id])).get(id) ?? null;
  if (!found && notify === null) throw notFound(`chatId: no contact ${id}`);
  return { id, name: found?.name ?? null, notify };
}
