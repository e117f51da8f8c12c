/**
 * `phone(client)`: the control API of a client's imitation page (`window.__wa`), typed. It plays
 * the phone, WhatsApp's servers and the clock, and reads what reached them (README.md lists it).
 */
import type WAWebJS from 'whatsapp-web.js';
import type { WwebjsClient } from '../../../src/engines/wwebjs/library-types.js';
import type { ImitationShape } from './harness.js';

export interface ImitationMessage {
  id: string;
  /** The serialized key (`fromMe_remote_id[_participant]`) under which WhatsApp Web files it. */
  key: string;
  chat: string;
  from: string;
  to: string;
  author?: string;
  fromMe: boolean;
  type: string;
  body: string;
  ack: number;
  t: number;
  caption?: string;
  /** Starred by this account. */
  star: boolean;
}

export interface ImitationPerson {
  key: string;
  phone: string;
  lid: string;
  name: string | null;
  pushname: string;
  migrated: boolean;
  lidKnown: boolean;
  inAddressBook: boolean;
  picture: boolean;
  phoneHidden?: boolean;
  /** `<phone>@c.us`, `<lid>@lid`, and the id of their 1:1 chat on WhatsApp Web now. */
  pn: string;
  lidId: string;
  chatId: string;
}

export interface IncomingSpec {
  /** A person's key (`alice`), phone, or id; in a group, the author. */
  from: string;
  group?: string;
  body?: string;
  type?: string;
  /** Media put on the imitation's CDN, so downloadMedia() has something to fetch. */
  media?: { mimetype: string; data: string; filename?: string };
  caption?: string;
  location?: { lat: number; lng: number; name?: string; address?: string };
  vcard?: string;
  id?: string;
  /** WhatsApp Web's media stage when the message arrives (default RESOLVED). */
  mediaStage?: string;
  /** A migrated sender's message tells its phone unless this is false. */
  learnPn?: boolean;
  /** When it was sent (Unix seconds); now by default. */
  t?: number;
}

export interface OutboxEntry {
  key: string;
  id: string;
  to: string;
  from: string;
  t: number;
  type: string;
  body?: string;
  caption?: string;
  mimetype?: string;
  filename?: string;
  size?: number;
  directPath?: string;
  isViewOnce?: boolean;
  lat?: number;
  lng?: number;
  loc?: string;
  vcardFormattedName?: string;
  pollName?: string;
  pollOptions?: { name: string; localId: number }[];
  pollSelectableOptionsCount?: number;
  waveform?: boolean;
  /** A reply: the id of the quoted message, and its author in a group. */
  quotedStanzaID?: string;
  quotedParticipant?: string;
  mentionedJidList?: string[];
  /** A link preview WhatsApp's servers answered. */
  title?: string;
  matchedText?: string;
  isForwarded?: boolean;
  forwardingScore?: number;
}

export interface ChatSummary {
  id: string;
  title: string;
  unreadCount: number;
  archive: boolean;
  t: number;
  messages: number;
  isGroup: boolean;
}

type Logged = { key: string; id: string; chat: string };

/** A group as the server holds it (imitation controls; participants as WhatsApp Web addresses them). */
export interface GroupState {
  id: string;
  subject: string;
  desc: string | null;
  announce: boolean;
  restrict: boolean;
  approval: boolean;
  inviteCode: string;
  /** The account's role, or null when not in it. */
  me: 'superadmin' | 'admin' | 'member' | null;
  owner: string;
  participants: { id: string; key: string; admin: boolean }[];
  requests: { id: string; key: string; t: number }[];
  picture: string | null;
}

export type GroupEventSpec =
  | { group: string; by: string; action: 'add' | 'remove' | 'promote' | 'demote'; members: string[] }
  | { group: string; by: string; action: 'leave' }
  | { group: string; by: string; action: 'subject' | 'description'; value: string }
  | { group: string; by: string; action: 'announce' | 'restrict'; value: boolean };

