// One message as a row of the conversation: its bubble (author in groups, forwarded, the message it
// replies to, the content, edited, time and ticks), its reactions, and the actions on it.
import { h } from '../dom.js';
import { clockTime, dateOf, phoneOf, summary, summaryWithIcon, ticks } from './format.js';
import { icon } from './icons.js';
import { authorOf, messageContent } from './message-parts.js';

/** The id of a message's row in the page (ids are WhatsApp's, so they are made safe first). */
export const rowId = (id) => `msg-${String(id).replace(/[^A-Za-z0-9_-]/g, '_')}`;

function quoteBlock(m, ctx) {
  const quoted = ctx.quoted(m.quotedMessageId);
  const who = quoted ? (quoted.fromMe ? 'You' : ctx.group ? authorOf(quoted) : ctx.chatName) : 'A message';
  const text = quoted ? summary(quoted) : 'not loaded yet: scroll up to see it';
  return h(
    'button',
    { type: 'button', class: 'msg-quote', 'data-quoted': m.quotedMessageId, onclick: () => ctx.onJump(m.quotedMessageId), 'aria-label': `Reply to ${who}: ${text}. Show it` },
    h('span', { class: 'quote-author' }, who),
    h('span', { class: 'quote-text' }, quoted ? summaryWithIcon(quoted) : text),
  );
}

function reactionsRow(m, ctx) {
  if (!m.reactions?.length) return null;
  const byEmoji = new Map();
  for (const r of m.reactions) {
    if (!r.emoji) continue;
    const entry = byEmoji.get(r.emoji) ?? { n: 0, who: [], mine: false };
    entry.n += 1;
    entry.who.push(r.fromMe ? 'you' : ctx.nameOf(r.from));
    entry.mine ||= r.fromMe;
    byEmoji.set(r.emoji, entry);
  }
  if (byEmoji.size === 0) return null;
  return h(
    'div',
    { class: 'msg-reactions' },
    [...byEmoji].map(([emoji, e]) =>
      h('span', { class: `reaction${e.mine ? ' mine' : ''}`, title: e.who.join(', '), 'aria-label': `${emoji} from ${e.who.join(', ')}` }, emoji, e.n > 1 ? ` ${e.n}` : ''),
    ),
  );
}

function meta(m) {
  const when = dateOf(m.timestamp);
  return h(
    'div',
    { class: 'msg-meta' },
    m.starred ? h('span', { title: 'Starred', 'aria-label': 'Starred' }, '★') : null,
    m.editedAt ? h('span', { class: 'msg-edited', title: m.originalBody !== undefined ? `Before: ${m.originalBody}` : 'Edited' }, 'edited') : null,
    h('time', { datetime: when.toISOString(), title: when.toLocaleString() }, clockTime(m.timestamp)),
    m.fromMe ? ticks(m.status) : null,
  );
}

/**
 * ctx: { group, chatName, canSend, quoted(id), nameOf(jid), onReply(m), onReact(m, button), onJump(id) }
 */
export function messageRow(m, ctx) {
  const revoked = m.type === 'revoked';
  const actions =
    ctx.canSend && !revoked && m.status !== 'pending' && m.status !== 'failed'
      ? h(
          'div',
          { class: 'msg-actions' },
          h('button', { type: 'button', class: 'icon-button', onclick: () => ctx.onReply(m), 'aria-label': 'Reply', title: 'Reply' }, icon('reply')),
          h('button', { type: 'button', class: 'icon-button', onclick: (e) => ctx.onReact(m, e.currentTarget), 'aria-label': 'React', title: 'React', 'aria-haspopup': 'dialog' }, icon('react')),
        )
      : null;
  return h(
    'div',
    { class: `msg-row ${m.fromMe ? 'out' : 'in'}`, id: rowId(m.id), 'data-id': m.id, 'data-type': m.type },
    h(
      'div',
      { class: 'msg-line' },
      h(
        'div',
        { class: `bubble${revoked ? ' revoked' : ''}${m.status === 'failed' ? ' failed' : ''}` },
        ctx.group && !m.fromMe ? h('div', { class: 'msg-author' }, authorOf(m)) : null,
        m.forwarded ? h('div', { class: 'msg-forwarded' }, icon('forward'), ' Forwarded') : null,
        m.quotedMessageId && !revoked ? quoteBlock(m, ctx) : null,
        h('div', { class: 'msg-content' }, messageContent(m)),
        m.status === 'failed' && m.error ? h('div', { class: 'msg-error' }, `Not sent: ${m.error}`) : null,
        meta(m),
      ),
      actions,
    ),
    reactionsRow(m, ctx),
  );
}

/** A contact's name for reactions and quotes: the chat's name in a one-to-one chat, else the number. */
export function nameFrom(chat) {
  return (jid) => (jid === chat.id ? chat.name : phoneOf(jid));
}
