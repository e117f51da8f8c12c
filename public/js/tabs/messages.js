// Messages: the instance's history (newest first) with status and chat filters and pages; the
// first page refreshes every 5 s while it is shown, so acks (sent -> delivered -> read) appear.
import { api, inst, query } from '../api.js';
import { field, fill, h, pager, poll, statusBadge, table, when } from '../dom.js';

const STATUSES = ['sent', 'received', 'pending', 'failed', 'delivered', 'read', 'played'];

/** A phone number for a user id, the id itself otherwise (groups). */
export function shortChat(jid) {
  return typeof jid === 'string' && jid.endsWith('@s.whatsapp.net') ? `+${jid.slice(0, -'@s.whatsapp.net'.length)}` : jid;
}

export function messageTable(items, caption = 'Messages') {
  const rows = items.map((m) => {
    const content = [m.body || m.caption || (m.type === 'chat' ? '' : `(${m.type})`)];
    if (m.body && m.caption && m.caption !== m.body) content.push(h('br'), m.caption);
    if (m.media?.url) {
      content.push(' ', h('a', { href: m.media.url, target: '_blank', rel: 'noopener' }, m.media.filename || 'media file'));
    }
    return [
      h('span', { class: 'nowrap' }, when(m.timestamp)),
      m.fromMe ? h('span', { title: 'outgoing' }, '→ out') : h('span', { title: 'incoming' }, '← in'),
      h('span', { class: 'nowrap', title: m.chatId }, shortChat(m.chatId)),
      m.type,
      h('span', { class: 'message-body' }, content),
      h('span', { class: 'status-cell' }, statusBadge(m.status), m.error ? h('small', { class: 'muted' }, ` ${m.error}`) : null),
    ];
  });
  return table(caption, ['Time', 'Direction', 'Chat', 'Type', 'Content', 'Status'], rows, 'No messages yet.');
}

export function messagesTab(ctx) {
  const { id } = ctx;
  let page = 1;
  let lastJson = '';
  const statusSelect = h('select', { name: 'status' }, h('option', { value: '' }, 'Any'), STATUSES.map((s) => h('option', { value: s }, s)));
  const chatInput = h('input', { name: 'chatId', autocomplete: 'off', placeholder: '905321234567' });
  const listBox = h('div', { id: 'message-list', 'aria-live': 'off' }, h('p', { class: 'muted' }, 'Loading…'));
  const errorBox = h('p', { class: 'form-error', role: 'alert' });

  async function load() {
    try {
      const data = await api('GET', inst(id, `/messages${query({ limit: 25, page, status: statusSelect.value, chatId: chatInput.value.trim() })}`));
      errorBox.textContent = '';
      const json = JSON.stringify(data);
      if (json === lastJson) return;
      lastJson = json;
      fill(listBox, messageTable(data.items), pager(data, (p) => ((page = p), load())));
    } catch (err) {
      errorBox.textContent = err.message;
    }
  }

  const filters = h(
    'form',
    { class: 'inline-form', 'aria-label': 'Filter messages' },
    field('Status', statusSelect),
    field('Chat (phone or id)', chatInput),
    h('button', { type: 'submit' }, 'Show'),
  );
  filters.addEventListener('submit', (e) => {
    e.preventDefault();
    page = 1;
    load();
  });
  statusSelect.addEventListener('change', () => {
    page = 1;
    load();
  });

  const el = h(
    'div',
    { class: 'card' },
    h('h2', { id: 'panel-title', tabindex: '-1' }, 'Messages'),
    h('p', { class: 'muted' }, 'Every message in and out, newest first. This list refreshes by itself.'),
    filters,
    errorBox,
    listBox,
  );
  // Refresh only the first page by itself: a person reading page 3 should not see it move.
  const poller = poll(() => (page === 1 ? load() : undefined), 5000);
  return { el, stop: () => poller.stop() };
}
