/**
 * The one place where whatsapp-web.js's events are listened to and turned into ours:
 * connection events go to the session (which owns the status), messages and acks out as engine events.
 *
 *   qr                      -> session.qr          (a `qr` event)
 *   code                    -> session.pairingCode (status connecting + pairingCode)
 *   authenticated / ready   -> session             (status open with the account, on ready)
 *   loading_screen          -> session.loading     (sync progress: the session is not stuck)
 *   auth_failure            -> session.authFailure
 *   disconnected            -> session.disconnected (`LOGOUT`: unlinked, the session folder is gone)
 *   change_state            -> session.stateChanged
 *   message                 -> a `message` event, fromMe false
 *   message_create          -> a `message` event, only fromMe (sent on the phone; the library also
 *                              emits it for incoming messages, which `message` already reported);
 *                              first shown to the sends waiting for their echo (MessageIndex.expectEcho)
 *   message_ack             -> an `ack` event (our own messages only)
 *   message_edit            -> a `message_edit` when a text replaced another (not the engine's own edits)
 *   message_revoke_everyone -> a `message_revoke` (not the engine's own revokes)
 *   message_reaction        -> a `reaction` (emoji '' when removed)
 *   vote_update             -> a `poll_vote` (the page shim installed at each `ready` keeps it
 *                              working on WhatsApp Web since July 2026: page-account-ops.ts)
 *   group_join/leave/admin_changed/update
 *                           -> a `group_change` (members joined, left, promoted, demoted; subject,
 *                              description, settings, picture) and a `group_upsert` of the group, read fresh
 *   call (INCOMING_CALL)    -> a `call` (offer; the caller's WhatsApp Web id is kept to decline it)
 * The library has no presence event: the wwebjs engine reports none.
 *
 * Two queues keep the order WhatsApp Web reported things in: one for incoming messages and what
 * others do (whose media downloads take a while), one for our own messages and their acks, so that
 * a slow download never holds up an ack.
 */
import type { Logger } from '../../logger.js';
import type { Account, EngineContext } from '../engine.js';
import { messageOf } from './failures.js';
import type { LidResolver } from './ids.js';
import type { LibGroupNotification } from './library-actions.js';
import type { LibMessage, WwebjsClient } from './library-types.js';
import { ackStatus, idsOfGroup, idsOfMessage, toEngineGroup, toEngineMessage } from './mapper.js';
import type { MediaLimits } from './incoming-media.js';
import {
  idsOfGroupNotification,
  idsOfReaction,
  idsOfVote,
  isEdit,
  toCallEvent,
  toGroupChange,
  toMessageEdit,
  toMessageRevoke,
  toPollVote,
  toReaction,
} from './mapper-events.js';
import type { MessageIndex } from './message-index.js';
import { installPollVoteKeys } from './page-account-ops.js';
import { readGroup } from './page-ops.js';
import type { RecentCalls } from './recent-calls.js';

/** What the session does with connection events of its current client. */
export interface SessionSignals {
  qr(qr: string): void;
  pairingCode(code: string): void;
  authenticated(): void;
  loading(percent: number): void;
  ready(): void;
  authFailure(message: string): void;
  disconnected(reason: string): void;
  stateChanged(state: string): void;
}

export interface MessageRouting {
  emit: EngineContext['emit'];
  /** The linked account while this client is the session's current one and open, else null. */
  account(): Account | null;
  ids: LidResolver;
  index: MessageIndex;
  calls: RecentCalls;
  log: Logger;
  media: MediaLimits;
}

