import { createRequire } from 'node:module';
import type wwebjs from 'whatsapp-web.js';

// whatsapp-web.js (with puppeteer) is loaded when a real client is first built, not at start-up:
// it is a third of an idle server's memory (39 MB RSS) and of its start-up time, and a server
// with only sandbox instances never needs it. It is CommonJS, so a synchronous require keeps the
// client factory synchronous.
const requireLibrary = createRequire(import.meta.url);
export type WwebjsLibrary = typeof wwebjs;
let library: WwebjsLibrary | null = null;

export function wwebjsLibrary(): WwebjsLibrary {
  return (library ??= requireLibrary('whatsapp-web.js') as WwebjsLibrary);
}
