import type { Account, AckStatus, ChatPresence, MessageKind, OwnPresence } from '../engines/engine.js';
import { SandboxEngine } from '../engines/sandbox/sandbox-engine.js';
import type { Deafness } from '../engines/sandbox/sandbox-self.js';
import { AppError, badRequest, conflict, notFound } from '../errors.js';
import { isGroupJid, phoneToJid } from '../ids.js';
import type { UrlTrust } from '../net/url-guard.js';
import type { Db } from '../storage/db.js';
import { findMessage } from '../storage/messages-repo.js';
import type { MessageRow } from '../storage/schema.js';
import { parseExtra } from './messages/rows.js';
import type { InstanceRegistry } from './instances/instance-registry.js';
import type { MediaService } from './media/media-service.js';
import type { InboundMessages } from './messages/inbound.js';

export interface IncomingInput {
  /** Phone digits. */
  from: string;
  body?: string | undefined;
  name?: string | undefined;
  type?: MessageKind | undefined;
  /** A base64 data URI or an http(s) URL. */
  media?: string | undefined;
  caption?: string | undefined;
  groupId?: string | undefined;
  /** The id of a stored message of the same chat that this one replies to. */
  quotedId?: string | undefined;
}

export interface SandboxServiceOptions {
  db: Db;
  registry: InstanceRegistry;
  media: MediaService;
  inbound: Pick<InboundMessages, 'settled'>;
}

/** The sandbox controls: what the other side of the simulated network does. Sandbox instances only (404 otherwise). */
export class SandboxService {
  constructor(private readonly opts: SandboxServiceOptions) {}

  /** Answers once the instance is open and its `connection_status` event written, as a scan on a phone is seen. */
  async scan(instanceId: string, phone?: string, name?: string): Promise<Account> {
    const account = this.engine(instanceId).controls.scan(phone, name);
    await this.opts.registry.statusWritten(instanceId);
    return account;
  }

