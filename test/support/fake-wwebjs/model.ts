/**
 * The objects the fake whatsapp-web.js Client hands out: Messages, Chats, GroupChats, Contacts and
 * the Browser, with the library's names and shapes. What differs between WhatsApp Web builds and
 * between the patched and published library is decided by the `world` they are made in.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import wwebjs from 'whatsapp-web.js';
import type { LibBrowser, LibChat, LibContact, LibId, LibMessage } from '../../../src/engines/wwebjs/library-types.js';

const { MessageMedia } = wwebjs;
export type MessageMediaT = InstanceType<typeof wwebjs.MessageMedia>;
export type LocationT = InstanceType<typeof wwebjs.Location>;

/**
 * Which WhatsApp Web the fake library runs against, as the imitation's shapes (wa-imitation/README):
 * - `2026-06`: message keys carry `_serialized`, as the library was written for;
 * - `2026-07`: keys carry only `$1` (WhatsApp Web >= 2.3000.1042401057; wa-js #3484, whatsapp-web.js
 *   #201830 #201833): unpatched, sendMessage resolves undefined after sending, Message.react is a
 *   silent no-op, getChatById/getChats and downloadMedia/delete throw `r: r`;
 * - `2026-09`: also media models carry `__x_id` (#201921): unpatched, every media send throws
 *   "Data passed to getter must include an id property", and incoming downloads fail (#201908).
 */
export type FakeShape = '2026-06' | '2026-07' | '2026-09';
/** The library as installed (`patched`, scripts/patch-wwebjs.mjs) or as published (`pristine`). */
export type FakeLibrary = 'patched' | 'pristine';

export interface FakeWorld {
  shape: FakeShape;
  library: FakeLibrary;
}

export const WEB_VERSIONS: Record<FakeShape, string> = {
  '2026-06': '2.3000.1040549582',
  '2026-07': '2.3000.1043220887',
  '2026-09': '2.3000.1045012345',
};

/** Whether the unpatched library breaks on this world since the shape `since`. */
export function broken(world: FakeWorld, since: FakeShape): boolean {
  return world.library === 'pristine' && world.shape >= since;
}

/** WhatsApp Web's minified IndexedDB error for an undefined key, as the library passes it on (#201833). */
export const R_R = 'Evaluation failed: r: r';
/** What an unpatched media send throws on WhatsApp Web since 2026-09-17 (#201921). */
export const MEDIA_ID =
  "Evaluation failed: Error: Data passed to getter must include an id property (it's how we memoize) but got undefined";
/** What an unpatched download throws on WhatsApp Web since September 2026 (#201908). */
export const MEDIA_TYPE = 'Evaluation failed: InvalidMediaFileType: application/octet-stream';

export function cus(phone: string): LibId {
  return { user: phone, server: 'c.us', _serialized: `${phone}@c.us` };
}

export function idOf(serialized: string): LibId {
  const at = serialized.indexOf('@');
  return { user: serialized.slice(0, at), server: serialized.slice(at + 1), _serialized: serialized };
}

export class FakeBrowser extends EventEmitter implements LibBrowser {
  private connected = true;
  /** A real process a test may stand in for Chromium (its memory in /metrics); none by default. */
  proc: ChildProcess | null = null;
  isConnected(): boolean {
    return this.connected;
  }
  process(): ChildProcess | null {
    return this.proc; // none by default: the engine's process-group kill has nothing to do
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
  /** The size WhatsApp declares for the media (rawData.size); the file's own size by default. */
  declaredSize?: number;
  /** downloadMedia() never answers (a stalled CDN fetch in the page). */
  downloadStalls?: boolean;
  /** When it was sent (Unix seconds); now by default. */
  timestamp?: number;
}

export class FakeMessage implements LibMessage {
  id: LibMessage['id'];
  /** The serialized key, whatever the shape names it. */
  readonly key: string;
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
  deletedForMe = false;
  isStarred = false;
  /** Chat ids it was forwarded to (the client makes the copy: FakeWwebjsClient.forwardHook). */
  forwardedTo: string[] = [];
  forwardHook: (msg: FakeMessage, chatId: string) => void = () => undefined;

  private readonly media: MessageMediaT | undefined;
  private readonly downloadStalls: boolean;
  downloads = 0;

  constructor(
    init: FakeMessageInit,
    readonly world: FakeWorld = { shape: '2026-06', library: 'patched' },
  ) {
    const short = (init.fromMe ? '3EB0' : '3A') + randomBytes(8).toString('hex').toUpperCase();
    this.key = `${init.fromMe}_${init.remote}_${short}${init.author && !init.fromMe ? `_${init.author}` : ''}`;
    const base = { fromMe: init.fromMe, remote: init.remote, id: short };
    // The library's types promise `_serialized`; WhatsApp Web since July 2026 gives `$1` (#201830),
    // which the patched library copies into `_serialized` (Base.normalizeId).
    const id = world.shape === '2026-06' ? { ...base, _serialized: this.key } : world.library === 'patched' ? { ...base, $1: this.key, _serialized: this.key } : { ...base, $1: this.key };
    this.id = id as LibMessage['id'];
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
    if (init.media) {
      raw.mimetype = init.media.mimetype;
      raw.size = init.declaredSize ?? Buffer.byteLength(init.media.data, 'base64');
    }
    this.downloadStalls = init.downloadStalls ?? false;
    if (init.timestamp !== undefined) this.timestamp = init.timestamp;
    if (init.poll) {
      this.pollName = init.poll.name;
      // What WhatsApp Web hands the library: option objects, not the strings index.d.ts promises.
      this.pollOptions = init.poll.options.map((name, localId) => ({ name, localId }));
      this.allowMultipleAnswers = init.poll.selectable !== 1;
      raw.pollSelectableOptionsCount = init.poll.selectable;
    }
    this.rawData = raw;
  }

