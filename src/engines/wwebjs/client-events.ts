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
 *                              emits it for incoming messages, which `message` already reported)
 *   message_ack             -> an `ack` event (our own messages only)
 *   group_join/group_update -> a `group_upsert` of the group, read fresh (the account was added,
 *                              or the group's name, description or members changed)
 */
import type { Logger } from '../../logger.js';
import type { Account, EngineContext } from '../engine.js';
import { messageOf } from './failures.js';
import type { LidResolver } from './ids.js';
import type { LibMessage, WwebjsClient } from './library-types.js';
import { isGroupChat } from './library-types.js';
import { ackStatus, idsOfGroup, idsOfMessage, toEngineGroup, toEngineMessage } from './mapper.js';
import type { MessageIndex } from './message-index.js';

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

  // One queue keeps messages and acks in the order WhatsApp Web reported them, although
  // downloading media and resolving LIDs take a while for some.
  let queue: Promise<void> = Promise.resolve();
  const enqueue = (what: string, work: () => Promise<void>) => {
    queue = queue.then(work).catch((err: unknown) => routing.log.warn(`could not report ${what}`, { error: messageOf(err) }));
  };

  const report = async (msg: LibMessage) => {
    routing.index.remember(msg);
    if (msg.fromMe) {
      await routing.index.sendsSettled();
      if (routing.index.sentByEngine(msg.id.id)) return; // the API sent it and knows it already
    }
    const me = routing.account();
    if (!me) return;
    await routing.ids.resolve(idsOfMessage(msg));
    const message = await toEngineMessage(msg, me, routing.ids, routing.log);
    if (message && routing.account()) routing.emit({ type: 'message', message });
  };

  client.on('message', (msg) => {
    if (!msg.fromMe) enqueue('an incoming message', () => report(msg));
  });
  client.on('message_create', (msg) => {
    if (msg.fromMe) enqueue('a message sent from the phone', () => report(msg));
  });
  const groupChanged = (notification: { chatId?: string }) => {
    const groupId = notification?.chatId;
    if (typeof groupId !== 'string' || !groupId.endsWith('@g.us')) return;
    enqueue('a group change', async () => {
      if (!routing.account()) return;
      const chat = await client.getChatById(groupId);
      if (!chat || !isGroupChat(chat) || !Array.isArray(chat.participants)) return;
      await routing.ids.resolve(idsOfGroup(chat));
      routing.emit({ type: 'group_upsert', groups: [toEngineGroup(chat, routing.ids)] });
    });
  };
  client.on('group_join', groupChanged);
  client.on('group_update', groupChanged);

  client.on('message_ack', (msg, ack) => {
    if (!msg.fromMe) return; // receipts we give others are not acks of ours
    const status = ackStatus(Number(ack));
    if (!status) return;
    enqueue('an ack', async () => {
      routing.index.remember(msg);
      await routing.index.sendsSettled(); // the send answers first, so its id is stored before its ack
      if (!routing.account()) return;
      await routing.ids.resolve([msg.to]);
      routing.emit({ type: 'ack', ack: { id: msg.id.id, chatId: routing.ids.toApi(msg.to), status } });
    });
  });
}
