import type { Logger } from '../../../logger.js';
import { EngineError } from '../../engine.js';
import { toLibraryId } from '../ids.js';
import type { MediaLimits } from '../incoming-media.js';
import type { ContentClasses, LibChat, LibGroupChat } from '../library-types.js';
import type { Recipients } from '../recipients.js';
import type { WwebjsSession } from '../session.js';

/** What every capability group of the wwebjs engine works with. */
export interface WwebjsOps {
  session: WwebjsSession;
  /** Where direct sends go (LID-migrated contacts: recipients.ts). */
  recipients: Recipients;
  log: Logger;
  /** MessageMedia, Location and Poll of the library the clients come from. */
  classes: () => ContentClasses;
  /** ffmpeg, when the server has it (stickers from video need it). */
  ffmpegPath: string | null;
  /** Incoming media: what is downloaded, as for live messages. */
  media: MediaLimits;
  /** How long a read of the page may take before it counts as hung (the health probe's timeout). */
  pageTimeoutMs: number;
  /** Runs a library call; its failure becomes an EngineError saying what was being done. */
  call<T>(what: string, work: () => Promise<T>): Promise<T>;
}

/** The library chat of an API chat id; `not_found` when WhatsApp Web has none. */
export async function chatOf(ops: WwebjsOps, chatId: string): Promise<LibChat> {
  const { client } = ops.session.openClient();
  const chat = await ops.call('reading the chat', () => client.getChatById(toLibraryId(chatId)));
  if (!chat) throw new EngineError('not_found', `chat ${chatId} not found`);
  return chat;
}

/** GroupChat's getters read groupMetadata, which WhatsApp Web may not have loaded for old groups. */
export function hasMetadata(group: LibGroupChat): boolean {
  try {
    return Array.isArray(group.participants);
  } catch {
    return false;
  }
}

/**
 * A read whose failure means "WhatsApp would not tell" (privacy, a missing picture): null then. A
 * browser that went away is still an error.
 */
export async function optional<T>(read: () => Promise<T>): Promise<T | null> {
  try {
    return await read();
  } catch (err) {
    if (err instanceof EngineError && err.reason === 'not_connected') throw err;
    return null;
  }
}