/** The logs of what this account did that reached WhatsApp (`log(kind)`). */
export interface AccountLogs {
  edits: { key: string; id: string; chat: string; body: string; by: 'me' | 'phone' | 'them' }[];
  stars: { id: string; chat: string; star: boolean }[];
  pins: { chat: string; pin: boolean }[];
  mutes: { chat: string; expiration: number; sendDevice: boolean }[];
  unread: { chat: string; unread: boolean }[];
  chatStates: { chat: string; state: 'composing' | 'recording' | 'paused' }[];
  presence: ('available' | 'unavailable')[];
  profile: { action: 'name' | 'about' | 'picture' | 'remove-picture'; value?: string; id?: string; mimetype?: string; bytes?: number }[];
  groups: { t: number; action: string; group: string; by: string; members?: string[]; value?: unknown; subject?: string }[];
  channels: { channel: string; action: 'follow' | 'unfollow' }[];
  labels: { chat: string; labels: string[] }[];
  calls: { action: 'reject'; id: string; to: string; from: string; creator: string }[];
}

/** The control API of the page (`window.__wa`), typed: see README.md for what each does. */
export interface Phone {
  shape(): Promise<ImitationShape>;
  /** The WhatsApp Web version string the shape reports (window.Debug.VERSION). */
  version(): Promise<string>;
  state(): Promise<string>;
  me(): Promise<{ phone: string; lid: string; name: string } | null>;
  world(): Promise<{ people: ImitationPerson[]; groups: { key: string; id: string; subject: string }[] }>;
  configure(settings: { revokeWindowSec?: number; autoDeliver?: boolean; lidStrict?: boolean; qrRotateMs?: number; qrRotations?: number }): Promise<object>;
  showQr(): Promise<void>;
  qrRef(): Promise<string | null>;
  rotateQr(): Promise<void>;
  idle(): Promise<void>;
  /** `business`: the phone runs WhatsApp Business (labels). */
  scan(phone?: string, name?: string, options?: { sync?: boolean; business?: boolean }): Promise<{ phone: string; lid: string; name: string }>;
  completeSync(): Promise<void>;
  /** WhatsApp Web reloads itself; `bootDelayMs` keeps window.require away that long; `shape` switches build. */
  reload(options?: { bootDelayMs?: number; shape?: ImitationShape }): Promise<void>;
  logout(): Promise<void>;
  disconnect(state: 'CONFLICT' | 'TOS_BLOCK' | 'SMB_TOS_BLOCK' | 'PROXYBLOCK' | 'DEPRECATED_VERSION' | 'TIMEOUT' | 'UNPAIRED'): Promise<void>;
  receive(spec: IncomingSpec): Promise<ImitationMessage>;
  holdMessages(): Promise<void>;
  release(): Promise<ImitationMessage[]>;
  /** The library stops hearing the page: its Msg listeners dropped, or (`binding`) the function they call removed. */
  deafen(options?: { binding?: boolean }): Promise<{ dropped: number; binding: string }>;
  ack(ref: string, level: 1 | 2 | 3 | 4): Promise<ImitationMessage>;
  age(ref: string, seconds: number): Promise<ImitationMessage>;
  message(ref: string): Promise<ImitationMessage | null>;
  cdn(directPath: string): Promise<{ mimetype: string; data: string } | null>;
  chats(): Promise<ChatSummary[]>;
  chat(id: string): Promise<ChatSummary | null>;
  blocklist(): Promise<string[]>;
  knownLids(): Promise<Record<string, string>>;
  messageCount(): Promise<number>;
  outbox(): Promise<OutboxEntry[]>;
  reactions(): Promise<(Logged & { reaction: string })[]>;
  revoked(): Promise<Logged[]>;
  deletedForMe(): Promise<Logged[]>;
  seen(): Promise<{ chat: string; unread: number }[]>;
  archived(): Promise<{ chat: string; archive: boolean }[]>;
  deletedChats(): Promise<string[]>;
  blocks(): Promise<{ action: string; id: string; blockEntryPoint: string }[]>;
  stats(): Promise<{ queries: { exists: number; groupMetadata: number; profilePic: number; businessProfile: number }; qrRefreshes: number; modals: number }>;
  modulesRequired(): Promise<string[]>;
  missingModules(): Promise<string[]>;
  // what others do (10-12)
  /** Someone (the phone, for our own) edits a message: its text changes in place. */
  edit(ref: string, body: string): Promise<ImitationMessage>;
  /** Its author deletes a message for everyone. */
  revoke(ref: string): Promise<ImitationMessage>;
  react(spec: { from: string; ref: string; emoji: string }): Promise<{ id: string }>;
  /** `stored` false: WhatsApp Web's vote table threw (the library's hook failed), the vote is lost. */
  vote(spec: { from: string; poll: string; options: string[] }): Promise<{ stored: boolean; error?: string }>;
  votes(): Promise<{ poll: string; options: number[] }[]>;
  group(ref: string): Promise<GroupState | null>;
  groupEvent(spec: GroupEventSpec): Promise<GroupState>;
  requestJoin(spec: { group: string; from: string }): Promise<GroupState>;
  call(spec: { from: string; isVideo?: boolean }): Promise<{ id: string; peer: string }>;
  calls(): Promise<{ id: string; peer: string; state: 'ringing' | 'rejected' }[]>;
  profile(): Promise<{ name: string | null; about: string | null; picture: string | null }>;
  channels(): Promise<{ id: string; name: string; role: string; inviteCode: string }[]>;
  chatSettings(id: string): Promise<{ pin: number | null; muteExpiration: number; unreadCount: number; labels: string[] } | null>;
  log<K extends keyof AccountLogs>(kind: K): Promise<AccountLogs[K]>;
}

