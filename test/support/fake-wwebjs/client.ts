/**
 * A fake whatsapp-web.js Client: an EventEmitter with the methods the wwebjs engine uses, emitting
 * the library's own event names with its argument shapes and building content with the library's
 * real MessageMedia, Location and Poll classes. Its session persistence mimics LocalAuth:
 * initialize() creates `<sessionDir>/session-<instanceId>`, a scan saves the link inside it, a saved
 * link is restored without a QR, and a logout (or an unlink from the phone) deletes the folder.
 *
 * It fails the way the library fails against WhatsApp Web in 2026, each switch naming its source
 * (see model.ts for the shapes): `$1` message keys, media sends and downloads, `No LID for user`
 * for migrated people, chats created by getChatById, a silent delete-for-me outside the revoke
 * window, page reloads after linking, QR codes that stop, LOGOUT and terminal disconnects.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import wwebjs from 'whatsapp-web.js';
import type { ClientParams, LibChat, LibContact, LibContent, LibId, LibMessage, LibSendOptions, WwebjsClient } from '../../../src/engines/wwebjs/library-types.js';
import { FakeAccount } from './account.js';
import { FakeGroupChat } from './group.js';
import {
  broken,
  cus,
  FakeBrowser,
  FakeChat,
  FakeContact,
  FakeMessage,
  idOf,
  MEDIA_ID,
  R_R,
  WEB_VERSIONS,
  type FakeLibrary,
  type FakeMessageInit,
  type FakeShape,
  type FakeWorld,
} from './model.js';
import { FakePage } from './page.js';

const { Location, MessageMedia, Poll } = wwebjs;

/** How this fake misbehaves. */
export interface FakeBehaviour {
  /** Which WhatsApp Web it runs against (default 2026-06). */
  shape?: FakeShape;
  /** The library as installed (default) or as published, without Hatline's patches. */
  library?: FakeLibrary;
  /** initialize() rejects with this (as puppeteer's page.goto would). */
  initializeError?: Error;
  /** WhatsApp Web never loads: initialize() hangs until the browser closes, nothing is emitted. */
  stall?: boolean;
  /** A saved session authenticates but never becomes ready. */
  neverReady?: boolean;
  /** Connected after authenticating, but the library never emits `ready` (OpenWA #415). */
  readyUnsaid?: boolean;
  /** getState() never answers (a hung page). */
  hangGetState?: boolean;
  /**
   * The QR rotates every `every` ms, `times` times in all, then WhatsApp Web goes idle
   * (UNPAIRED_IDLE) and 1.34.7 shows no more (its refresh throws in Node, review D7).
   */
  qrRotation?: { every: number; times: number };
}

const SESSION_FILE = 'fake-linked-device.json';
const NO_LID = 'Evaluation failed: Error: No LID for user';
const RELOADING = 'Execution context was destroyed, most likely because of a navigation.';
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

export interface SentRecord {
  chatId: string;
  content: LibContent;
  options: LibSendOptions | undefined;
  message: FakeMessage;
}

export class FakeWwebjsClient extends FakeAccount implements WwebjsClient {
  info?: { wid: LibId; pushname: string; platform?: string };
  /** What the phone runs: `android` (WhatsApp) or `smba` (WhatsApp Business, which has labels). */
  platform = 'android';
  /** People with a profile picture, by id (`...@c.us` or `...@lid`). */
  readonly pictures = new Set<string>();
  /** What reached WhatsApp from the page ops. */
  readonly pageLog: { chatStates: { state: string; chat: string }[]; rejectedCalls: { peer: string; id: string }[] } = { chatStates: [], rejectedCalls: [] };
  pupBrowser: FakeBrowser | null = null;
  pupPage: FakePage | null = null;
  readonly world: FakeWorld;
  readonly profileDir: string;
  readonly sent: SentRecord[] = [];
  readonly chats = new Map<string, FakeChat>();
  readonly contacts = new Map<string, FakeContact>();
  /** By serialized key. */
  readonly messages = new Map<string, FakeMessage>();
  /** `...@lid` -> `...@c.us`, what getContactLidAndPhone answers. */
  readonly lids = new Map<string, string>();
  /** People WhatsApp moved to a LID: `<phone>@c.us` -> `<lid>@lid` (see migrate()). */
  readonly migrated = new Map<string, string>();
  /** Migrated people WhatsApp Web has paired phone and LID for (after a getNumberId). */
  readonly paired = new Set<string>();
  lidLookups: string[][] = [];
  numberLookups: string[] = [];
  /** How long after sending a message can be deleted for everyone. */
  revokeWindowSec = 2 * 24 * 60 * 60;
  /**
   * WhatsApp's server does not confirm sends (ack 1) while set: they stay a clock in the chat, as
   * with a phone whose connection to the server is stuck; releaseServerAcks() confirms them.
   */
  holdServerAcks = false;
  private readonly heldServerAcks: string[] = [];
  destroyed = false;
  loggedOut = false;
  /**
   * The library's event path is broken (see deafen()): `listeners` its Msg listeners are gone,
   * `binding` the function they call is; null while it works.
   */
  deaf: 'listeners' | 'binding' | null = null;
  /** evaluate() never answers (a hung page). */
  pageHangs = false;
  /** What evaluate() throws now besides a reload or a closed browser (a page error), or null. */
  pageFault: string | null = null;
  /** Whether this client ever showed a QR code (a restored session does not). */
  qrShown = false;
  private state = 'UNLAUNCHED';
  private reloading = false;
  private injected = false;
  private qrTimer: NodeJS.Timeout | null = null;

