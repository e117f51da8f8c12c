/**
 * A fake whatsapp-web.js Client: an EventEmitter with the methods the wwebjs engine uses, emitting
 * the library's own event names with its argument shapes (Message objects with id._serialized,
 * `@c.us` ids, MessageAck numbers) and building content with the library's real MessageMedia,
 * Location and Poll classes. Its session persistence mimics LocalAuth: initialize() creates
 * `<sessionDir>/session-<instanceId>`, a scan saves the link inside it, a saved link is restored
 * without a QR, and logout (or an unlink from the phone) deletes the folder.
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import wwebjs from 'whatsapp-web.js';
import type {
  ClientParams,
  LibBrowser,
  LibChat,
  LibContact,
  LibContent,
  LibGroupChat,
  LibGroupParticipant,
  LibId,
  LibMessage,
  LibSendOptions,
  WwebjsClient,
} from '../../src/engines/wwebjs/library-types.js';

const { Location, MessageMedia, Poll } = wwebjs;
type MessageMediaT = InstanceType<typeof MessageMedia>;
type LocationT = InstanceType<typeof Location>;

/** How this fake misbehaves, for supervisor tests. */
export interface FakeBehaviour {
  /** initialize() rejects with this (as puppeteer's page.goto would). */
  initializeError?: Error;
  /** WhatsApp Web never loads: initialize() hangs until the browser closes, nothing is emitted. */
  stall?: boolean;
  /** A saved session authenticates but never becomes ready. */
  neverReady?: boolean;
  /** getState() never answers (a hung page). */
  hangGetState?: boolean;
}

const SESSION_FILE = 'fake-linked-device.json';
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

function cus(phone: string): LibId {
  return { user: phone, server: 'c.us', _serialized: `${phone}@c.us` };
}

function idOf(serialized: string): LibId {
  const at = serialized.indexOf('@');
  return { user: serialized.slice(0, at), server: serialized.slice(at + 1), _serialized: serialized };
}

export class FakeBrowser extends EventEmitter implements LibBrowser {
  private connected = true;
  isConnected(): boolean {
    return this.connected;
  }
  process(): null {
    return null; // no real process: the engine's process-group kill has nothing to do
  }
  /** Closes as browser.close() does, or as a crash would: 'disconnected' either way. */
  close(): void {
    if (!this.connected) return;
    this.connected = false;
    this.emit('disconnected');
  }
}

export interface FakeMessageInit {
  fromMe: boolean;
  remote: string;
  from: string;
  to: string;
  author?: string;
  type: string;
  body?: string;
  media?: MessageMediaT;
  location?: LocationT;
  vCards?: string[];
  poll?: { name: string; options: string[]; selectable: number };
  notifyName?: string;
}

export class FakeMessage implements LibMessage {
  id: LibMessage['id'];
  ack = 0;
  body: string;
  type: string;
  timestamp = Math.floor(Date.now() / 1000);
  from: string;
  to: string;
  author?: string;
  fromMe: boolean;
  hasMedia: boolean;
  isStatus = false;
  location?: LocationT;
  vCards: string[];
  pollName?: string;
  pollOptions?: unknown[];
  allowMultipleAnswers?: boolean;
  rawData: object;
  reactions: string[] = [];
  revoked = false;
  private readonly media: MessageMediaT | undefined;

  constructor(init: FakeMessageInit) {
    const short = (init.fromMe ? '3EB0' : '3A') + randomBytes(8).toString('hex').toUpperCase();
    const key = `${init.fromMe}_${init.remote}_${short}${init.author && !init.fromMe ? `_${init.author}` : ''}`;
    this.id = { fromMe: init.fromMe, remote: init.remote, id: short, _serialized: key };
    this.fromMe = init.fromMe;
    this.from = init.from;
    this.to = init.to;
    if (init.author) this.author = init.author;
    this.type = init.type;
    this.media = init.media;
    this.hasMedia = Boolean(init.media);
    this.body = init.media ? (init.body ?? '') : (init.body ?? init.poll?.name ?? '');
    if (init.location) this.location = init.location;
    this.vCards = init.type === 'vcard' && init.body ? [init.body] : (init.vCards ?? []);
    const raw: Record<string, unknown> = { type: init.type };
    if (init.notifyName) raw.notifyName = init.notifyName;
    if (init.poll) {
      this.pollName = init.poll.name;
      // What WhatsApp Web hands the library: option objects, not the strings index.d.ts promises.
      this.pollOptions = init.poll.options.map((name, localId) => ({ name, localId }));
      this.allowMultipleAnswers = init.poll.selectable !== 1;
      raw.pollSelectableOptionsCount = init.poll.selectable;
    }
    this.rawData = raw;
  }

