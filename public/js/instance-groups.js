// Instance groups on the instance list: the card that creates, renames, recolours and deletes them,
// the select that files an instance under one, and their colours (always shown with the name).
import { api } from './api.js';
import { act, field, fill, h, showNotice, table } from './dom.js';

/** Seed 000's colours, as swatches. */
export const GROUP_COLORS = {
  grape: '#7b4fa0',
  peach: '#f4a27a',
  wagreen: '#25d366',
  sky: '#4aa8e8',
  rose: '#e0607e',
  cream: '#efe3c2',
};

export function groupLabel(group) {
  return h('span', { class: 'group-label' }, h('span', { class: 'swatch', style: `background:${GROUP_COLORS[group.color] ?? '#999'}`, 'aria-hidden': 'true' }), group.name);
}

const colorSelect = (name, value) => h('select', { name }, Object.keys(GROUP_COLORS).map((c) => h('option', { value: c, selected: c === value }, c)));

/** The select that files instance `id` under a group (or none); `changed` is called after it did. */
export function groupPicker(id, groups, groupId, changed) {
  const select = h(
    'select',
    { 'aria-label': `Group of ${id}`, dataset: { key: `group:${id}` } },
    h('option', { value: '' }, 'No group'),
    groups.map((g) => h('option', { value: String(g.id), selected: g.id === groupId }, g.name)),
  );
  select.addEventListener('change', async () => {
    const res = await act(select, () => api('PATCH', `api/instance/${encodeURIComponent(id)}`, { groupId: select.value ? Number(select.value) : null }), `Group of ${id}`);
    if (res) changed();
  });
  return select;
}

/** The card of groups: create one, rename or recolour one, delete one (its instances stay, ungrouped). */
export function groupsCard(changed) {
  const listBox = h('div', { id: 'group-list' });
  const name = h('input', { name: 'name', required: true, maxlength: '80', autocomplete: 'off' });
  const color = colorSelect('color', 'wagreen');
  const form = h(
    'form',
    { class: 'inline-form', 'aria-label': 'New instance group' },
    field('Group name', name),
    field('Colour', color),
    h('button', { type: 'submit', class: 'primary' }, 'Create group'),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const res = await act(form, () => api('POST', 'api/instance-groups', { name: name.value, color: color.value }), 'Create group');
    if (res) {
      showNotice(`Group "${res.group.name}" created.`);
      form.reset();
      changed();
    }
  });

  async function rename(button, g) {
    const next = prompt(`New name for the group "${g.name}"`, g.name);
    if (!next || next === g.name) return;
    if (await act(button, () => api('PATCH', `api/instance-groups/${g.id}`, { name: next }), 'Rename group')) changed();
  }
  async function recolour(select, g) {
    if (await act(select, () => api('PATCH', `api/instance-groups/${g.id}`, { color: select.value }), 'Group colour')) changed();
  }
  async function remove(button, g) {
    if (!confirm(`Delete the group "${g.name}"? Its instances stay, without a group.`)) return;
    if (await act(button, () => api('DELETE', `api/instance-groups/${g.id}`), 'Delete group')) {
      showNotice(`Group "${g.name}" deleted.`);
      changed();
    }
  }

  const el = h('section', { class: 'card', 'aria-labelledby': 'groups-title' }, h('h2', { id: 'groups-title' }, 'Instance groups'), form, listBox);
  return {
    el,
    show(groups) {
      const rows = groups.map((g) => {
        const pick = colorSelect(`color-${g.id}`, g.color);
        pick.setAttribute('aria-label', `Colour of ${g.name}`);
        pick.addEventListener('change', () => recolour(pick, g));
        return [
          groupLabel(g),
          pick,
          String(g.instanceIds.length),
          h(
            'div',
            { class: 'actions' },
            h('button', { type: 'button', onclick: (e) => rename(e.currentTarget, g) }, 'Rename', h('span', { class: 'visually-hidden' }, ` ${g.name}`)),
            h('button', { type: 'button', class: 'danger', onclick: (e) => remove(e.currentTarget, g) }, 'Delete', h('span', { class: 'visually-hidden' }, ` group ${g.name}`)),
          ),
        ];
      });
      fill(listBox, table('Instance groups', ['Group', 'Colour', 'Instances', 'Actions'], rows, 'No groups yet.'));
    },
  };
}