  constructor(
    readonly params: ClientParams,
    readonly behaviour: FakeBehaviour = {},
  ) {
    super();
    this.world = { shape: behaviour.shape ?? '2026-06', library: behaviour.library ?? 'patched' };
    this.profileDir = path.join(params.sessionDir, `session-${params.instanceId}`);
  }

  // --- lifecycle, as the library -------------------------------------------------------------

  async initialize(): Promise<void> {
    mkdirSync(this.profileDir, { recursive: true }); // LocalAuth.beforeBrowserInitialized
    const browser = new FakeBrowser();
    this.pupBrowser = browser;
    this.pupPage = new FakePage({
      chats: this.chats,
      messageByKey: (key) => this.messages.get(key),
      pageError: () => (!browser.isConnected() ? 'Protocol error: Session closed' : this.reloading ? RELOADING : this.pageFault),
      injected: () => this.injected,
      bridge: () => ({ listening: this.deaf !== 'listeners', bound: this.deaf !== 'binding' }),
      hangs: () => this.pageHangs,
      account: () => ({
        pushname: this.info?.pushname ?? '',
        labels: this.labels,
        picture: (id) => (this.pictures.has(id) ? `https://pps.whatsapp.net/v/t61/${id.split('@')[0]}.jpg` : undefined),
      }),
      edited: (msg, body, previous) => this.emit('message_edit', msg, body, previous),
      log: this.pageLog,
    });
    await tick();
    if (this.behaviour.initializeError) throw this.behaviour.initializeError;
    if (this.behaviour.stall) {
      // page.goto with the library's timeout 0 waits until the browser goes away.
      await new Promise<void>((_, reject) => browser.once('disconnected', () => reject(new Error('Navigating frame was detached'))));
    }
    this.injected = true;
    const saved = this.savedLink();
    if (saved) {
      setImmediate(() => {
        this.emit('authenticated');
        if (!this.behaviour.neverReady) this.becomeReady(saved.phone, saved.name);
      });
      return;
    }
    this.showQr();
  }

  async destroy(): Promise<void> {
    this.destroyed = true;
    this.stopQr();
    this.pupBrowser?.close();
  }

  async logout(): Promise<void> {
    if (!this.pupBrowser?.isConnected()) throw new Error('Protocol error: Session closed');
    this.loggedOut = true;
    this.stopQr();
    this.pupBrowser.close();
    rmSync(this.profileDir, { recursive: true, force: true }); // LocalAuth.logout
  }

  async getState(): Promise<string | null> {
    if (this.behaviour.hangGetState) return new Promise<string | null>(() => undefined);
    if (!this.pupBrowser?.isConnected()) throw new Error('Protocol error (Runtime.callFunctionOn): Session closed.');
    if (this.reloading) throw new Error(`Evaluation failed: ${RELOADING}`);
    return this.state;
  }

  async getWWebVersion(): Promise<string> {
    this.requirePage();
    return WEB_VERSIONS[this.world.shape];
  }

  // --- what a phone and WhatsApp do (test controls) ------------------------------------------

