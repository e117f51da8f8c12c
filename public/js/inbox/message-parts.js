// What is inside a bubble, by the kind of message: text, pictures and video inline, audio players,
// documents to download, locations, contact cards, polls with their votes. Everything from the API
// goes in as text or as a URL attribute, never as markup.
import { h } from '../dom.js';
import { mediaSrc, phoneOf, sizeText } from './format.js';
import { icon } from './icons.js';

/** Text with its web links made clickable (the rest stays text). */
export function richText(text) {
  const parts = String(text).split(/(https?:\/\/[^\s<>"]+)/g);
  return h(
    'span',
    { class: 'msg-text' },
    parts.map((part, i) => (i % 2 === 1 ? h('a', { href: part, target: '_blank', rel: 'noopener noreferrer' }, part) : part)),
  );
}

function caption(m) {
  const text = m.caption ?? (m.type !== 'chat' ? m.body : '');
  return text ? h('div', { class: 'msg-caption' }, richText(text)) : null;
}

function missingMedia(word) {
  return h('div', { class: 'msg-missing' }, `${word} (not downloaded)`);
}

function image(m, sticker) {
  if (!m.media) return missingMedia(sticker ? 'Sticker' : 'Photo');
  const src = mediaSrc(m.media.url);
  const img = h('img', { src, alt: m.caption || (sticker ? 'Sticker' : 'Photo'), loading: 'lazy', class: sticker ? 'msg-sticker' : 'msg-image' });
  return sticker ? img : h('a', { href: src, target: '_blank', rel: 'noopener', class: 'msg-media-link' }, img);
}

function video(m) {
  if (!m.media) return missingMedia('Video');
  return h('video', { src: mediaSrc(m.media.url), controls: true, preload: 'metadata', class: 'msg-video', 'aria-label': m.caption || 'Video' });
}

function audio(m) {
  if (!m.media) return missingMedia(m.type === 'ptt' ? 'Voice message' : 'Audio');
  return h(
    'div',
    { class: 'msg-audio' },
    icon(m.type === 'ptt' ? 'mic' : 'music'),
    h('audio', { src: mediaSrc(m.media.url), controls: true, preload: 'metadata', 'aria-label': m.type === 'ptt' ? 'Voice message' : 'Audio' }),
  );
}

function documentLink(m) {
  if (!m.media) return missingMedia('Document');
  const name = m.media.filename || m.body || 'document';
  return h(
    'a',
    { class: 'msg-document', href: mediaSrc(m.media.url), download: name, rel: 'noopener' },
    icon('document', 'doc-icon'),
    h('span', { class: 'doc-name' }, name),
    h('small', { class: 'doc-size' }, [sizeText(m.media.size), m.media.mimetype].filter(Boolean).join(' · ')),
    h('span', { class: 'visually-hidden' }, ' (download)'),
  );
}

function location(m) {
  const loc = m.location ?? {};
  const coords = Number.isFinite(loc.lat) && Number.isFinite(loc.lng) ? `${loc.lat.toFixed(5)}, ${loc.lng.toFixed(5)}` : '';
  const map = coords ? `https://www.openstreetmap.org/?mlat=${loc.lat}&mlon=${loc.lng}#map=16/${loc.lat}/${loc.lng}` : null;
  return h(
    'div',
    { class: 'msg-location' },
    icon('location', 'big-icon'),
    h(
      'div',
      null,
      h('div', { class: 'loc-name' }, loc.name || 'Location'),
      loc.address ? h('div', { class: 'loc-address' }, loc.address) : null,
      coords ? h('small', { class: 'muted' }, coords) : null,
      map ? h('div', null, h('a', { href: map, target: '_blank', rel: 'noopener noreferrer' }, icon('map'), ' Open the map')) : null,
    ),
  );
}

/** The people of a vCard (or of several): their names and numbers. */
export function parseVcards(text) {
  const cards = [];
  for (const block of String(text ?? '').split(/END:VCARD/i)) {
    const name = /^FN[^:]*:(.*)$/im.exec(block)?.[1]?.trim();
    const phones = [...block.matchAll(/^(?:item\d+\.)?TEL([^:]*):(.*)$/gim)].map(([, params, value]) => {
      const waid = /waid=(\d+)/i.exec(params)?.[1];
      return waid ? `+${waid}` : value.trim();
    });
    if (name || phones.length) cards.push({ name: name || phones[0] || 'Contact', phones });
  }
  return cards;
}

function contactCards(m) {
  const cards = parseVcards(m.vcard ?? m.body);
  if (cards.length === 0) return h('div', { class: 'msg-contact' }, icon('person', 'big-icon'), m.body || 'Contact');
  return cards.map((card) =>
    h(
      'div',
      { class: 'msg-contact' },
      icon('person', 'big-icon'),
      h('div', null, h('div', { class: 'contact-name' }, card.name), card.phones.map((p) => h('div', { class: 'contact-phone' }, p))),
    ),
  );
}

function poll(m) {
  const p = m.poll ?? { name: m.body, values: [], selectableCount: 1 };
  const votes = m.votes ?? [];
  const counts = new Map(p.values.map((v) => [v, 0]));
  for (const vote of votes) for (const option of vote.selected) counts.set(option, (counts.get(option) ?? 0) + 1);
  const voters = votes.filter((v) => v.selected.length > 0).length;
  const most = Math.max(1, ...counts.values());
  return h(
    'div',
    { class: 'msg-poll' },
    h('div', { class: 'poll-name' }, icon('poll'), ' ', p.name),
    h('small', { class: 'muted' }, p.selectableCount === 1 ? 'Select one' : 'Select one or more'),
    h(
      'ul',
      { class: 'poll-options' },
      [...counts].map(([option, n]) =>
        h(
          'li',
          { 'data-option': option },
          h('div', { class: 'poll-option' }, h('span', null, option), h('span', { class: 'poll-count' }, String(n))),
          h('progress', { max: String(most), value: String(n), 'aria-label': `${option}: ${n} vote${n === 1 ? '' : 's'}` }),
        ),
      ),
    ),
    h('small', { class: 'muted poll-total' }, `${voters} ${voters === 1 ? 'person' : 'people'} voted`),
  );
}

/** The body of a bubble for message `m`. */
export function messageContent(m) {
  switch (m.type) {
    case 'chat':
      return richText(m.body);
    case 'image':
      return [image(m, false), caption(m)];
    case 'sticker':
      return image(m, true);
    case 'video':
      return [video(m), caption(m)];
    case 'audio':
    case 'ptt':
      return audio(m);
    case 'document':
      return [documentLink(m), m.caption ? caption(m) : null];
    case 'location':
      return location(m);
    case 'vcard':
    case 'multi_vcard':
      return contactCards(m);
    case 'poll_creation':
      return poll(m);
    case 'revoked':
      return h('span', { class: 'msg-revoked' }, icon('deleted'), ' This message was deleted');
    default:
      return [h('small', { class: 'muted' }, `(${m.type}) `), m.body ? richText(m.body) : null, m.media ? documentLink(m) : null];
  }
}

/** Who wrote an incoming group message: the push name, else the number. */
export function authorOf(m) {
  return m.senderName || phoneOf(m.from);
}
