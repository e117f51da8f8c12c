/**
 * The Engine over whatsapp-web.js. The session (session.ts) owns the connection and its
 * supervision; this file turns each Engine operation into library calls on the open client.
 */
import type { Logger } from '../../logger.js';
import {
  EngineError,
  type Engine,
  type EngineChat,
  type EngineContact,
  type EngineContext,
  type EngineGroup,
  type OutgoingContent,
  type SentMessage,
  type StartOptions,
} from '../engine.js';
import { operationError } from './failures.js';
import { toLibraryId } from './ids.js';
import { isGroupChat, type ClientFactory, type LibChat, type LibGroupChat, type LibMessage, type WwebjsClient } from './library-types.js';
import { idsOfGroup, isPersonOrGroup, toEngineChat, toEngineContact, toEngineGroup } from './mapper.js';
import { toLibrarySend } from './outgoing.js';
import { WwebjsSession } from './session.js';
import type { WwebjsTimings } from './supervisor.js';

/** How many recent messages of a chat are searched for a message whose key was not seen. */
const SEARCH_DEPTH = 200;

export class WwebjsEngine implements Engine {
  readonly kind = 'wwebjs' as const;
  private readonly session: WwebjsSession;
  private disposed = false;

  constructor(
    private readonly ctx: EngineContext,
    factory: ClientFactory,
    timings: WwebjsTimings,
    private readonly log: Logger,
  ) {
    this.session = new WwebjsSession({ ctx, factory, timings, log });
  }

  // --- lifecycle -----------------------------------------------------------------------------

  async start(options: StartOptions = {}): Promise<void> {
    if (this.disposed) throw new EngineError('rejected', `instance ${this.ctx.instanceId} is being deleted`);
    await this.session.start(options);
  }

  stop(): Promise<void> {
    return this.session.stop();
  }

  logout(): Promise<void> {
    return this.session.logout();
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    await this.session.stop();
    this.session.ids.clear();
    this.session.index.clear();
  }

  // --- messaging -----------------------------------------------------------------------------

  async send(to: string, content: OutgoingContent): Promise<SentMessage> {
    const { client } = this.session.openClient();
    const { content: body, options } = toLibrarySend(content);
    const sent = await this.call(`sending a ${content.kind} message to ${to}`, () =>
      this.session.index.send(client.sendMessage(toLibraryId(to), body, options)),
    );
    if (!sent) throw new EngineError('not_found', `chat ${to} not found`);
    return { id: sent.id.id, timestamp: sent.timestamp || Math.floor(Date.now() / 1000) };
  }

  async react(chatId: string, messageId: string, emoji: string): Promise<void> {
    const { client } = this.session.openClient();
    const message = await this.findMessage(client, chatId, messageId);
    await this.call('reacting', () => message.react(emoji));
  }

  async deleteForEveryone(chatId: string, messageId: string): Promise<void> {
    const { client } = this.session.openClient();
    const message = await this.findMessage(client, chatId, messageId);
    await this.call('deleting the message for everyone', () => message.delete(true));
  }

  async markChatRead(chatId: string, _messageIds: string[]): Promise<void> {
    const chat = await this.chat(chatId);
    await this.call('marking the chat read', () => chat.sendSeen());
  }

  async setArchived(chatId: string, archived: boolean): Promise<void> {
    const chat = await this.chat(chatId);
    await this.call(archived ? 'archiving the chat' : 'unarchiving the chat', () => (archived ? chat.archive() : chat.unarchive()));
  }

  async deleteChat(chatId: string): Promise<void> {
    const chat = await this.chat(chatId);
    await this.call('deleting the chat', () => chat.delete());
  }

  // --- reads ---------------------------------------------------------------------------------

  async getChats(): Promise<EngineChat[]> {
    const { client } = this.session.openClient();
    const chats = (await this.call('listing chats', () => client.getChats())).filter((c) => isPersonOrGroup(c.id._serialized));
    await this.session.ids.resolve(chats.map((c) => c.id._serialized));
    return chats.map((c) => toEngineChat(c, this.session.ids));
  }

  async getContacts(): Promise<EngineContact[]> {
    const { client } = this.session.openClient();
    const all = await this.call('listing contacts', () => client.getContacts());
    const people = all.filter((c) => c.isUser && !c.isGroup && isPersonOrGroup(c.id._serialized));
    await this.session.ids.resolve(people.map((c) => c.id._serialized));
    // A person may be listed under both a LID and a phone id; after resolving, keep one.
    const byId = new Map<string, EngineContact>();
    for (const contact of people.map((c) => toEngineContact(c, this.session.ids))) {
      const seen = byId.get(contact.id);
      byId.set(contact.id, seen ? { id: contact.id, name: seen.name ?? contact.name, notify: seen.notify ?? contact.notify } : contact);
    }
    return [...byId.values()];
  }

