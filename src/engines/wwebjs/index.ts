/** The whatsapp-web.js engine: the only part of Hatline that imports whatsapp-web.js. */
import { silentLogger, type Logger } from '../../logger.js';
import type { Engine, EngineContext } from '../engine.js';
import { findFfmpeg } from './browser-identity.js';
import { libraryClientFactory } from './client-factory.js';
import { DEFAULT_MEDIA_LIMITS, type MediaLimits } from './incoming-media.js';
import { wwebjsLibrary } from './library.js';
import type { ClientFactory } from './library-types.js';
import { defaultTimings, type WwebjsTimings } from './supervisor.js';
import { WwebjsEngine } from './wwebjs-engine.js';

export { findChromium } from './chromium.js';
export { wwebjsPatchStatus, type PatchStatus } from './patch-status.js';
export { CHROMIUM_ARGS, libraryClientFactory, type ClientFactoryOptions } from './client-factory.js';
export { DEFAULT_MEDIA_LIMITS, type MediaLimits } from './incoming-media.js';
export type { ClientFactory, ClientParams, ContentClasses, WwebjsClient } from './library-types.js';
export { defaultTimings, type WwebjsTimings } from './supervisor.js';

export interface WwebjsEngineOptions {
  /** CHROMIUM_PATH, or null to auto-detect; checked when an instance starts. */
  chromiumPath: string | null;
  /** Flags added to Chromium's command line (a `--proxy-server=...`, say). */
  chromiumArgs?: readonly string[];
  /** Where WhatsApp Web builds are recorded (DATA_DIR/wwebjs-web-versions); null: not recorded. */
  webVersionCacheDir?: string | null;
  /** WWEBJS_WEB_VERSION: a recorded build to load instead of the live page. */
  webVersion?: string | null;
  /** Incoming media: the largest file downloaded, and how long a download may take. */
  media?: Partial<MediaLimits>;
  logger?: Logger;
  /** Supervisor timings; tests make them short. */
  timings?: Partial<WwebjsTimings>;
  /** Builds the library client; tests pass a fake. Defaults to the real whatsapp-web.js Client. */
  clientFactory?: ClientFactory;
  /** ffmpeg for stickers from video; found on PATH when not given (null: none). */
  ffmpegPath?: string | null;
}

export function createWwebjsEngine(ctx: EngineContext, options: WwebjsEngineOptions): Engine {
  const log = (options.logger ?? silentLogger).child({ engine: 'wwebjs', instance: ctx.instanceId });
  const ffmpegPath = options.ffmpegPath === undefined ? findFfmpeg() : options.ffmpegPath;
  const factory =
    options.clientFactory ??
    libraryClientFactory({
      chromiumPath: options.chromiumPath,
      ...(options.chromiumArgs ? { extraArgs: options.chromiumArgs } : {}),
      webVersionCacheDir: options.webVersionCacheDir ?? null,
      webVersion: options.webVersion ?? null,
      ffmpegPath,
    });
  return new WwebjsEngine(ctx, {
    factory,
    timings: { ...defaultTimings, ...options.timings },
    media: { ...DEFAULT_MEDIA_LIMITS, ...options.media },
    classes: factory.contentClasses ?? wwebjsLibrary,
    ffmpegPath,
    log,
  });
}
