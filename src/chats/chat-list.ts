import type { EngineChat } from '../engines/engine.js';
import type { InstanceManager } from '../instances/instance-manager.js';
import { isGroupJid, jidToPhone } from '../messaging/jid.js';
import type { MessageService } from '../messaging/message-service.js';
import * as chatsRepo from '../storage/chats-repo.js';
import type { Db } from '../storage/db.js';
import { openEngine } from './open-engine.js';

/** A chat as the API shows it (the seed's shape). */
export interface ChatView {
  id: string;
  name: string;
  unreadCount: number;
  /** Unix seconds of the newest message; null for a chat without any (a group just joined). */
  lastMessage: number | null;
  archived: boolean;
}

export interface ChatSources {
  db: Db;
  manager: InstanceManager;
  messages: Pick<MessageService, 'settled'>;
}

const newest = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.max(a, b));

/**
 * The instance's chats: WhatsApp's view (the engine) joined with the message store's.
 * - a chat is listed when either side knows it (so it appears after its first message, in or out);
 * - `lastMessage` is the newer of the two sides; `unreadCount` is the store's count of incoming
 *   messages not marked read whenever the store holds messages of the chat (the engine's otherwise);
 * - `archived` is the engine's word for chats it lists (and is remembered), the remembered flag otherwise;
 * - `name` is the engine's; for chats only the store knows, the group's name or the sender's push name.
 * Newest first. 404 unknown instance, 409 not connected.
 */
export async function listChats(src: ChatSources, instanceId: string): Promise<ChatView[]> {
  const engine = openEngine(src.manager, instanceId);
  const engineChats = await engine.getChats();
  await src.messages.settled(instanceId);
  const [stored, archived] = await Promise.all([chatsRepo.storedChats(src.db, instanceId), chatsRepo.archiveStates(src.db, instanceId)]);

  const known = new Map<string, EngineChat>(engineChats.map((c) => [c.id, c]));
  const seq = new Map(stored.map((s) => [s.chatId, s.seq]));
  const chats = new Map<string, ChatView>();
  for (const c of engineChats) {
    chats.set(c.id, { id: c.id, name: c.name, unreadCount: c.unreadCount, lastMessage: c.lastMessage, archived: c.archived });
  }
  for (const s of stored) {
    const chat = chats.get(s.chatId);
    if (chat) {
      chat.lastMessage = newest(chat.lastMessage, s.lastMessage);
      chat.unreadCount = s.unreadCount;
    } else {
      chats.set(s.chatId, { id: s.chatId, name: '', unreadCount: s.unreadCount, lastMessage: s.lastMessage, archived: archived.get(s.chatId) ?? false });
    }
  }

  // The engine's archive flag wins and is remembered, so that it holds after a restart too.
  const changed = engineChats.filter((c) => (archived.get(c.id) ?? false) !== c.archived);
  for (const c of changed) await chatsRepo.setArchiveState(src.db, instanceId, c.id, c.archived);

  const unnamed = [...chats.values()].filter((c) => !c.name || !known.has(c.id));
  if (unnamed.length) await nameChats(src, instanceId, unnamed, known);

  return [...chats.values()].sort(
    (a, b) => (b.lastMessage ?? -1) - (a.lastMessage ?? -1) || (seq.get(b.id) ?? -1) - (seq.get(a.id) ?? -1) || a.id.localeCompare(b.id),
  );
}

/** Names for chats the engine does not list: the group's name, the sender's push name, or the phone. */
async function nameChats(src: ChatSources, instanceId: string, chats: ChatView[], known: Map<string, EngineChat>): Promise<void> {
  const users = chats.filter((c) => !isGroupJid(c.id)).map((c) => c.id);
  const names = await chatsRepo.pushNames(src.db, instanceId, users);
  const groups = chats.some((c) => isGroupJid(c.id))
    ? new Map((await src.manager.engine(instanceId).getGroups()).map((g) => [g.id, g.name]))
    : new Map<string, string>();
  for (const c of chats) {
    c.name = known.get(c.id)?.name || (isGroupJid(c.id) ? groups.get(c.id) : names.get(c.id)) || jidToPhone(c.id) || c.id;
  }
}
