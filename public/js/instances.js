// #/ — every instance with its live status (polled every 3 s while the page is visible), grouped
// and filtered by instance group, the form that creates one, and the instance groups.
import { api, inst } from './api.js';
import { act, announce, field, fill, h, poll, showNotice, statusBadge, table, when } from './dom.js';
import { groupLabel, groupPicker, groupsCard } from './instance-groups.js';

export function instancesView(root) {
  const listBox = h('div', { id: 'instance-list' }, h('p', { class: 'empty' }, 'Loading…'));
  let lastJson = '';
  let lastStatuses = {};

  let groups = [];
  const groupFilter = h('select', { name: 'group', id: 'group-filter' }, h('option', { value: 'all' }, 'All groups'));
  groupFilter.addEventListener('change', () => {
    lastJson = '';
    poller.now();
  });
  const groupCard = groupsCard(() => {
    lastJson = '';
    poller.now();
  });

  function showGroups() {
    const chosen = groupFilter.value;
    fill(groupFilter, h('option', { value: 'all' }, 'All groups'), groups.map((g) => h('option', { value: String(g.id) }, g.name)), h('option', { value: 'none' }, 'No group'));
    groupFilter.value = [...groupFilter.options].some((o) => o.value === chosen) ? chosen : 'all';
    groupCard.show(groups);
  }

  async function load() {
    const [data, g] = await Promise.all([api('GET', 'api/instance'), api('GET', 'api/instance-groups')]);
    if (JSON.stringify(g.groups) !== JSON.stringify(groups)) {
      groups = g.groups;
      lastJson = '';
      showGroups();
    }
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
    const groupOf = (id) => data.details?.[id]?.groupId ?? null;
    const row = (id) => {
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
        groupPicker(id, groups, groupOf(id), () => poller.now()),
        when(d.createdAt),
        actions,
      ];
    };
    const columns = ['Instance', 'Description', 'Engine', 'Status', 'Account', 'Group', 'Created', 'Actions'];
    if (data.instances.length === 0) {
      fill(listBox, table('Instances', columns, [], 'No instances yet: create one above.'));
    } else {
      // One table per group (in the groups' order), then the instances in none; the filter keeps one.
      const sections = [...groups.map((g) => [String(g.id), groupLabel(g), data.instances.filter((id) => groupOf(id) === g.id)]), ['none', 'No group', data.instances.filter((id) => groupOf(id) === null)]];
      const shown = sections.filter(([key, , ids]) => ids.length > 0 && (groupFilter.value === 'all' || groupFilter.value === key));
      fill(
        listBox,
        shown.length === 0 ? h('p', { class: 'empty' }, 'No instances in this group.') : null,
        shown.map(([key, title, ids]) =>
          h('section', { class: 'instance-group', dataset: { group: key }, 'aria-label': typeof title === 'string' ? title : title.textContent }, groups.length ? h('h3', null, title, ` (${ids.length})`) : null, table('Instances', columns, ids.map(row))),
        ),
      );
    }
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
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'list-title' },
      h('div', { class: 'card-head' }, h('h2', { id: 'list-title' }, 'Your instances'), field('Show', groupFilter)),
      listBox,
    ),
    groupCard.el,
  );

  document.title = 'Instances — Hatline';
  const poller = poll(load, 3000);
  return { stop: () => poller.stop() };
}
