// The chat list: pinned chats first, then the others newest first, the archived ones apart (folded);
// each with its picture, name, time, last message and unread badge; a search over names, numbers
// and last messages.
import { h } from '../dom.js';
import { avatar } from './avatars.js';
import { isGroup, listTime, phoneOf, summaryWithIcon, ticks } from './format.js';
import { icon } from './icons.js';

/**
 * opts: { instanceId, onOpen(chat) }
 * Answers { el, set(chats), setOpen(chatId), setNotice(text | null), chats() }.
 */
export function chatList(opts) {
  let chats = [];
  let openId = null;
  let notice = null;
  let archivedOpen = false;
  const avatars = new Map(); // chat id -> [name, element]: kept across renders, so pictures stay

  const search = h('input', { type: 'search', class: 'chat-search', placeholder: 'Search chats', 'aria-label': 'Search chats', autocomplete: 'off' });
  const body = h('div', { class: 'chat-list-body' });
  const el = h('nav', { class: 'chat-list', 'aria-label': 'Chats' }, h('div', { class: 'chat-search-box' }, search), body);
  search.addEventListener('input', () => render());

  function avatarOf(chat) {
    const kept = avatars.get(chat.id);
    if (kept && kept[0] === chat.name) return kept[1];
    const made = avatar(opts.instanceId, chat);
    avatars.set(chat.id, [chat.name, made]);
    return made;
  }

  function preview(chat) {
    const p = chat.lastMessagePreview;
    if (!p) return h('span', { class: 'chat-preview muted' }, isGroup(chat.id) ? 'Group' : phoneOf(chat.id));
    return h(
      'span',
      { class: 'chat-preview' },
      p.fromMe ? [ticks(p.status), ' '] : null,
      !p.fromMe && isGroup(chat.id) && p.senderName ? `${p.senderName}: ` : null,
      summaryWithIcon(p),
    );
  }

  function item(chat) {
    const unread = chat.unreadCount > 0 ? String(chat.unreadCount) : chat.markedUnread ? '' : null;
    const label = [chat.name, chat.unreadCount > 0 ? `${chat.unreadCount} unread` : chat.markedUnread ? 'marked unread' : null, chat.pinned ? 'pinned' : null]
      .filter(Boolean)
      .join(', ');
    return h(
      'li',
      null,
      h(
        'button',
        {
          type: 'button',
          class: `chat-item${chat.id === openId ? ' open' : ''}${unread !== null ? ' unread' : ''}`,
          'data-chat': chat.id,
          'aria-current': chat.id === openId ? 'true' : null,
          'aria-label': label,
          onclick: () => opts.onOpen(chat),
        },
        avatarOf(chat),
        h(
          'span',
          { class: 'chat-lines' },
          h(
            'span',
            { class: 'chat-line' },
            h('span', { class: 'chat-name' }, chat.name),
            h('span', { class: 'chat-time' }, listTime(chat.lastMessagePreview?.timestamp ?? chat.lastMessage)),
          ),
          h(
            'span',
            { class: 'chat-line' },
            preview(chat),
            h(
              'span',
              { class: 'chat-marks' },
              chat.mutedUntil ? h('span', { class: 'chat-mark', title: 'Muted' }, icon('muted')) : null,
              chat.pinned ? h('span', { class: 'chat-mark', title: 'Pinned' }, icon('pin')) : null,
              unread !== null ? h('span', { class: 'unread-badge', 'aria-hidden': 'true' }, unread) : null,
            ),
          ),
        ),
      ),
    );
  }

  function matches(chat, words) {
    const hay = `${chat.name} ${phoneOf(chat.id)} ${chat.id} ${chat.lastMessagePreview?.body ?? ''}`.toLocaleLowerCase();
    return words.every((w) => hay.includes(w));
  }

  function section(title, list, extra = {}) {
    if (list.length === 0) return null;
    return [title ? h('h3', { class: 'chat-section' }, title) : null, h('ul', { class: 'chat-items', ...extra }, list.map(item))];
  }

  function render() {
    const focused = document.activeElement?.closest?.('.chat-item')?.dataset.chat;
    const words = search.value.trim().toLocaleLowerCase().split(/\s+/).filter(Boolean);
    const shown = words.length ? chats.filter((c) => matches(c, words)) : chats;
    const pinned = shown.filter((c) => c.pinned && !c.archived);
    const rest = shown.filter((c) => !c.pinned && !c.archived);
    const archived = shown.filter((c) => c.archived);
    const archive =
      archived.length === 0
        ? null
        : h(
            'details',
            { class: 'chat-archive', open: archivedOpen || words.length > 0, ontoggle: (e) => (archivedOpen = e.currentTarget.open) },
            h('summary', null, `Archived (${archived.length})`),
            h('ul', { class: 'chat-items' }, archived.map(item)),
          );
    body.replaceChildren(
      ...[
        notice ? h('p', { class: 'chat-notice', role: 'status' }, notice) : null,
        section(pinned.length ? 'Pinned' : null, pinned),
        section(pinned.length && rest.length ? 'Chats' : null, rest),
        archive,
        shown.length === 0 && !notice ? h('p', { class: 'empty chat-empty' }, words.length ? 'No chat matches.' : 'No chats yet.') : null,
      ]
        .flat()
        .filter(Boolean),
    );
    if (focused) body.querySelector(`.chat-item[data-chat="${CSS.escape(focused)}"]`)?.focus();
  }

  return {
    el,
    set(next) {
      chats = next;
      render();
    },
    setOpen(chatId) {
      openId = chatId;
      render();
    },
    setNotice(text) {
      notice = text;
      render();
    },
    chats: () => chats,
  };
}