  /** Answers once the message is stored (and its webhook event written), as WhatsApp would have it. */
  async incoming(instanceId: string, input: IncomingInput, trust: UrlTrust): Promise<string> {
    const engine = this.engine(instanceId);
    const media = input.media !== undefined ? await this.opts.media.resolve('media', input.media, trust) : undefined;
    if (input.type && input.type !== 'chat' && !media) throw new AppError('bad_request', `media: is required for type ${input.type}`);
    const id = engine.controls.incoming({
      from: input.from,
      ...(input.body !== undefined ? { body: input.body } : {}),
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.type !== undefined ? { kind: input.type } : {}),
      ...(media ? { media: { mimetype: media.mimetype, data: media.data, ...(media.filename ? { filename: media.filename } : {}) } } : {}),
      ...(input.caption !== undefined ? { caption: input.caption } : {}),
      ...(input.groupId !== undefined ? { groupId: input.groupId } : {}),
      ...(input.quotedId !== undefined ? { quotedId: (await this.stored(instanceId, input.quotedId, 'quotedId', input.groupId ?? phoneToJid(input.from))).id } : {}),
    });
    await this.opts.inbound.settled(instanceId);
    return id;
  }

  async ack(instanceId: string, msgId: string, status: Extract<AckStatus, 'delivered' | 'read' | 'played' | 'failed'>, error?: string): Promise<void> {
    const engine = this.engine(instanceId);
    const sent = await findMessage(this.opts.db, instanceId, msgId);
    if (!sent || sent.from_me !== 1) throw notFound(`msgId: no message ${msgId} sent by instance ${instanceId}`);
    engine.controls.ack(msgId, status, error);
  }

  /** Holds WhatsApp's server acks of the instance's sends (they stay `pending`), or releases them. */
  serverAcks(instanceId: string, hold: boolean): void {
    this.engine(instanceId).controls.serverAcks(hold);
  }

  /** Answers once every member's store knows the group. */
  async createGroup(instanceId: string, name: string, phones: string[]): Promise<string> {
    const group = this.engine(instanceId).controls.createGroup(name, phones);
    await this.opts.inbound.settled();
    return group.id;
  }

  drop(instanceId: string): void {
    this.engine(instanceId).controls.drop();
  }

  /** WhatsApp's reach-out timelock (463) for `seconds`: sends to new contacts are refused (0 lifts it). */
  timelock(instanceId: string, seconds: number): void {
    this.engine(instanceId).controls.timelock(seconds);
  }

  /** A session that stays `open` but tells Hatline nothing (`silent`, or `bridge_down` when it knows), until it reconnects. */
  deaf(instanceId: string, on: boolean, mode?: Deafness): void {
    this.engine(instanceId).controls.deaf(on, mode);
  }

  // --- what people on the other side do -------------------------------------------------------

  /** The person `from` (phone digits) edits a message they sent to the instance. */
  async edit(instanceId: string, from: string, msgId: string, body: string): Promise<void> {
    const engine = this.engine(instanceId);
    const row = await this.theirs(instanceId, from, msgId);
    engine.controls.edit(from, { id: row.id, chatId: row.chat_id }, body);
    await this.opts.inbound.settled(instanceId);
  }

  /** The person `from` deletes for everyone a message they sent. */
  async revoke(instanceId: string, from: string, msgId: string): Promise<void> {
    const engine = this.engine(instanceId);
    const row = await this.theirs(instanceId, from, msgId);
    engine.controls.revoke(from, { id: row.id, chatId: row.chat_id });
    await this.opts.inbound.settled(instanceId);
  }

  /** The person `from` reacts to a message of a chat they are in ('' removes their reaction). */
  async react(instanceId: string, from: string, msgId: string, emoji: string): Promise<void> {
    const engine = this.engine(instanceId);
    const row = await this.inTheirChat(instanceId, from, msgId);
    engine.controls.react(from, { id: row.id, chatId: row.chat_id }, emoji);
    await this.opts.inbound.settled(instanceId);
  }

  /**
   * A vote on a poll: by the person `from` on a poll the instance sent them (or to their group),
   * or, without `from`, by the instance's own phone on a poll it received (the poll's sender hears of it).
   */
  async vote(instanceId: string, from: string | undefined, msgId: string, selected: string[]): Promise<void> {
    const engine = this.engine(instanceId);
    const row = from !== undefined ? await this.inTheirChat(instanceId, from, msgId) : await this.stored(instanceId, msgId);
    const poll = parseExtra(row.extra).poll as { values?: unknown; selectableCount?: unknown } | undefined;
    if (row.type !== 'poll_creation' || !poll || !Array.isArray(poll.values)) throw conflict(`msgId: message ${msgId} is not a poll`);
    if (from !== undefined && row.from_me !== 1) throw conflict(`msgId: poll ${msgId} was not sent by this instance; without from, the instance's own phone votes on it`);
    if (from === undefined && row.from_me === 1) throw conflict(`msgId: poll ${msgId} was sent by this instance; give from (a phone) to vote as someone it was sent to`);
    const unknown = selected.filter((o) => !(poll.values as unknown[]).includes(o));
    if (unknown.length) throw badRequest(`selected: ${unknown.map((o) => `"${o}"`).join(', ')} is not an option of the poll (${(poll.values as string[]).join(', ')})`);
    if (poll.selectableCount === 1 && selected.length > 1) throw badRequest('selected: this poll takes one answer');
    engine.controls.vote(from ?? null, { id: row.id, chatId: row.chat_id }, [...new Set(selected)]);
    await this.opts.inbound.settled(instanceId);
  }

  /** The person `from` types, records or stops in their chat (or in a group with groupId), or comes online or goes offline. */
  async presence(instanceId: string, from: string, state: ChatPresence | OwnPresence, groupId?: string): Promise<void> {
    if (groupId !== undefined && (state === 'available' || state === 'unavailable')) throw badRequest(`groupId: ${state} is a person's own state, not shown in a group`);
    this.engine(instanceId).controls.presence(from, state, groupId);
    await this.opts.inbound.settled(instanceId);
  }

  /** The person `from` calls the instance; answers the call's id (the call rings for 30 seconds). */
  async call(instanceId: string, from: string, video: boolean): Promise<string> {
    const id = this.engine(instanceId).controls.call(from, video);
    await this.opts.inbound.settled(instanceId);
    return id;
  }

  /** The caller hangs up. */
  async endCall(instanceId: string, callId: string): Promise<void> {
    this.engine(instanceId).controls.endCall(callId);
    await this.opts.inbound.settled(instanceId);
  }

  /** The person `from` opens the invite link of a group the instance is in: joined, or a request waiting for an admin. */
  joinGroup(instanceId: string, from: string, groupId: string): 'joined' | 'requested' {
    return this.engine(instanceId).controls.joinGroup(from, groupId);
  }

  leaveGroup(instanceId: string, from: string, groupId: string): void {
    this.engine(instanceId).controls.leaveGroup(from, groupId);
  }

  /** Makes the account a WhatsApp Business one (labels work), or a personal one again. */
  setBusiness(instanceId: string, business: boolean): void {
    this.engine(instanceId).controls.setBusiness(business);
  }

  /** A stored message of the instance (of `chatId`, when given); 404 naming `field` otherwise. */
  private async stored(instanceId: string, msgId: string, field = 'msgId', chatId?: string): Promise<MessageRow> {
    this.engine(instanceId);
    await this.opts.inbound.settled(instanceId);
    const row = await findMessage(this.opts.db, instanceId, msgId);
    if (!row || (chatId !== undefined && row.chat_id !== chatId)) throw notFound(`${field}: no message ${msgId}${chatId ? ` in chat ${chatId}` : ''} stored for instance ${instanceId}`);
    return row;
  }

  /** A message the person `from` wrote to the instance (themselves, or in a group). */
  private async theirs(instanceId: string, from: string, msgId: string): Promise<MessageRow> {
    const row = await this.stored(instanceId, msgId);
    if (row.from_me === 1 || row.from_jid !== phoneToJid(from)) throw conflict(`msgId: message ${msgId} was not written by ${from}; a person acts only on their own messages`);
    return row;
  }

  /** A message of a chat the person `from` is in: their chat with the instance, or a group. */
  private async inTheirChat(instanceId: string, from: string, msgId: string): Promise<MessageRow> {
    const row = await this.stored(instanceId, msgId);
    if (!isGroupJid(row.chat_id) && row.chat_id !== phoneToJid(from)) throw conflict(`msgId: message ${msgId} is in chat ${row.chat_id}, which ${from} is not in`);
    return row;
  }

  private engine(instanceId: string): SandboxEngine {
    const engine = this.opts.registry.engine(instanceId);
    if (!(engine instanceof SandboxEngine)) throw notFound(`instance ${instanceId} is not a sandbox instance`);
    return engine;
  }
}
