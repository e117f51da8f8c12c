/**
 * The fake client's WhatsApp Web page: `evaluate` runs an expression's *source* (as puppeteer does,
 * so a function that reaches for anything but its arguments and the page's globals fails here as it
 * would in Chromium) against a small `window` with the modules Hatline's page operations use
 * (src/engines/wwebjs/page-ops.ts), backed by the fake client's chats and messages.
 */
import type { LibPage } from '../../../src/engines/wwebjs/library-types.js';
import { FakeGroupChat } from './group.js';
import type { FakeChat, FakeMessage } from './model.js';

/** WhatsApp allows editing a text for 15 minutes. */
export const EDIT_WINDOW_SEC = 15 * 60;

/** What the page sees of the fake client. */
export interface PageBacking {
  chats: Map<string, FakeChat>;
  messageByKey(key: string): FakeMessage | undefined;
  /** What the account's page holds besides chats and messages (account.ts, client.ts). */
  account(): {
    pushname: string;
    labels: { id: string; name: string; colorIndex: number }[];
    /** A person's picture URL, or undefined when they have none (or hide it). */
    picture(id: string): string | undefined;
  };
  /** WhatsApp Web edited a message of ours: the library reports it (`message_edit`). */
  edited(msg: FakeMessage, body: string, previous: string): void;
  /** What reached WhatsApp that the page sent itself. */
  log: { chatStates: { state: string; chat: string }[]; rejectedCalls: { peer: string; id: string }[] };
  /** What evaluate() throws now (a page that is reloading, a closed browser), or null. */
  pageError(): string | null;
  /** Whether the library's helpers (window.WWebJS) are injected. */
  injected(): boolean;
  /**
   * The library's event path in the page (Client.attachEventListeners): its `Msg.on('add')` listener,
   * and the function it exposed for it (`window.onAddMessageEvent`).
   */
  bridge(): { listening: boolean; bound: boolean };
  /** evaluate() never answers (a hung page). */
  hangs(): boolean;
}

/** What the library's `Msg.on('add')` listener looks like in the page (its source names the binding it calls). */
function libraryAddListener(this: { onAddMessageEvent(msg: unknown): void }, msg: { isNewMsg?: boolean }): void {
  if (msg.isNewMsg) this.onAddMessageEvent(msg);
}

export class FakePage implements LibPage {
  evaluations = 0;

  constructor(private readonly backing: PageBacking) {}