type Page = NonNullable<WAWebJS.Client['pupPage']>;

const CONTROL_METHODS: readonly (keyof Phone)[] = [
  'shape', 'version', 'state', 'me', 'world', 'configure', 'showQr', 'qrRef', 'rotateQr', 'idle', 'scan', 'completeSync', 'reload', 'logout', 'disconnect',
  'receive', 'holdMessages', 'release', 'deafen', 'ack', 'age', 'message', 'cdn', 'chats', 'chat', 'blocklist', 'knownLids', 'messageCount',
  'outbox', 'reactions', 'revoked', 'deletedForMe', 'seen', 'archived', 'deletedChats', 'blocks', 'stats', 'modulesRequired', 'missingModules',
  'edit', 'revoke', 'react', 'vote', 'votes', 'group', 'groupEvent', 'requestJoin', 'call', 'calls', 'profile', 'channels', 'chatSettings', 'log',
];

/**
 * The phone, WhatsApp's servers and the clock of a client's imitation: each call runs
 * `window.__wa.<name>(...)` in its page, once the page has booted.
 */
export function phone(client: WAWebJS.Client | WwebjsClient, timeoutMs = 10_000): Phone {
  const pageOf = (): Page => {
    const page = (client as { pupPage?: Page | null }).pupPage;
    if (!page) throw new Error('the client has no page yet: call phone(client) after initialize() launched the browser');
    return page;
  };
  const call = async (name: string, args: unknown[]): Promise<unknown> => {
    const page = pageOf();
    // Survives a navigation under way: it polls again in the next document. The call itself is
    // not retried (a reload or a send must not happen twice).
    await page.waitForFunction('!!window.__wa', { timeout: timeoutMs, polling: 20 });
    return page.evaluate(
      (method: string, list: unknown[]) => {
        const control = (window as unknown as { __wa: Record<string, (...a: unknown[]) => unknown> }).__wa;
        return control[method]!(...list);
      },
      name,
      args,
    );
  };
  return Object.fromEntries(CONTROL_METHODS.map((name) => [name, (...args: unknown[]) => call(name, args)])) as unknown as Phone;
}
