/**
 * The file of an incoming message, within bounds: WhatsApp declares a media message's size
 * (rawData.size) before anything is downloaded, so a file over the cap is not fetched at all, and a
 * download that does not finish in time is given up. Either way the message is still reported,
 * without its file, and the reason is logged: a 2 GB video or a stalled CDN fetch must not hold the
 * instance's message queue (or the memory of the process).
 */
import type { Logger } from '../../logger.js';
import type { MediaPayload } from '../engine.js';
import { messageOf } from './failures.js';
import type { LibMessage } from './library-types.js';
import { withTimeout } from './supervisor.js';

export interface MediaLimits {
  /** Files larger than this are not downloaded. */
  maxBytes: number;
  /** A download taking longer is given up. */
  timeoutMs: number;
}

/** As large as an upload through the API may be (media/upload.ts); a minute to download it. */
export const DEFAULT_MEDIA_LIMITS: MediaLimits = { maxBytes: 64 * 1024 * 1024, timeoutMs: 60_000 };

export function declaredSize(msg: LibMessage): number | null {
  const size = Number((msg.rawData as Record<string, unknown>).size);
  return Number.isFinite(size) && size > 0 ? size : null;
}

export async function downloadIncomingMedia(msg: LibMessage, limits: MediaLimits, log: Logger): Promise<MediaPayload | undefined> {
  const what = { id: msg.id.id, type: msg.type };
  const declared = declaredSize(msg);
  if (declared !== null && declared > limits.maxBytes) {
    log.warn('media of a message is larger than the limit; reported without its file', { ...what, bytes: declared, maxBytes: limits.maxBytes });
    return undefined;
  }
  try {
    const media = await withTimeout(msg.downloadMedia(), limits.timeoutMs, 'downloading the media');
    if (!media?.data) return undefined;
    // base64: four characters for three bytes (the declared size may be missing or wrong).
    if (Math.floor((media.data.length * 3) / 4) > limits.maxBytes + 2) {
      log.warn('media of a message is larger than the limit; reported without its file', { ...what, maxBytes: limits.maxBytes });
      return undefined;
    }
    return {
      mimetype: media.mimetype,
      data: Buffer.from(media.data, 'base64'),
      ...(media.filename ? { filename: media.filename } : {}),
    };
  } catch (err) {
    // The message is still worth reporting without its file (expired media, a 404 from the CDN, a timeout).
    log.warn('could not download media of a message', { ...what, error: messageOf(err) });
    return undefined;
  }
}