  /** As puppeteer's evaluate(string): the expression runs with only the page's globals in scope. */
  async evaluate(expression: string): Promise<unknown> {
    this.evaluations += 1;
    if (this.backing.hangs()) return new Promise<never>(() => undefined);
    const error = this.backing.pageError();
    if (error) throw new Error(error);
    const run = new Function('window', `return ${expression};`) as (w: unknown) => unknown;
    let answer: unknown;
    try {
      answer = await run(this.window());
    } catch (err) {
      throw new Error(`Evaluation failed: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
    }
    // The answer crosses as JSON, as puppeteer's does.
    return answer === undefined ? undefined : JSON.parse(JSON.stringify(answer));
  }

  private window(): object {
    const { chats, messageByKey } = this.backing;
    const liveChat = (id: string) => {
      const chat = chats.get(id);
      return chat && !chat.deleted ? chat : undefined;
    };
    // As WhatsApp Web's GroupMetadata models: Wids with `_serialized`, participants a collection.
    const groupMetadata = (id: string) => {
      const chat = liveChat(id);
      if (!chat || !(chat instanceof FakeGroupChat)) return undefined;
      const participants = chat.participants.map((p) => ({ id: { ...p.id }, isAdmin: p.isAdmin, isSuperAdmin: p.isSuperAdmin }));
      return {
        id: { ...chat.id },
        subject: chat.name,
        desc: chat.description,
        creation: Math.floor(chat.createdAt.getTime() / 1000),
        owner: chat.owner ? { ...chat.owner } : undefined,
        announce: chat.announce,
        restrict: chat.locked,
        participants: { getModelsArray: () => participants },
      };
    };
    const account = this.backing.account();
    const picture = (id: unknown) => {
      const url = account.picture(String(id));
      return url ? { img: url, imgFull: url } : undefined;
    };
    const bridge = this.backing.bridge();
    const canEdit = (msg: FakeMessage) => msg.fromMe && !msg.revoked && Date.now() / 1000 - msg.timestamp <= EDIT_WINDOW_SEC;
    const modules: Record<string, object> = {
      WAWebCollections: {
        Chat: { get: liveChat, getModelsArray: () => [...chats.values()].filter((c) => !c.deleted) },
        Label: { getModelsArray: () => account.labels },
        ProfilePicThumb: { get: picture, find: async (wid: unknown) => picture(wid) },
        GroupMetadata: { get: groupMetadata, find: async (id: string) => groupMetadata(id) },
        Msg: {
          get: (key: string) => messageByKey(key),
          getMessagesById: async (keys: string[]) => ({ messages: keys.map(messageByKey).filter(Boolean) }),
          // Backbone-like listeners by event name, as the imitation keeps them (wa-imitation/page/01-runtime.js).
          _events: new Map([['add', bridge.listening ? [{ fn: libraryAddListener }] : []]]),
        },
      },
      WAWebChatLoadMessages: {
        loadEarlierMsgs: async ({ chat }: { chat: FakeChat }) => chat.loadEarlier(),
      },
      WAWebCmd: {
        Cmd: {
          archiveChat: async (chat: FakeChat, archive: boolean) => {
            chat.archived = archive;
          },
          sendRevokeMsgs: async (_chat: FakeChat, { list }: { list: FakeMessage[] }) => {
            for (const msg of list) msg.revoked = true;
          },
          pinChat: async (chat: FakeChat, pin: boolean) => {
            chat.pin = pin ? Math.floor(Date.now() / 1000) : undefined;
          },
          markChatUnread: async (chat: FakeChat, unread: boolean) => {
            chat.markedUnread = unread;
          },
        },
      },
      WAWebWidFactory: { createWid: (id: string) => id },
      WAWebConnModel: { Conn: { pushname: account.pushname } },
      WAWebSendMessageEditAction: {
        sendMessageEdit: async (msg: FakeMessage, text: string) => {
          const previous = msg.body;
          msg.body = text;
          this.backing.edited(msg, text, previous);
        },
      },
      WAWebMsgActionCapability: {
        // The client decides (FakeMessage.revocable): the sender within the window, or a group admin.
        canSenderRevokeMsg: (msg: FakeMessage) => msg.fromMe && msg.revocable(),
        canAdminRevokeMsg: (msg: FakeMessage) => !msg.fromMe && msg.revocable(),
        canEditText: (msg: FakeMessage) => canEdit(msg) && msg.type === 'chat',
        canEditCaption: (msg: FakeMessage) => canEdit(msg) && msg.hasMedia,
      },
    };
    const injected = this.backing.injected();
    return {
      ...(bridge.bound ? { onAddMessageEvent: () => undefined } : {}),
      require: (name: string) => {
        const found = modules[name];
        if (!found) throw new Error(`Requiring unknown module "${name}"`);
        return found;
      },
      WWebJS: injected
        ? {
            sendSeen: async (id: string) => {
              const chat = liveChat(id);
              if (!chat) return false;
              await chat.sendSeen();
              return true;
            },
            sendDeleteChat: async (id: string) => {
              const chat = liveChat(id);
              if (!chat) return false;
              return chat.delete();
            },
            sendChatstate: async (state: string, chat: string) => {
              this.backing.log.chatStates.push({ state, chat });
              return true;
            },
            rejectCall: async (peer: string, id: string) => {
              this.backing.log.rejectedCalls.push({ peer, id });
            },
          }
        : undefined,
    };
  }
}
