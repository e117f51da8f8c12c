/**
 * The fake client's WhatsApp Web page: `evaluate` runs an expression's *source* (as puppeteer does,
 * so a function that reaches for anything but its arguments and the page's globals fails here as it
 * would in Chromium) against a small `window` with the modules Hatline's page operations use
 * (src/engines/wwebjs/page-ops.ts), backed by the fake client's chats and messages.
 */
import type { LibPage } from '../../../src/engines/wwebjs/library-types.js';
import { FakeGroupChat, type FakeChat, type FakeMessage } from './model.js';

/** What the page sees of the fake client. */
export interface PageBacking {
  chats: Map<string, FakeChat>;
  messageByKey(key: string): FakeMessage | undefined;
  /** What evaluate() throws now (a page that is reloading, a closed browser), or null. */
  pageError(): string | null;
  /** Whether the library's helpers (window.WWebJS) are injected. */
  injected(): boolean;
}

export class FakePage implements LibPage {
  evaluations = 0;

  constructor(private readonly backing: PageBacking) {}

  /** As puppeteer's evaluate(string): the expression runs with only the page's globals in scope. */
  async evaluate(expression: string): Promise<unknown> {
    this.evaluations += 1;
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
        participants: { getModelsArray: () => participants },
      };
    };
    const modules: Record<string, object> = {
      WAWebCollections: {
        Chat: { get: liveChat },
        GroupMetadata: { get: groupMetadata, find: async (id: string) => groupMetadata(id) },
        Msg: {
          get: (key: string) => messageByKey(key),
          getMessagesById: async (keys: string[]) => ({ messages: keys.map(messageByKey).filter(Boolean) }),
        },
      },
      WAWebCmd: {
        Cmd: {
          archiveChat: async (chat: FakeChat, archive: boolean) => {
            chat.archived = archive;
          },
          sendRevokeMsgs: async (_chat: FakeChat, { list }: { list: FakeMessage[] }) => {
            for (const msg of list) msg.revoked = true;
          },
        },
      },
      WAWebMsgActionCapability: {
        // The client decides (FakeMessage.revocable): the sender within the window, or a group admin.
        canSenderRevokeMsg: (msg: FakeMessage) => msg.fromMe && msg.revocable(),
        canAdminRevokeMsg: (msg: FakeMessage) => !msg.fromMe && msg.revocable(),
      },
    };
    const injected = this.backing.injected();
    return {
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
          }
        : undefined,
    };
  }
}
