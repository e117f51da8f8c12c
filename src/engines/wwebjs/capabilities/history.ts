import type { EngineMessage, HistoryCapability } from '../../engine.js';
import { toLibraryId } from '../ids.js';
import type { LibMessage, WwebjsClient } from '../library-types.js';
import { idsOfMessage, NOT_MESSAGE_TYPES, toEngineMessage } from '../mapper.js';
import { readHistoryProbe, readMessageKeysSince, readRecentChats } from '../page-history-ops.js';
import { withTimeout } from '../supervisor.js';
import type { WwebjsOps } from './ops.js';

/**
 * What WhatsApp Web's page holds, read on demand (page-history-ops.ts): whether the library's event
 * path is alive, and what arrived while Hatline was not told. Messages are read with the library's
 * getMessageById, the Message its live events hand out, and mapped by the same mapper, media
 * included: a message fetched here is the message its event would have reported.
 *
 * Every read is bounded by the health probe's timeout: a hung page answers an EngineError in time,
 * never a promise that does not settle.
 */
export function historyCapability(ops: WwebjsOps): HistoryCapability {
  const read = <T>(what: string, work: (client: WwebjsClient) => Promise<T>): Promise<T> => {
    const { client } = ops.session.openClient();
    return ops.call(what, () => withTimeout(work(client), ops.pageTimeoutMs, "WhatsApp Web's page"));
  };
  return {
    probe: () => read('checking the event bridge', (client) => readHistoryProbe(client, NOT_MESSAGE_TYPES)),

    async recentChats(since, limit) {
      if (!(limit >= 1)) return [];
      const libraryIds = await read('listing the recent chats', (client) => readRecentChats(client, since, Math.floor(limit)));
      await ops.session.ids.resolve(libraryIds);
      // A person filed under both their phone id and their LID is one chat of the API.
      return [...new Set(libraryIds.map((id) => ops.session.ids.toApi(id)))];
    },

    async messagesSince(chatId, since, limit) {
      if (!(limit >= 1)) return [];
      ops.session.openClient();
      // WhatsApp Web files a migrated person's chat under their LID; an older chat may still be under the phone id.
      const chats = [...new Set([ops.session.ids.toLibraryChat(chatId), toLibraryId(chatId)])];
      const keys = await read("reading the chat's messages", (client) => readMessageKeysSince(client, chats, since, Math.floor(limit), NOT_MESSAGE_TYPES));
      const found: LibMessage[] = [];
      for (const key of keys) {
        const msg = await read('reading a message', (client) => client.getMessageById(key));
        if (msg) found.push(msg); // gone since (deleted for me): nothing to report
      }
      for (const msg of found) ops.session.index.remember(msg);
      await ops.session.ids.resolve(found.flatMap(idsOfMessage));
      const { account } = ops.session.openClient();
      const out: EngineMessage[] = [];
      for (const msg of found) {
        const message = await toEngineMessage(msg, account, ops.session.ids, ops.log, ops.media);
        if (message) out.push(message);
      }
      return out;
    },
  };
}
