// Settings: webhook URL, on/off, events, send delay and declining calls; the signing secret and its rotation; and the
// recent webhook deliveries, with retry (refreshed every 10 s).
import { api, inst, query } from '../api.js';
import { act, checkbox, field, fill, h, pager, poll, showNotice, statusBadge, table, when } from '../dom.js';

const EVENTS = [
  ['message_received', 'Incoming messages (message_received)'],
  ['message_ack', 'Status changes of sent messages (message_ack)'],
  ['connection_status', 'Connection changes (connection_status)'],
  ['message_edited', 'Messages edited by others (message_edited)'],
  ['message_revoked', 'Messages deleted for everyone (message_revoked)'],
  ['message_reaction', 'Reactions (message_reaction)'],
  ['poll_vote', 'Poll votes (poll_vote)'],
  ['group_update', 'Group changes (group_update)'],
  ['presence_update', 'Typing and online (presence_update)'],
  ['call', 'Incoming calls (call)'],
];

export function settingsTab(ctx) {
  const { id } = ctx;
  const errorBox = h('p', { class: 'form-error', role: 'alert' });
  const url = h('input', { type: 'url', name: 'webhookUrl', autocomplete: 'off', placeholder: 'https://example.com/hooks/whatsapp' });
  const enabled = h('input', { type: 'checkbox', name: 'webhookEnabled' });
  const delay = h('input', { type: 'number', name: 'sendDelay', min: '0', max: '3600000', step: '1' });
  const eventBoxes = EVENTS.map(([name]) => h('input', { type: 'checkbox', name: 'webhookEvents', value: name, id: `event-${name}` }));
  const secret = h('input', { type: 'text', name: 'webhookSecret', readOnly: true, class: 'mono', spellcheck: 'false' });
  const rejectCalls = h('input', { type: 'checkbox', name: 'rejectCalls' });
  const rejectMessage = h('input', { name: 'rejectCallsMessage', autocomplete: 'off', maxlength: '4096' });

  const form = h(
    'form',
    { 'aria-labelledby': 'panel-title' },
    field('Webhook URL', url, 'Where Hatline POSTs events; empty to remove.'),
    checkbox('Send webhooks', enabled),
    h(
      'fieldset',
      null,
      h('legend', null, 'Events to send'),
      eventBoxes.map((box, i) => h('div', { class: 'field field-check' }, box, h('label', { for: box.id }, EVENTS[i][1]))),
    ),
    field('Delay between two sends (milliseconds)', delay),
    checkbox('Decline incoming calls', rejectCalls),
    field('Reply to a declined caller', rejectMessage, 'Sent as a text message; empty sends none.'),
    h('button', { type: 'submit', class: 'primary' }, 'Save settings'),
  );

  async function loadSettings() {
    try {
      const s = await api('GET', inst(id, '/settings'));
      errorBox.textContent = '';
      url.value = s.webhookUrl ?? '';
      enabled.checked = s.webhookEnabled === 'true' || s.webhookEnabled === true;
      delay.value = String(s.sendDelay ?? '0');
      for (const box of eventBoxes) box.checked = (s.webhookEvents ?? []).includes(box.value);
      secret.value = s.webhookSecret ?? '';
      rejectCalls.checked = s.rejectCalls === 'true';
      rejectMessage.value = s.rejectCallsMessage ?? '';
    } catch (err) {
      errorBox.textContent = `Could not load the settings: ${err.message}`;
    }
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const body = {
      webhookUrl: url.value.trim(),
      webhookEnabled: enabled.checked,
      sendDelay: Number(delay.value || 0),
      webhookEvents: eventBoxes.filter((b) => b.checked).map((b) => b.value),
      rejectCalls: rejectCalls.checked,
      rejectCallsMessage: rejectMessage.value,
    };
    if (await act(form, () => api('POST', inst(id, '/settings'), body), 'Save settings')) {
      showNotice('Settings saved.');
      loadSettings();
    }
  });

  const rotate = h('button', { type: 'button', onclick: () => rotateSecret() }, 'Rotate the secret');
  const copy = h('button', { type: 'button', onclick: () => copySecret() }, 'Copy');
  async function rotateSecret() {
    if (!confirm('Make a new signing secret? Receivers must use the new one from now on.')) return;
    const res = await act(rotate, () => api('POST', inst(id, '/webhooks/secret/rotate')), 'Rotate secret');
    if (res) {
      secret.value = res.webhookSecret;
      showNotice('New secret made: update your receiver.');
    }
  }
  async function copySecret() {
    try {
      await navigator.clipboard.writeText(secret.value);
      showNotice('Secret copied.');
    } catch {
      secret.select(); // no clipboard (plain http): leave it selected for Ctrl+C
    }
  }

  // ---- deliveries ----
  let page = 1;
  let lastJson = '';
  const deliveriesBox = h('div', null, h('p', { class: 'muted' }, 'Loading…'));
  const deliveriesError = h('p', { class: 'form-error', role: 'alert' });
  const statusSelect = h(
    'select',
    { name: 'status' },
    h('option', { value: '' }, 'Any'),
    ['pending', 'delivered', 'failed'].map((s) => h('option', { value: s }, s)),
  );
  statusSelect.addEventListener('change', () => {
    page = 1;
    loadDeliveries();
  });

  async function loadDeliveries() {
    try {
      const data = await api('GET', inst(id, `/webhooks/deliveries${query({ limit: 20, page, status: statusSelect.value })}`));
      deliveriesError.textContent = '';
      const json = JSON.stringify(data);
      if (json === lastJson) return;
      lastJson = json;
      const rows = data.items.map((d) => [
        h('span', { class: 'nowrap' }, when(d.createdAt)),
        d.event,
        statusBadge(d.status),
        String(d.attempts),
        d.responseCode === null ? '—' : String(d.responseCode),
        h('span', { class: 'message-body' }, d.lastError || ''),
        h('span', { class: 'nowrap' }, d.status === 'pending' ? when(d.nextAttemptAt) : when(d.deliveredAt ?? d.lastAttemptAt)),
        h('button', { type: 'button', onclick: (e) => retry(e.currentTarget, d) }, 'Retry', h('span', { class: 'visually-hidden' }, ` delivery ${d.id}`)),
      ]);
      fill(
        deliveriesBox,
        table('Webhook deliveries', ['Created', 'Event', 'Status', 'Attempts', 'HTTP', 'Last error', 'Next / last attempt', 'Actions'], rows, 'No deliveries yet.'),
        data.total > data.limit ? pager(data, (p) => ((page = p), loadDeliveries())) : null,
      );
    } catch (err) {
      deliveriesError.textContent = `Could not load the deliveries: ${err.message}`;
    }
  }

  async function retry(button, d) {
    if (await act(button, () => api('POST', inst(id, `/webhooks/deliveries/${d.id}/retry`)), `Retry delivery ${d.id}`)) {
      showNotice(`Delivery ${d.id} queued again.`);
      loadDeliveries();
    }
  }

  loadSettings();
  const el = h(
    'div',
    null,
    h(
      'div',
      { class: 'grid' },
      h('div', { class: 'card' }, h('h2', { id: 'panel-title', tabindex: '-1' }, 'Settings'), errorBox, form),
      h(
        'div',
        { class: 'card' },
        h('h2', null, 'Signing secret'),
        h('p', { class: 'muted' }, 'Deliveries are signed (Standard Webhooks: webhook-id, webhook-timestamp, webhook-signature) with this secret.'),
        field('Secret', secret),
        h('div', { class: 'actions' }, copy, rotate),
      ),
    ),
    h(
      'div',
      { class: 'card' },
      h('h2', null, 'Recent webhook deliveries'),
      h('form', { class: 'inline-form', 'aria-label': 'Filter deliveries', onsubmit: (e) => e.preventDefault() }, field('Status', statusSelect)),
      deliveriesError,
      deliveriesBox,
    ),
  );
  const poller = poll(loadDeliveries, 10000);
  return { el, stop: () => poller.stop() };
}