export function bindClientEvents(client: WwebjsClient, session: SessionSignals, routing: MessageRouting): void {
  client.on('qr', (qr) => session.qr(qr));
  client.on('code', (code) => session.pairingCode(code));
  client.on('authenticated', () => session.authenticated());
  client.on('loading_screen', (percent) => session.loading(Number(percent)));
  client.on('ready', () => {
    session.ready();
    installPollVoteKeys(client).catch((err: unknown) => routing.log.debug('could not install the poll-vote key shim', { error: messageOf(err) }));
  });
  client.on('auth_failure', (message) => session.authFailure(String(message)));
  client.on('disconnected', (reason) => session.disconnected(String(reason)));
  client.on('change_state', (state) => session.stateChanged(String(state)));

  const incoming = reportQueue(routing.log);
  const own = reportQueue(routing.log);

  const report = async (msg: LibMessage) => {
    routing.index.remember(msg);
    if (msg.fromMe) {
      await routing.index.sendsSettled();
      if (routing.index.sentByEngine(msg.id.id)) return; // the API sent it and knows it already
    }
    const me = routing.account();
    if (!me) return;
    await routing.ids.resolve(idsOfMessage(msg));
    const message = await toEngineMessage(msg, me, routing.ids, routing.log, routing.media);
    if (message && routing.account()) routing.emit({ type: 'message', message });
  };

  client.on('message', (msg) => {
    if (!msg.fromMe) incoming('an incoming message', () => report(msg));
  });
  client.on('message_create', (msg) => {
    if (!msg.fromMe) return;
    routing.index.sawOwnMessage(msg);
    own('a message sent from the phone', () => report(msg));
  });
  const groupChanged = (notification: LibGroupNotification) => {
    const groupId = notification?.chatId;
    if (typeof groupId !== 'string' || !groupId.endsWith('@g.us')) return;
    incoming('a group change', async () => {
      if (!routing.account()) return;
      const group = await readGroup(client, groupId);
      await routing.ids.resolve([...idsOfGroupNotification(notification), ...(group ? idsOfGroup(group) : [])]);
      const change = toGroupChange(notification, group, routing.ids);
      if (change && routing.account()) routing.emit({ type: 'group_change', change });
      if (group) routing.emit({ type: 'group_upsert', groups: [toEngineGroup(group, routing.ids)] });
    });
  };
  for (const event of ['group_join', 'group_leave', 'group_admin_changed', 'group_update'] as const) client.on(event, groupChanged);

  bindActionEvents(client, routing, incoming, own);

  client.on('message_ack', (msg, ack) => {
    if (!msg.fromMe) return; // receipts we give others are not acks of ours
    const status = ackStatus(Number(ack));
    if (!status) return;
    own('an ack', async () => {
      routing.index.remember(msg);
      await routing.index.sendsSettled(); // the send answers first, so its id is stored before its ack
      if (!routing.account()) return;
      await routing.ids.resolve([msg.to]);
      // WhatsApp Web says no more than ACK_ERROR (-1) about a refused message.
      const error = status === 'failed' ? { error: 'WhatsApp refused the message (ack error)' } : {};
      routing.emit({ type: 'ack', ack: { id: msg.id.id, chatId: routing.ids.toApi(msg.to), status, ...error } });
    });
  });
}

type Queue = ReturnType<typeof reportQueue>;

/** What others (and the phone) do to messages, and calls: reported after what came before them. */
function bindActionEvents(client: WwebjsClient, routing: MessageRouting, incoming: Queue, own: Queue): void {
  const { ids, index } = routing;
  const reportAbout = (msg: LibMessage, what: string, work: (me: Account) => void) =>
    (msg.fromMe ? own : incoming)(what, async () => {
      if (!routing.account()) return;
      await ids.resolve(idsOfMessage(msg));
      const me = routing.account();
      if (me) work(me);
    });
  client.on('message_edit', (msg, newBody, prevBody) => {
    if (!isEdit(msg, newBody, prevBody) || (msg.fromMe && index.actedByEngine('edit', msg.id.id))) return;
    reportAbout(msg, 'an edit', (me) => routing.emit({ type: 'message_edit', edit: toMessageEdit(msg, newBody, me, ids) }));
  });
  client.on('message_revoke_everyone', (msg) => {
    if (index.actedByEngine('revoke', msg.id.id)) return;
    reportAbout(msg, 'a revoke', (me) => routing.emit({ type: 'message_revoke', revoke: toMessageRevoke(msg, me, ids) }));
  });
  client.on('message_reaction', (reaction) => {
    incoming('a reaction', async () => {
      if (!routing.account()) return;
      await ids.resolve(idsOfReaction(reaction));
      const me = routing.account();
      const event = me ? toReaction(reaction, me, ids) : null;
      if (event) routing.emit({ type: 'reaction', reaction: event });
    });
  });
  client.on('vote_update', (vote) => {
    incoming('a poll vote', async () => {
      if (!routing.account()) return;
      await ids.resolve(idsOfVote(vote));
      const event = toPollVote(vote, ids);
      if (event && routing.account()) routing.emit({ type: 'poll_vote', vote: event });
    });
  });
  client.on('call', (call) => {
    if (call.fromMe || !call.id || typeof call.from !== 'string') return;
    routing.calls.remember(String(call.id), call.from);
    incoming('a call', async () => {
      if (!routing.account()) return;
      await ids.resolve([call.from]);
      if (routing.account()) routing.emit({ type: 'call', call: toCallEvent(call, ids) });
    });
  });
}

/** Runs reports one after another, in the order they were queued; a failed one is logged. */
function reportQueue(log: Logger): (what: string, work: () => Promise<void>) => void {
  let queue: Promise<void> = Promise.resolve();
  return (what, work) => {
    queue = queue.then(work).catch((err: unknown) => log.warn(`could not report ${what}`, { error: messageOf(err) }));
  };
}
