import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Label } from '../engine.js';

/**
 * What the simulated phone of a linked sandbox instance holds, kept in its session folder (so it
 * survives a restart and goes with a logout, as a phone's data goes with unlinking it).
 */
export interface SandboxSession {
  phone: string;
  name: string;
  about: string | null;
  /** A data URI, or null. */
  picture: string | null;
  /** A WhatsApp Business account (labels work only there). */
  business: boolean;
  /** Pinned chats, oldest pin first (WhatsApp pins at most three). */
  pinned: string[];
  /** Channels followed, by id. */
  channels: string[];
  /** Label ids on each chat (business accounts). */
  chatLabels: Record<string, string[]>;
}

/** What WhatsApp shows as the "about" of a new account. */
export const DEFAULT_ABOUT = 'Hey there! I am using WhatsApp.';

/** The labels WhatsApp Business gives every new account. */
export const BUSINESS_LABELS: readonly Label[] = [
  { id: '1', name: 'New customer', color: 0 },
  { id: '2', name: 'New order', color: 1 },
  { id: '3', name: 'Pending payment', color: 2 },
  { id: '4', name: 'Paid', color: 3 },
  { id: '5', name: 'Order complete', color: 4 },
];

export function newSession(phone: string, name: string): SandboxSession {
  return { phone, name, about: DEFAULT_ABOUT, picture: null, business: false, pinned: [], channels: [], chatLabels: {} };
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** The session in `file`, or null when there is none (files of older versions hold only phone and name). */
export function loadSession(file: string): SandboxSession | null {
  try {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    const phone = str(saved.phone);
    const name = str(saved.name);
    if (phone === null || name === null) return null;
    const labels = saved.chatLabels && typeof saved.chatLabels === 'object' ? (saved.chatLabels as Record<string, unknown>) : {};
    return {
      ...newSession(phone, name),
      ...('about' in saved ? { about: str(saved.about) } : {}),
      picture: str(saved.picture),
      business: saved.business === true,
      pinned: strings(saved.pinned),
      channels: strings(saved.channels),
      chatLabels: Object.fromEntries(Object.entries(labels).map(([chat, ids]) => [chat, strings(ids)])),
    };
  } catch {
    return null;
  }
}

export function saveSession(file: string, session: SandboxSession): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, JSON.stringify(session));
  renameSync(tmp, file);
}

export function removeSession(file: string): void {
  rmSync(file, { force: true });
}