  async downloadMedia(): Promise<MessageMediaT | undefined> {
    return this.media;
  }
  async delete(everyone?: boolean): Promise<void> {
    if (everyone) this.revoked = true;
  }
  async react(reaction: string): Promise<void> {
    this.reactions.push(reaction);
  }
}

export class FakeChat implements LibChat {
  name: string;
  isGroup = false;
  unreadCount = 0;
  timestamp = 0;
  archived = false;
  deleted = false;
  seen = 0;
  readonly messages: FakeMessage[] = [];
  constructor(
    readonly id: LibId,
    name?: string,
  ) {
    this.name = name ?? `+${id.user}`;
  }
  async sendSeen(): Promise<boolean> {
    this.seen += 1;
    this.unreadCount = 0;
    return true;
  }
  async archive(): Promise<void> {
    this.archived = true;
  }
  async unarchive(): Promise<void> {
    this.archived = false;
  }
  async delete(): Promise<boolean> {
    this.deleted = true;
    return true;
  }
  async fetchMessages(options: { limit?: number }): Promise<LibMessage[]> {
    return this.messages.slice(-(options.limit ?? 50));
  }
}

export class FakeGroupChat extends FakeChat implements LibGroupChat {
  override isGroup = true;
  owner: LibId | undefined;
  createdAt = new Date();
  description: string | undefined = undefined;
  participants: LibGroupParticipant[];
  constructor(id: LibId, name: string, owner: LibId, members: LibId[]) {
    super(id, name);
    this.owner = owner;
    this.participants = [{ id: owner, isAdmin: true, isSuperAdmin: true }, ...members.map((m) => ({ id: m, isAdmin: false, isSuperAdmin: false }))];
  }
}

export class FakeContact implements LibContact {
  isGroup = false;
  isUser = true;
  isMe = false;
  isBlocked = false;
  constructor(
    readonly id: LibId,
    public name?: string,
    public pushname?: string,
  ) {}
  async block(): Promise<boolean> {
    this.isBlocked = true;
    return true;
  }
  async unblock(): Promise<boolean> {
    this.isBlocked = false;
    return true;
  }
}

export interface SentRecord {
  chatId: string;
  content: LibContent;
  options: LibSendOptions | undefined;
  message: FakeMessage;
}

export class FakeWwebjsClient extends EventEmitter implements WwebjsClient {
  info?: { wid: LibId; pushname: string };
  pupBrowser: FakeBrowser | null = null;
  readonly profileDir: string;
  readonly sent: SentRecord[] = [];
  readonly chats = new Map<string, FakeChat>();
  readonly contacts = new Map<string, FakeContact>();
  readonly messages = new Map<string, FakeMessage>();
  /** `...@lid` -> `...@c.us`, what getContactLidAndPhone answers. */
  readonly lids = new Map<string, string>();
  lidLookups: string[][] = [];
  destroyed = false;
  loggedOut = false;
  /** Whether this client ever showed a QR code (a restored session does not). */
  qrShown = false;
  private state = 'UNLAUNCHED';

  constructor(
    readonly params: ClientParams,
    readonly behaviour: FakeBehaviour = {},
  ) {
    super();
    this.profileDir = path.join(params.sessionDir, `session-${params.instanceId}`);
  }

  // --- lifecycle, as the library -------------------------------------------------------------

  async initialize(): Promise<void> {
    mkdirSync(this.profileDir, { recursive: true }); // LocalAuth.beforeBrowserInitialized
    const browser = new FakeBrowser();
    this.pupBrowser = browser;
    await tick();
    if (this.behaviour.initializeError) throw this.behaviour.initializeError;
    if (this.behaviour.stall) {
      // page.goto with the library's timeout 0 waits until the browser goes away.
      await new Promise<void>((_, reject) =>
        browser.once('disconnected', () => reject(new Error('Navigating frame was detached'))),
      );
    }
    const saved = this.savedLink();
    if (saved) {
      setImmediate(() => {
        this.emit('authenticated');
        if (!this.behaviour.neverReady) this.becomeReady(saved.phone, saved.name);
      });
      return;
    }
    this.state = 'UNPAIRED';
    setImmediate(() => {
      if (this.params.pairingPhone) this.emit('code', 'WZ3TS8W2');
      else {
        this.qrShown = true;
        this.emit('qr', `2@${randomBytes(24).toString('base64')},fake`);
      }
    });
  }

