import type wwebjs from 'whatsapp-web.js';
import { loadedOnFirstUse } from '../../paths.js';

// whatsapp-web.js (with puppeteer) is loaded when a real client is first built, not at start-up:
// it is a third of an idle server's memory (39 MB RSS) and of its start-up time, and a server
// with only sandbox instances never needs it. It is CommonJS, so a synchronous require keeps the
// client factory synchronous.
export type WwebjsLibrary = typeof wwebjs;

export const wwebjsLibrary = loadedOnFirstUse<WwebjsLibrary>('whatsapp-web.js');