  /** The phone scans the QR (or enters the pairing code): the link is saved, then ready. */
  scan(phone = '905550001111', name = 'Fake Phone'): void {
    this.stopQr();
    writeFileSync(path.join(this.profileDir, SESSION_FILE), JSON.stringify({ phone, name }));
    this.emit('authenticated');
    this.becomeReady(phone, name);
  }

  /** WhatsApp Web reports sync progress after a scan (the library's loading_screen event). */
  syncProgress(percent: number): void {
    this.emit('loading_screen', percent, 'WhatsApp');
  }

  /**
   * WhatsApp Web reloads itself (after linking, on an update): while it boots, getState() and page
   * calls fail as a navigation does; then the library injects again and says authenticated, ready.
   */
  reloadPage(bootMs = 50): void {
    this.reloading = true;
    this.injected = false;
    setTimeout(() => {
      if (!this.pupBrowser?.isConnected()) return;
      this.reloading = false;
      this.injected = true;
      this.emit('authenticated');
      this.emit('ready');
    }, bootMs).unref();
  }

  /**
   * The device is removed on the phone. As 1.34.7 does on the post-logout navigation: `disconnected`
   * LOGOUT first, then LocalAuth deletes and recreates the session folder, and a new QR shows.
   */
  unlinkFromPhone(): void {
    this.state = 'UNPAIRED';
    this.info = undefined;
    this.emit('disconnected', 'LOGOUT');
    void tick().then(() => {
      rmSync(this.profileDir, { recursive: true, force: true });
      mkdirSync(this.profileDir, { recursive: true });
      if (this.pupBrowser?.isConnected()) this.showQr();
    });
  }

  /** WhatsApp Web leaves a state the library accepts (TOS_BLOCK, CONFLICT ...): it says so and destroys itself (review D8). */
  disconnectWith(state: string): void {
    this.state = state;
    this.emit('change_state', state);
    this.emit('disconnected', state);
    void this.destroy();
  }

  /** WhatsApp moves a person to a LID: their chat is filed under it, and sends to their phone id need the pairing first. */
  migrate(phone: string, lid: string): void {
    this.migrated.set(`${phone}@c.us`, lid);
    this.lids.set(lid, `${phone}@c.us`);
  }

  /**
   * The library stops hearing WhatsApp Web (its listeners were not attached again after a reload,
   * or the function they call is gone): messages keep arriving in the page, without events.
   */
  deafen(how: 'listeners' | 'binding' = 'listeners'): void {
    this.deaf = how;
  }

  /** An older message of a chat, kept in "IndexedDB" until the page loads it (loadEarlierMsgs). */
  storeOlder(from: string, body: string, timestamp: number): FakeMessage {
    const me = this.requireReady();
    const remote = from.includes('@') ? from : `${from}@c.us`;
    const msg = new FakeMessage({ fromMe: false, remote, from: remote, to: me._serialized, type: 'chat', body, timestamp }, this.world);
    this.messages.set(msg.key, msg);
    let chat = this.chats.get(remote);
    if (!chat) {
      chat = new FakeChat(idOf(remote));
      this.chats.set(remote, chat);
    }
    chat.older.push(msg);
    chat.older.sort((a, b) => a.timestamp - b.timestamp);
    chat.timestamp = Math.max(chat.timestamp, timestamp);
    return msg;
  }

  /** A contact (or a LID-only sender) writes; the library emits message_create, then message (not when deaf). */
  receive(from: string, body: string, extra: Partial<FakeMessageInit> & { groupId?: string } = {}): FakeMessage {
    const me = this.requireReady();
    const fromId = from.includes('@') ? from : `${from}@c.us`;
    const remote = extra.groupId ?? fromId;
    const msg = new FakeMessage(
      {
        fromMe: false,
        remote,
        from: remote,
        to: extra.groupId ?? me._serialized,
        ...(extra.groupId ? { author: fromId } : {}),
        type: extra.media ? 'image' : 'chat',
        body,
        ...extra,
      },
      this.world,
    );
    this.store(msg, remote);
    if (this.deaf) return msg;
    this.emit('message_create', msg);
    this.emit('message', msg);
    return msg;
  }

  /** The linked phone itself sends a message: only message_create, with fromMe true. */
  sendFromPhone(toPhone: string, body: string): FakeMessage {
    const me = this.requireReady();
    const remote = `${toPhone}@c.us`;
    const msg = new FakeMessage({ fromMe: true, remote, from: me._serialized, to: remote, type: 'chat', body }, this.world);
    this.store(msg, remote);
    if (!this.deaf) this.emit('message_create', msg);
    return msg;
  }