  async destroy(): Promise<void> {
    this.destroyed = true;
    this.pupBrowser?.close();
  }

  async logout(): Promise<void> {
    if (!this.pupBrowser?.isConnected()) throw new Error('Protocol error: Session closed');
    this.loggedOut = true;
    this.pupBrowser.close();
    rmSync(this.profileDir, { recursive: true, force: true }); // LocalAuth.logout
  }

  async getState(): Promise<string | null> {
    if (this.behaviour.hangGetState) return new Promise<string | null>(() => undefined);
    if (!this.pupBrowser?.isConnected()) throw new Error('Protocol error (Runtime.callFunctionOn): Session closed.');
    return this.state;
  }

  // --- what a phone and WhatsApp do (test controls) ------------------------------------------

  /** The phone scans the QR (or enters the pairing code): the link is saved, then ready. */
  scan(phone = '905550001111', name = 'Fake Phone'): void {
    writeFileSync(path.join(this.profileDir, SESSION_FILE), JSON.stringify({ phone, name }));
    this.emit('authenticated');
    this.becomeReady(phone, name);
  }

  /** WhatsApp Web reports sync progress after a scan (the library's loading_screen event). */
  syncProgress(percent: number): void {
    this.emit('loading_screen', percent, 'WhatsApp');
  }

  /** A contact (or a LID-only sender) writes; the library emits message_create, then message. */
  receive(from: string, body: string, extra: Partial<FakeMessageInit> & { groupId?: string } = {}): FakeMessage {
    const me = this.requireReady();
    const fromId = from.includes('@') ? from : `${from}@c.us`;
    const remote = extra.groupId ?? fromId;
    const msg = new FakeMessage({
      fromMe: false,
      remote,
      from: remote,
      to: extra.groupId ?? me._serialized,
      ...(extra.groupId ? { author: fromId } : {}),
      type: extra.media ? 'image' : 'chat',
      body,
      ...extra,
    });
    this.store(msg, remote);
    this.emit('message_create', msg);
    this.emit('message', msg);
    return msg;
  }

  /** The linked phone itself sends a message: only message_create, with fromMe true. */
  sendFromPhone(toPhone: string, body: string): FakeMessage {
    const me = this.requireReady();
    const remote = `${toPhone}@c.us`;
    const msg = new FakeMessage({ fromMe: true, remote, from: me._serialized, to: remote, type: 'chat', body });
    this.store(msg, remote);
    this.emit('message_create', msg);
    return msg;
  }

  /** The recipient's phone reports a receipt (MessageAck number) for a message we sent. */
  ack(messageId: string, ack: number): void {
    const msg = [...this.messages.values()].find((m) => m.id.id === messageId || m.id._serialized === messageId);
    if (!msg) throw new Error(`fake: no message ${messageId}`);
    msg.ack = ack;
    this.emit('message_ack', msg, ack);
  }

  addGroup(name: string, memberPhones: string[]): string {
    const me = this.requireReady();
    const id = idOf(`120363${String(Date.now()).slice(-9)}${randomBytes(2).readUInt16BE()}@g.us`);
    const group = new FakeGroupChat(id, name, me, memberPhones.map(cus));
    this.chats.set(id._serialized, group);
    // As WhatsApp Web does when the account is added to a group (a GroupNotification).
    setImmediate(() => this.emit('group_join', { chatId: id._serialized, type: 'add' }));
    return id._serialized;
  }

  /** Chromium dies (crash, OOM kill). */
  crashBrowser(): void {
    this.pupBrowser?.close();
  }

  /** The device is removed on the phone: the library deletes the session and emits LOGOUT. */
  unlinkFromPhone(): void {
    rmSync(this.profileDir, { recursive: true, force: true });
    this.emit('disconnected', 'LOGOUT');
  }

  // --- operations, as the library ------------------------------------------------------------

