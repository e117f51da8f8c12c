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
 *
 * Two queues keep the order WhatsApp Web reported things in: one for incoming messages (whose
 * media downloads take a while), one for our own messages and their acks, so that a slow download
 * never holds up an ack.
 *   group_join/group_update -> a `group_upsert` of the group, read fresh (the account was added,
 *                              or the group's name, description or members changed)
 */
import type { Logger } from '../../logger.js';
import type { Account, EngineContext } from '../engine.js';
import { messageOf } from './failures.js';
import type { LidResolver } from './ids.js';
import type { LibMessage, WwebjsClient } from './library-types.js';
import { ackStatus, idsOfGroup, idsOfMessage, toEngineGroup, toEngineMessage } from './mapper.js';
import type { MediaLimits } from './incoming-media.js';
import type { MessageIndex } from './message-index.js';
import { readGroup } from './page-ops.js';

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
  log: Logger;
  media: MediaLimits;
}

export function bindClientEvents(client: WwebjsClient, session: SessionSignals, routing: MessageRouting): void {
  client.on('qr', (qr) => session.qr(qr));
  client.on('code', (code) => session.pairingCode(code));
  client.on('authenticated', () => session.authenticated());
  client.on('loading_screen', (percent) => session.loading(Number(percent)));
  client.on('ready', () => session.ready());
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
  const groupChanged = (notification: { chatId?: string }) => {
    const groupId = notification?.chatId;
    if (typeof groupId !== 'string' || !groupId.endsWith('@g.us')) return;
    incoming('a group change', async () => {
      if (!routing.account()) return;
      const group = await readGroup(client, groupId);
      if (!group) return;
      await routing.ids.resolve(idsOfGroup(group));
      routing.emit({ type: 'group_upsert', groups: [toEngineGroup(group, routing.ids)] });
    });
  };
  client.on('group_join', groupChanged);
  client.on('group_update', groupChanged);

  client.on('message_ack', (msg, ack) => {
    if (!msg.fromMe) return; // receipts we give others are not acks of ours
    const status = ackStatus(Number(ack));
    if (!status) return;
    own('an ack', async () => {
      routing.index.remember(msg);
      await routing.index.sendsSettled(); // the send answers first, so its id is stored before its ack
      if (!routing.account()) return;
      await routing.ids.resolve([msg.to]);
      routing.emit({ type: 'ack', ack: { id: msg.id.id, chatId: routing.ids.toApi(msg.to), status } });
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