  /** As WhatsApp Web's model names the time, for the page's reads (page.ts). */
  get t(): number {
    return this.timestamp;
  }

  /** The unpatched library looks the message up by `this.id._serialized` (undefined since July 2026). */
  private byOwnKey(): void {
    if (broken(this.world, '2026-07')) throw new Error(R_R);
  }

  async downloadMedia(): Promise<MessageMediaT | undefined> {
    this.downloads += 1;
    this.byOwnKey();
    if (this.downloadStalls) return new Promise<MessageMediaT | undefined>(() => undefined);
    if (this.media && broken(this.world, '2026-09')) throw new Error(MEDIA_TYPE);
    return this.media;
  }
  /** Whether WhatsApp would revoke it now (the client sets it: sender within the window, or admin). */
  revocable: () => boolean = () => true;

  async delete(everyone?: boolean): Promise<void> {
    this.byOwnKey();
    // Outside the revoke window the library deletes for me only, silently (review D6).
    if (everyone && this.revocable()) this.revoked = true;
    else this.deletedForMe = true;
  }
  async react(reaction: string): Promise<void> {
    // Message.react calls sendReaction(this.id._serialized): a silent no-op without it (#201840).
    if (broken(this.world, '2026-07')) return;
    this.reactions.push(reaction);
  }
  async forward(chatId: string): Promise<void> {
    this.byOwnKey();
    this.forwardedTo.push(chatId);
    this.forwardHook(this, chatId);
  }
  /** WhatsApp Web stars anything but a revoked message (and says nothing when it does not). */
  async star(): Promise<void> {
    this.byOwnKey();
    if (!this.revoked) this.isStarred = true;
  }
  async unstar(): Promise<void> {
    this.byOwnKey();
    this.isStarred = false;
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
  /** As WhatsApp Web's chat model: when it was pinned, its mute, its business labels. */
  pin: number | undefined = undefined;
  markedUnread = false;
  labels: string[] = [];
  readonly mute = {
    expiration: 0,
    mute: async ({ expiration }: { expiration: number }) => {
      this.mute.expiration = expiration;
    },
    unmute: async () => {
      this.mute.expiration = 0;
    },
  };
  /** The messages WhatsApp Web has loaded, oldest first. */
  readonly messages: FakeMessage[] = [];
  /** Older messages kept in "IndexedDB", oldest first, until the page loads them (loadEarlier). */
  readonly older: FakeMessage[] = [];
  constructor(
    readonly id: LibId,
    name?: string,
  ) {
    this.name = name ?? `+${id.user}`;
  }
  /** As WhatsApp Web's chat model, for the page's reads (page.ts): last activity, loaded messages. */
  get t(): number {
    return this.timestamp;
  }
  get msgs(): { getModelsArray(): FakeMessage[]; msgLoadState: { noEarlierMsgs: boolean } } {
    return { getModelsArray: () => [...this.messages], msgLoadState: { noEarlierMsgs: this.older.length === 0 } };
  }
  /** WAWebChatLoadMessages.loadEarlierMsgs: up to `batch` older messages join the loaded ones. */
  loadEarlier(batch = 2): FakeMessage[] {
    const loaded = this.older.splice(Math.max(0, this.older.length - batch));
    this.messages.unshift(...loaded);
    return loaded;
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


export class FakeContact implements LibContact {
  isGroup = false;
  isUser = true;
  isMe = false;
  isBlocked = false;
  isBusiness = false;
  /** Their about text; null when they keep it private (getAbout then rejects, as WhatsApp Web's 401 does). */
  about: string | null = null;
  /** WhatsApp Web removed the module block() and unblock() go through (OpenWA #1391). */
  blockRemoved = false;
  constructor(
    readonly id: LibId,
    public name?: string,
    public pushname?: string,
  ) {}
  async block(): Promise<boolean> {
    if (this.blockRemoved) throw new Error(BLOCK_REMOVED);
    this.isBlocked = true;
    return true;
  }
  async unblock(): Promise<boolean> {
    if (this.blockRemoved) throw new Error(BLOCK_REMOVED);
    this.isBlocked = false;
    return true;
  }
  async getAbout(): Promise<string | null> {
    if (this.about === null) throw new Error('Evaluation failed: ServerStatusCodeError: not-authorized');
    return this.about;
  }
}

/** What block()/unblock() throw since WhatsApp Web removed their helper (OpenWA PR #1391, 2026-08). */
export const BLOCK_REMOVED =
  "Evaluation failed: TypeError: window.require(...).getContactToBlockOnlyUseIfNoAssociatedChat is not a function";

export { MessageMedia };
