// Scheduled: a message to send later, the list of scheduled messages (refreshed every 10 s) and
// cancelling one that has not gone out yet.
import { api, inst, query } from '../api.js';
import { act, field, fill, h, pager, poll, showNotice, statusBadge, table, when } from '../dom.js';
import { messageFields } from './bulk.js';

const STATUSES = ['pending', 'sending', 'sent', 'failed', 'cancelled'];

/** A datetime-local value for `date` in local time (what the input shows). */
function localInputValue(date) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

export function scheduledTab(ctx) {
  const { id } = ctx;
  let page = 1;
  let lastJson = '';
  const listBox = h('div', null, h('p', { class: 'muted' }, 'Loading…'));
  const errorBox = h('p', { class: 'form-error', role: 'alert' });
  const statusSelect = h('select', { name: 'status' }, h('option', { value: '' }, 'Any'), STATUSES.map((s) => h('option', { value: s }, s)));
  statusSelect.addEventListener('change', () => {
    page = 1;
    load();
  });

  async function load() {
    try {
      const data = await api('GET', inst(id, `/scheduled${query({ limit: 20, page, status: statusSelect.value })}`));
      errorBox.textContent = '';
      const json = JSON.stringify(data);
      if (json === lastJson) return;
      lastJson = json;
      const rows = data.items.map((m) => [
        h('span', { class: 'nowrap' }, when(m.scheduledAt)),
        m.recipientName ? `${m.recipientName} (${m.recipient})` : m.recipient,
        m.messageType,
        h('span', { class: 'message-body' }, m.body || m.mediaUrl || '—'),
        h('span', { class: 'status-cell' }, statusBadge(m.status), m.error ? h('small', { class: 'muted' }, ` ${m.error}`) : null),
        m.status === 'pending'
          ? h('button', { type: 'button', class: 'danger', onclick: (e) => cancel(e.currentTarget, m) }, 'Cancel', h('span', { class: 'visually-hidden' }, ` the message to ${m.recipient}`))
          : m.sentAt
            ? `sent ${when(m.sentAt)}`
            : '',
      ]);
      fill(
        listBox,
        table('Scheduled messages', ['When', 'Recipient', 'Type', 'Message', 'Status', 'Actions'], rows, 'No scheduled messages.'),
        data.total > data.limit ? pager(data, (p) => ((page = p), load())) : null,
      );
    } catch (err) {
      errorBox.textContent = `Could not load the scheduled messages: ${err.message}`;
    }
  }

  async function cancel(button, m) {
    if (!confirm(`Cancel the message to ${m.recipient} scheduled for ${when(m.scheduledAt)}?`)) return;
    if (await act(button, () => api('DELETE', inst(id, `/scheduled/${encodeURIComponent(m.id)}`)), 'Cancel scheduled message')) {
      showNotice('Scheduled message cancelled.');
      load();
    }
  }

  const recipient = h('input', { type: 'tel', name: 'recipient', autocomplete: 'off', required: true, placeholder: '905321234567' });
  const recipientName = h('input', { name: 'recipientName', autocomplete: 'off' });
  const at = h('input', { type: 'datetime-local', name: 'scheduledAt', required: true, value: localInputValue(new Date(Date.now() + 60 * 60 * 1000)) });
  const message = messageFields(id);
  const form = h(
    'form',
    { 'aria-label': 'Schedule a message' },
    h('h3', null, 'Schedule a message'),
    h('div', { class: 'row' }, field('Recipient', recipient), field('Name (optional)', recipientName), field('Send at (your local time)', at)),
    message.el,
    h('button', { type: 'submit', class: 'primary' }, 'Schedule'),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const res = await act(
      form,
      async () => {
        const when = new Date(at.value);
        if (Number.isNaN(when.getTime())) throw new Error('Send at: choose a date and time.');
        const body = { recipient: recipient.value.trim(), scheduledAt: when.toISOString(), ...(await message.values()) };
        if (recipientName.value.trim()) body.recipientName = recipientName.value.trim();
        return api('POST', inst(id, '/scheduled'), body);
      },
      'Schedule',
    );
    if (res) {
      showNotice('Message scheduled.');
      form.reset();
      message.reset();
      load();
    }
  });

  const el = h(
    'div',
    { class: 'card' },
    h('h2', { id: 'panel-title', tabindex: '-1' }, 'Scheduled messages'),
    h('p', { class: 'muted' }, 'Due messages go out within 30 seconds of their time.'),
    h('form', { class: 'inline-form', 'aria-label': 'Filter', onsubmit: (e) => e.preventDefault() }, field('Status', statusSelect)),
    errorBox,
    listBox,
    form,
  );
  const poller = poll(load, 10000);
  return { el, stop: () => poller.stop() };
}