  /** The server confirms the sends it held (holdServerAcks), in order: ack 1 for each; stops holding. */
  releaseServerAcks(): void {
    this.holdServerAcks = false;
    for (const id of this.heldServerAcks.splice(0)) this.ack(id, 1);
  }

  /** The recipient's phone reports a receipt (MessageAck number) for a message we sent. */
  ack(messageId: string, ack: number): void {
    const msg = [...this.messages.values()].find((m) => m.id.id === messageId || m.key === messageId);
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

  // --- operations, as the library ------------------------------------------------------------

  async sendMessage(chatId: string, content: LibContent, options?: LibSendOptions): Promise<LibMessage | undefined> {
    const me = this.requireReady();
    if (chatId.endsWith('@g.us') && !this.chats.has(chatId)) return undefined;
    // WhatsApp Web cannot send to a migrated person's phone id it has not paired (#145434).
    if (this.migrated.has(chatId) && !this.paired.has(chatId)) throw new Error(NO_LID);
    const init: FakeMessageInit = { fromMe: true, remote: chatId, from: me._serialized, to: chatId, type: 'chat' };
    if (typeof content === 'string') {
      if (options?.parseVCards !== false && content.startsWith('BEGIN:VCARD')) init.type = 'vcard';
      init.body = content;
    } else if (content instanceof MessageMedia) {
      if (broken(this.world, '2026-09')) throw new Error(MEDIA_ID);
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
    const remote = this.migrated.get(chatId) ?? chatId; // WhatsApp Web files it under the LID
    const msg = new FakeMessage({ ...init, remote, to: remote }, this.world);
    this.store(msg, remote);
    this.sent.push({ chatId, content, options, message: msg });
    // As in WhatsApp Web, the new message is announced before sendMessage() answers.
    this.emit('message_create', msg);
    await tick();
    if (this.holdServerAcks) this.heldServerAcks.push(msg.id.id);
    else {
      setTimeout(() => {
        if (this.pupBrowser?.isConnected()) this.ack(msg.id.id, 1);
      }, 5).unref();
    }
    // Unpatched since July 2026 it looks the new message up by `_serialized`, finds none (#201830).
    return broken(this.world, '2026-07') ? undefined : msg;
  }

  async sendReaction(messageId: string, reaction: string): Promise<void> {
    this.requirePage();
    const msg = this.messages.get(messageId);
    if (msg) msg.reactions.push(reaction); // no such message: null, silently (as the library)
  }

  async getMessageById(messageId: string): Promise<LibMessage | null> {
    this.requirePage();
    return this.messages.get(messageId) ?? null;
  }

  /** As the library: a chat WhatsApp Web does not hold is created, empty (findOrCreateLatestChat, review D11). */
  async getChatById(chatId: string): Promise<LibChat | undefined> {
    this.requireReady();
    if (chatId.endsWith('@newsletter')) {
      const channel = this.channels.get(chatId);
      return channel ? (this.channelOf(channel) as unknown as LibChat) : undefined;
    }
    if (broken(this.world, '2026-07')) throw new Error(R_R);
    let chat = this.chats.get(chatId);
    if (!chat || chat.deleted) {
      chat = chatId.endsWith('@g.us') ? undefined : new FakeChat(idOf(chatId));
      if (chat) this.chats.set(chatId, chat);
    }
    return chat;
  }

  async getChats(): Promise<LibChat[]> {
    this.requireReady();
    if (broken(this.world, '2026-07')) throw new Error(R_R);
    return [...this.chats.values()].filter((c) => !c.deleted);
  }

  async getContacts(): Promise<LibContact[]> {
    this.requireReady();
    return [...this.contacts.values()];
  }

  async getContactById(contactId: string): Promise<LibContact> {
    this.requireReady();
    let contact = this.contacts.get(contactId);
    if (!contact) {
      contact = new FakeContact(idOf(contactId));
      this.contacts.set(contactId, contact);
    }
    // Unpatched, block()/unblock() call a helper WhatsApp Web removed (OpenWA #1391).
    contact.blockRemoved = broken(this.world, '2026-09');
    return contact;
  }

  /** Numbers ending in 0000 are not on WhatsApp; a migrated person answers with their LID (and is paired from then on). */
  async getNumberId(number: string): Promise<LibId | null> {
    this.requireReady();
    const user = number.replace(/@c\.us$/, '');
    this.numberLookups.push(user);
    if (user.endsWith('0000')) return null;
    const lid = this.migrated.get(`${user}@c.us`);
    if (lid) {
      this.paired.add(`${user}@c.us`);
      return idOf(lid);
    }
    return cus(user);
  }

  async getProfilePicUrl(_contactId: string): Promise<string | undefined> {
    return undefined;
  }

  async getContactLidAndPhone(userIds: string[]): Promise<{ lid: string; pn: string }[]> {
    this.lidLookups.push([...userIds]);
    return userIds.map((lid) => ({ lid, pn: this.lids.get(lid) ?? '' }));
  }

  // --- internals -----------------------------------------------------------------------------

  private showQr(): void {
    this.state = 'UNPAIRED';
    const emitQr = () => {
      this.qrShown = true;
      this.emit('qr', `2@${randomBytes(24).toString('base64')},fake`);
    };
    setImmediate(() => {
      if (this.params.pairingPhone) {
        this.emit('code', 'WZ3TS8W2');
        return;
      }
      emitQr();
      const rotation = this.behaviour.qrRotation;
      if (!rotation) return;
      let left = rotation.times - 1;
      const next = () => {
        this.qrTimer = setTimeout(() => {
          if (this.state !== 'UNPAIRED' || !this.pupBrowser?.isConnected()) return;
          if (left-- > 0) {
            emitQr();
            next();
          } else {
            this.state = 'UNPAIRED_IDLE'; // and no further QR (review D7)
          }
        }, rotation.every);
        this.qrTimer.unref();
      };
      next();
    });
  }

  private stopQr(): void {
    if (this.qrTimer) clearTimeout(this.qrTimer);
    this.qrTimer = null;
  }

  private savedLink(): { phone: string; name: string } | null {
    const file = path.join(this.profileDir, SESSION_FILE);
    if (!existsSync(file)) return null;
    return JSON.parse(readFileSync(file, 'utf8')) as { phone: string; name: string };
  }

  private becomeReady(phone: string, name: string): void {
    this.state = 'CONNECTED';
    this.info = { wid: cus(phone), pushname: name, platform: this.platform };
    if (!this.behaviour.readyUnsaid) this.emit('ready');
  }

  private requirePage(): void {
    if (!this.pupBrowser?.isConnected()) throw new Error('Protocol error (Runtime.callFunctionOn): Session closed.');
    if (this.reloading) throw new Error(`Evaluation failed: ${RELOADING}`);
  }

  protected requireReady(): LibId {
    this.requirePage();
    if (!this.info || this.state !== 'CONNECTED') throw new Error("fake: Cannot read properties of undefined (reading 'getChat')");
    return this.info.wid;
  }

  /** A copy of `msg` in `chatId`, marked forwarded, announced as WhatsApp Web does (message_create). */
  private forwardCopy(msg: FakeMessage, chatId: string): void {
    const me = this.requireReady();
    const remote = this.migrated.get(chatId) ?? chatId;
    const copy = new FakeMessage({ fromMe: true, remote, from: me._serialized, to: remote, type: msg.type, body: msg.body }, this.world);
    this.store(copy, remote);
    this.emit('message_create', copy);
  }

  private store(msg: FakeMessage, remote: string): void {
    msg.forwardHook = (m, chatId) => this.forwardCopy(m, chatId);
    msg.revocable = () => {
      const chat = this.chats.get(remote);
      if (msg.fromMe) return Date.now() / 1000 - msg.timestamp < this.revokeWindowSec;
      const me = this.info?.wid._serialized;
      return Boolean(chat && 'participants' in chat && (chat as FakeGroupChat).participants.some((p) => p.id._serialized === me && p.isAdmin));
    };
    this.messages.set(msg.key, msg);
    let chat = this.chats.get(remote);
    if (!chat || chat.deleted) {
      chat = new FakeChat(idOf(remote));
      this.chats.set(remote, chat);
    }
    chat.messages.push(msg);
    chat.timestamp = Math.max(chat.timestamp, msg.timestamp);
    if (!msg.fromMe) chat.unreadCount += 1;
    if (!msg.fromMe && !remote.endsWith('@g.us') && !this.contacts.has(remote)) {
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