  async getContact(id: string): Promise<EngineContact | null> {
    const { client } = this.session.openClient();
    const contact = await this.call('reading the contact', () => client.getContactById(toLibraryId(id)));
    if (!contact?.id?._serialized) return null;
    await this.session.ids.resolve([contact.id._serialized]);
    return toEngineContact(contact, this.session.ids);
  }

  async checkNumber(phone: string): Promise<{ exists: boolean; jid: string | null }> {
    const { client } = this.session.openClient();
    const found = await this.call('checking the number', () => client.getNumberId(phone));
    if (!found?._serialized) return { exists: false, jid: null };
    await this.session.ids.resolve([found._serialized]);
    return { exists: true, jid: this.session.ids.toApi(found._serialized) };
  }

  async getProfilePicture(id: string): Promise<string | null> {
    const { client } = this.session.openClient();
    const url = await this.call('reading the profile picture', () => client.getProfilePicUrl(toLibraryId(id)));
    return url || null;
  }

  async setBlocked(id: string, blocked: boolean): Promise<void> {
    const { client } = this.session.openClient();
    const contact = await this.call('reading the contact', () => client.getContactById(toLibraryId(id)));
    const done = await this.call(blocked ? 'blocking' : 'unblocking', () => (blocked ? contact.block() : contact.unblock()));
    if (!done) throw new EngineError('rejected', `${id} cannot be ${blocked ? 'blocked' : 'unblocked'} (groups cannot)`);
  }

  async getGroups(): Promise<EngineGroup[]> {
    const { client } = this.session.openClient();
    const chats = await this.call('listing groups', () => client.getChats());
    const groups = chats.filter(isGroupChat).filter(hasMetadata);
    await this.session.ids.resolve(groups.flatMap(idsOfGroup));
    return groups.map((g) => toEngineGroup(g, this.session.ids));
  }

  async getGroup(id: string): Promise<EngineGroup | null> {
    if (!id.endsWith('@g.us')) return null;
    const { client } = this.session.openClient();
    const chat = await this.call('reading the group', () => client.getChatById(id));
    if (!chat || !isGroupChat(chat) || !hasMetadata(chat)) return null;
    await this.session.ids.resolve(idsOfGroup(chat));
    return toEngineGroup(chat, this.session.ids);
  }

  // --- internals -----------------------------------------------------------------------------

  /** Runs a library call; its failure becomes an EngineError saying what was being done. */
  private async call<T>(what: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      const mapped = operationError(what, err);
      this.log.debug('wwebjs operation failed', { instance: this.ctx.instanceId, what, error: mapped.message });
      throw mapped;
    }
  }

  private async chat(chatId: string): Promise<LibChat> {
    const { client } = this.session.openClient();
    const chat = await this.call('reading the chat', () => client.getChatById(toLibraryId(chatId)));
    if (!chat) throw new EngineError('not_found', `chat ${chatId} not found`);
    return chat;
  }

  /**
   * The library message for an API message id: by the key seen lately, else by the two keys a
   * message of this chat can have (sent by us or by them), else among the chat's recent messages
   * (group messages carry the author in their key).
   */
  private async findMessage(client: WwebjsClient, chatId: string, messageId: string): Promise<LibMessage> {
    const remote = toLibraryId(chatId);
    const known = this.session.index.serializedKey(messageId);
    const keys = known ? [known] : [`true_${remote}_${messageId}`, `false_${remote}_${messageId}`];
    for (const key of keys) {
      const found = await this.call('finding the message', () => client.getMessageById(key)).catch(() => null);
      if (found) return found;
    }
    const chat = await this.chat(chatId);
    const recent = await this.call('searching the chat', () => chat.fetchMessages({ limit: SEARCH_DEPTH }));
    const found = recent.find((m) => m.id.id === messageId);
    if (!found) throw new EngineError('not_found', `message ${messageId} not found in chat ${chatId}`);
    this.session.index.remember(found);
    return found;
  }
}

/** GroupChat's getters read groupMetadata, which WhatsApp Web may not have loaded for old groups. */
function hasMetadata(group: LibGroupChat): boolean {
  try {
    return Array.isArray(group.participants);
  } catch {
    return false;
  }
}
