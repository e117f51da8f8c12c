// #/ — every instance with its live status (polled every 3 s while the page is visible), and the
// form that creates one.
import { api, inst } from './api.js';
import { act, announce, field, fill, h, poll, showNotice, statusBadge, table, when } from './dom.js';

export function instancesView(root) {
  const listBox = h('div', { id: 'instance-list' }, h('p', { class: 'empty' }, 'Loading…'));
  let lastJson = '';
  let lastStatuses = {};

  async function load() {
    const data = await api('GET', 'api/instance');
    const json = JSON.stringify(data);
    if (json === lastJson) return;
    lastJson = json;
    for (const id of data.instances) {
      const status = data.statuses[id]?.accountStatus?.status;
      if (lastStatuses[id] && lastStatuses[id] !== status) announce(`Instance ${id} is now ${status}`);
    }
    lastStatuses = Object.fromEntries(data.instances.map((id) => [id, data.statuses[id]?.accountStatus?.status]));
    renderList(data);
  }

  function renderList(data) {
    // Keep keyboard focus on the same control across a refresh of the table.
    const focusKey = document.activeElement?.dataset?.key;
    const rows = data.instances.map((id) => {
      const status = data.statuses[id]?.accountStatus ?? { status: 'disconnected' };
      const d = data.details?.[id] ?? {};
      const account = d.account ? `${d.account.name || ''} ${d.account.phone ? `+${d.account.phone}` : ''}`.trim() : '—';
      const actions = h(
        'div',
        { class: 'actions' },
        h('a', { class: 'button', href: `#/instance/${encodeURIComponent(id)}`, dataset: { key: `open:${id}` } }, 'Open'),
        status.status === 'disconnected'
          ? h('button', { type: 'button', dataset: { key: `connect:${id}` }, onclick: (e) => connect(e.currentTarget, id) }, 'Connect')
          : null,
        h('button', { type: 'button', class: 'danger', dataset: { key: `delete:${id}` }, onclick: (e) => remove(e.currentTarget, id) }, 'Delete'),
      );
      return [
        h('a', { href: `#/instance/${encodeURIComponent(id)}`, class: 'instance-link' }, id),
        d.description || '—',
        d.engine || '—',
        h('span', { class: 'status-cell' }, statusBadge(status.status), status.error ? h('small', { class: 'muted' }, ` ${status.error}`) : null),
        account,
        when(d.createdAt),
        actions,
      ];
    });
    fill(
      listBox,
      table('Instances', ['Instance', 'Description', 'Engine', 'Status', 'Account', 'Created', 'Actions'], rows, 'No instances yet: create one above.'),
    );
    if (focusKey) listBox.querySelector(`[data-key="${CSS.escape(focusKey)}"]`)?.focus();
  }

  async function connect(button, id) {
    const res = await act(button, () => api('POST', inst(id, '/connect')), `Connect ${id}`);
    if (res) {
      showNotice(`${id} is connecting: open it to scan the QR code.`);
      poller.now();
    }
  }

  async function remove(button, id) {
    if (!confirm(`Delete instance "${id}" with its messages, media and session? This cannot be undone.`)) return;
    const res = await act(button, () => api('DELETE', inst(id)), `Delete ${id}`);
    if (res) {
      showNotice(`Instance ${id} deleted.`);
      poller.now();
    }
  }

  const idInput = h('input', { name: 'id', pattern: '[A-Za-z0-9_\\-]{1,64}', maxlength: '64', autocomplete: 'off', placeholder: 'e.g. sales' });
  const descInput = h('input', { name: 'description', maxlength: '500', autocomplete: 'off' });
  // The engines come from the server's registry (GET /api/engines), never a copy kept here.
  const engineSelect = h('select', { name: 'engine' }, h('option', { value: '' }, 'Server default'));
  api('GET', 'api/engines').then(
    (engines) => {
      for (const e of engines) engineSelect.append(h('option', { value: e.name }, `${e.name} — ${e.label}`));
    },
    () => undefined,
  );
  const form = h(
    'form',
    { class: 'card', 'aria-labelledby': 'new-instance-title' },
    h('h2', { id: 'new-instance-title' }, 'New instance'),
    h(
      'div',
      { class: 'row' },
      field('Id (optional)', idInput, 'Letters, digits, "_" or "-". Left empty, one is made up.'),
      field('Description (optional)', descInput),
      field('Engine', engineSelect),
    ),
    h('button', { type: 'submit', class: 'primary' }, 'Create instance'),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = {};
    if (idInput.value.trim()) body.id = idInput.value.trim();
    if (descInput.value.trim()) body.description = descInput.value.trim();
    if (engineSelect.value) body.engine = engineSelect.value;
    const res = await act(form, () => api('POST', 'api/instance', body), 'Create instance');
    if (res) {
      showNotice(`Instance ${res.instanceId} created.`);
      form.reset();
      location.hash = `#/instance/${encodeURIComponent(res.instanceId)}`;
    }
  });

  fill(
    root,
    h('h1', { tabindex: '-1' }, 'Instances'),
    h('p', { class: 'lead' }, 'Each instance is one WhatsApp account. Create one, connect it, and scan its QR code with the phone.'),
    form,
    h('section', { class: 'card', 'aria-labelledby': 'list-title' }, h('h2', { id: 'list-title' }, 'Your instances'), listBox),
  );

  document.title = 'Instances — Hatline';
  const poller = poll(load, 3000);
  return { stop: () => poller.stop() };
}
