// Small pieces the inbox's parts share: names, times, ticks, what a message is in a few words.
import { h } from '../dom.js';
import { icon } from './icons.js';

const USER = '@s.whatsapp.net';

export const isGroup = (chatId) => typeof chatId === 'string' && chatId.endsWith('@g.us');

/** +905321234567 for a user id; the id itself otherwise. */
export function phoneOf(jid) {
  return typeof jid === 'string' && jid.endsWith(USER) ? `+${jid.slice(0, -USER.length)}` : jid;
}

/** Unix seconds -> a Date. */
export const dateOf = (seconds) => new Date(seconds * 1000);

/** The time for a chat list: the hour today, the weekday this week, the date before. */
export function listTime(seconds) {
  if (!seconds) return '';
  const d = dateOf(seconds);
  const now = new Date();
  if (d.toDateString() === now.toDateString()) return d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  if (now - d < 6 * 86400_000) return d.toLocaleDateString([], { weekday: 'short' });
  return d.toLocaleDateString();
}

export const clockTime = (seconds) => dateOf(seconds).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

/** The heading of a day in a conversation. */
export function dayLabel(seconds) {
  const d = dateOf(seconds);
  const today = new Date();
  const yesterday = new Date(today.getTime() - 86400_000);
  if (d.toDateString() === today.toDateString()) return 'Today';
  if (d.toDateString() === yesterday.toDateString()) return 'Yesterday';
  return d.toLocaleDateString([], { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' });
}

const STATUS_ORDER = ['pending', 'sent', 'delivered', 'read', 'played'];
/** Whether `next` is further along than `current` (acks only move forward; failed is final). */
export function isAhead(next, current) {
  if (current === 'failed') return false;
  if (next === 'failed') return current === 'pending' || current === undefined;
  return STATUS_ORDER.indexOf(next) > STATUS_ORDER.indexOf(current);
}

const TICKS = {
  pending: [null, 'Waiting to be sent'],
  sent: ['✓', 'Sent'],
  delivered: ['✓✓', 'Delivered'],
  read: ['✓✓', 'Read'],
  played: ['✓✓', 'Played'],
  failed: ['!', 'Not sent'],
};

/** The ticks of an outgoing message: data-status says which, for styles and tests. */
export function ticks(status) {
  const [mark, label] = TICKS[status] ?? ['', status];
  return h('span', { class: 'ticks', 'data-status': status, title: label, role: 'img', 'aria-label': label }, mark ?? icon('clock'));
}

/** Each kind of message: its icon and the word for it when it has no text. */
const KIND = {
  image: ['camera', 'Photo'],
  video: ['video', 'Video'],
  audio: ['music', 'Audio'],
  ptt: ['mic', 'Voice message'],
  document: ['document', 'Document'],
  sticker: ['sticker', 'Sticker'],
  location: ['location', 'Location'],
  vcard: ['person', 'Contact'],
  multi_vcard: ['people', 'Contacts'],
  poll_creation: ['poll', 'Poll'],
  revoked: ['deleted', 'This message was deleted'],
};

/** A message (or a chat's lastMessagePreview) in a few words of text. */
export function summary(m) {
  const word = KIND[m.type]?.[1] ?? '';
  if (m.type === 'revoked') return word;
  return m.body || m.caption || m.poll?.name || m.location?.name || word;
}

/** The same with the icon of its kind in front. */
export function summaryWithIcon(m) {
  const kind = KIND[m.type];
  return kind ? [icon(kind[0]), ' ', summary(m)] : summary(m);
}

/** Two letters for an avatar without a picture. */
export function initials(name) {
  const words = String(name ?? '?').replace(/^\+/, '').trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return '?';
  if (/^\d/.test(words[0])) return words[0].slice(-2);
  return words.slice(0, 2).map((w) => [...w][0].toUpperCase()).join('');
}

/** One of eight hues per name, so a chat keeps its colour. */
export function hueOf(text) {
  let n = 0;
  for (const ch of String(text)) n = (n * 31 + ch.codePointAt(0)) >>> 0;
  return n % 8;
}

/**
 * Media lives on this server at /media/{instance}/{file}; its `url` is absolute to PUBLIC_URL,
 * which may not be the address this page was loaded from (a proxy, a test): use the path relative
 * to the page's base, so the file always comes from where the page came from.
 */
export function mediaSrc(url) {
  const found = /\/media\/([^/?#]+)\/([^/?#]+)$/.exec(String(url ?? ''));
  return found ? `media/${found[1]}/${found[2]}` : url;
}

/** 1.2 MB */
export function sizeText(bytes) {
  if (!bytes && bytes !== 0) return '';
  const units = ['B', 'KB', 'MB', 'GB'];
  let n = bytes;
  let u = 0;
  while (n >= 1024 && u < units.length - 1) {
    n /= 1024;
    u += 1;
  }
  return `${n < 10 && u > 0 ? n.toFixed(1) : Math.round(n)} ${units[u]}`;
}