  async sendMessage(chatId: string, content: LibContent, options?: LibSendOptions): Promise<LibMessage | undefined> {
    const me = this.requireReady();
    if (chatId.endsWith('@g.us') && !this.chats.has(chatId)) return undefined;
    const init: FakeMessageInit = { fromMe: true, remote: chatId, from: me._serialized, to: chatId, type: 'chat' };
    if (typeof content === 'string') {
      if (options?.parseVCards !== false && content.startsWith('BEGIN:VCARD')) init.type = 'vcard';
      init.body = content;
    } else if (content instanceof MessageMedia) {
      init.media = content;
      init.type = options?.sendAudioAsVoice
        ? 'ptt'
        : options?.sendMediaAsDocument
          ? 'document'
          : options?.sendMediaAsSticker
            ? 'sticker'
            : (content.mimetype.split('/')[0] ?? 'document');
      if (options?.caption) init.body = options.caption;
    } else if (content instanceof Location) {
      init.type = 'location';
      init.location = content;
    } else if (content instanceof Poll) {
      init.type = 'poll_creation';
      init.poll = {
        name: content.pollName,
        options: content.pollOptions.map((o) => o.name),
        selectable: content.options.allowMultipleAnswers ? 0 : 1,
      };
    } else {
      throw new Error('fake: content type not supported');
    }
    const msg = new FakeMessage(init);
    this.store(msg, chatId);
    this.sent.push({ chatId, content, options, message: msg });
    // As in WhatsApp Web, the new message is announced before sendMessage() answers.
    this.emit('message_create', msg);
    await tick();
    setTimeout(() => {
      if (this.pupBrowser?.isConnected()) this.ack(msg.id.id, 1);
    }, 5).unref();
    return msg;
  }

  async getMessageById(messageId: string): Promise<LibMessage | null> {
    return this.messages.get(messageId) ?? null;
  }

  async getChatById(chatId: string): Promise<LibChat | undefined> {
    return this.chats.get(chatId);
  }

  async getChats(): Promise<LibChat[]> {
    this.requireReady();
    return [...this.chats.values()].filter((c) => !c.deleted);
  }

  async getContacts(): Promise<LibContact[]> {
    this.requireReady();
    return [...this.contacts.values()];
  }

  async getContactById(contactId: string): Promise<LibContact> {
    return this.contacts.get(contactId) ?? new FakeContact(idOf(contactId));
  }

  async getNumberId(number: string): Promise<LibId | null> {
    const user = number.replace(/@c\.us$/, '');
    return user.endsWith('0000') ? null : cus(user);
  }

  async getProfilePicUrl(_contactId: string): Promise<string | undefined> {
    return undefined;
  }

  async getContactLidAndPhone(userIds: string[]): Promise<{ lid: string; pn: string }[]> {
    this.lidLookups.push([...userIds]);
    return userIds.map((lid) => ({ lid, pn: this.lids.get(lid) ?? '' }));
  }

  // --- internals -----------------------------------------------------------------------------

  private savedLink(): { phone: string; name: string } | null {
    const file = path.join(this.profileDir, SESSION_FILE);
    if (!existsSync(file)) return null;
    return JSON.parse(readFileSync(file, 'utf8')) as { phone: string; name: string };
  }

  private becomeReady(phone: string, name: string): void {
    this.state = 'CONNECTED';
    this.info = { wid: cus(phone), pushname: name };
    this.emit('ready');
  }

  private requireReady(): LibId {
    if (!this.info || this.state !== 'CONNECTED') throw new Error("fake: Cannot read properties of undefined (reading 'getChat')");
    return this.info.wid;
  }

  private store(msg: FakeMessage, remote: string): void {
    this.messages.set(msg.id._serialized, msg);
    let chat = this.chats.get(remote);
    if (!chat) {
      chat = new FakeChat(idOf(remote));
      this.chats.set(remote, chat);
    }
    chat.messages.push(msg);
    chat.timestamp = msg.timestamp;
    if (!msg.fromMe) chat.unreadCount += 1;
    if (!msg.fromMe && remote.endsWith('@c.us') && !this.contacts.has(remote)) {
      this.contacts.set(remote, new FakeContact(idOf(remote), undefined, msg.rawData && 'notifyName' in msg.rawData ? String(msg.rawData.notifyName) : undefined));
    }
  }
}

/** A factory handing out fakes and remembering them (the latest is the engine's current client). */
export function fakeClientFactory(behaviour: (attempt: number) => FakeBehaviour = () => ({})) {
  const clients: FakeWwebjsClient[] = [];
  const factory = (params: ClientParams): WwebjsClient => {
    const client = new FakeWwebjsClient(params, behaviour(clients.length + 1));
    clients.push(client);
    return client;
  };
  return {
    factory,
    clients,
    current(): FakeWwebjsClient {
      const last = clients[clients.length - 1];
      if (!last) throw new Error('fake: the engine has not built a client yet');
      return last;
    },
  };
}
