// Groups: the groups the account is in; create one; a group's members with their roles (promote,
// demote, remove, add), its settings, and its invite link (shown, copied, reset).
import { api, ApiError, inst, query } from '../api.js';
import { act, field, fill, h, showNotice, table, when } from '../dom.js';

const ROLES = { superadmin: 'owner', admin: 'admin' };

/** Phone numbers or ids written one per line, or separated by commas or spaces. */
const people = (text) => text.split(/[\s,;]+/).map((p) => p.trim()).filter(Boolean);

export function groupsTab(ctx) {
  const { id } = ctx;
  const listBox = h('div', null, h('p', { class: 'muted' }, 'Loading…'));
  const detailBox = h('div', { id: 'group-detail', 'aria-live': 'polite' });
  let selected = null;

  async function load() {
    try {
      const groups = await api('GET', inst(id, '/groups'));
      const rows = groups.map((g) => [
        g.name,
        String(g.participants),
        h('span', { class: 'nowrap' }, when(g.creation)),
        h('button', { type: 'button', onclick: () => open(g.id) }, 'Open', h('span', { class: 'visually-hidden' }, ` group ${g.name}`)),
      ]);
      fill(listBox, h('div', { id: 'group-list' }, table('Groups', ['Name', 'Members', 'Created', 'Actions'], rows, 'The account is in no group yet.')));
    } catch (err) {
      const closed = err instanceof ApiError && err.status === 409;
      fill(listBox, h('p', { class: closed ? 'muted' : 'form-error' }, closed ? 'Connect the instance to see its groups.' : err.message));
    }
  }

  // ---- create ----
  const name = h('input', { name: 'name', autocomplete: 'off', required: true, maxlength: '100' });
  const members = h('textarea', { name: 'participants', rows: '2', required: true, placeholder: '905321234567, 905321234568' });
  const createForm = h(
    'form',
    { 'aria-label': 'Create a group' },
    h('h3', null, 'Create a group'),
    h('div', { class: 'row' }, field('Group name', name), field('Members', members, 'Phone numbers with the country code, separated by commas or lines.')),
    h('button', { type: 'submit', class: 'primary' }, 'Create group'),
  );
  createForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    const group = await act(createForm, () => api('POST', inst(id, '/groups'), { name: name.value.trim(), participants: people(members.value) }), 'Create group');
    if (!group) return;
    showNotice(`Group ${group.name} created.`);
    createForm.reset();
    await load();
    show(group);
  });

  // ---- one group ----
  async function open(groupId) {
    const group = await act(null, () => api('GET', inst(id, `/groups/group${query({ groupId })}`)), 'Open group');
    if (group) show(group);
  }

  function show(group) {
    selected = group;
    const me = ctx.account?.id;
    const iAmAdmin = group.participants.some((p) => p.id === me && p.admin);
    const memberRows = group.participants.map((p) => [
      h('code', null, p.id),
      ROLES[p.admin] ?? 'member',
      iAmAdmin && p.id !== me && p.admin !== 'superadmin'
        ? h(
            'div',
            { class: 'actions' },
            p.admin
              ? h('button', { type: 'button', onclick: (e) => changeMembers(e.currentTarget, 'demote', p.id) }, 'Demote', h('span', { class: 'visually-hidden' }, ` ${p.id}`))
              : h('button', { type: 'button', onclick: (e) => changeMembers(e.currentTarget, 'promote', p.id) }, 'Make admin', h('span', { class: 'visually-hidden' }, ` ${p.id}`)),
            h('button', { type: 'button', class: 'danger', onclick: (e) => changeMembers(e.currentTarget, 'remove', p.id) }, 'Remove', h('span', { class: 'visually-hidden' }, ` ${p.id}`)),
          )
        : '',
    ]);
    const addInput = h('input', { name: 'add', autocomplete: 'off', placeholder: '905321234569' });
    const addForm = h('form', { class: 'inline-form', 'aria-label': 'Add members' }, field('Add members', addInput), h('button', { type: 'submit' }, 'Add'));
    addForm.addEventListener('submit', async (e) => {
      e.preventDefault();
      if (await changeMembers(addForm, 'add', ...people(addInput.value))) addInput.value = '';
    });
    const inviteBox = h('div', { class: 'inline-form' });
    const showInvite = h('button', { type: 'button', onclick: () => invite(inviteBox, 'GET') }, 'Show invite link');
    fill(
      detailBox,
      h(
        'div',
        { class: 'card' },
        h('h3', null, group.name),
        h(
          'dl',
          { class: 'facts' },
          h('dt', null, 'Id'),
          h('dd', null, h('code', null, group.id)),
          h('dt', null, 'Description'),
          h('dd', null, group.description || '—'),
          h('dt', null, 'Only admins send messages'),
          h('dd', null, group.announce === null ? '—' : group.announce ? 'yes' : 'no'),
          h('dt', null, 'Only admins edit the info'),
          h('dd', null, group.locked === null ? '—' : group.locked ? 'yes' : 'no'),
        ),
        h('h4', null, 'Members'),
        h('div', { id: 'group-members' }, table(`Members of ${group.name}`, ['Member', 'Role', 'Actions'], memberRows)),
        iAmAdmin ? addForm : h('p', { class: 'muted' }, 'Only admins manage the members and the invite link.'),
        iAmAdmin ? h('div', { class: 'actions' }, showInvite) : null,
        inviteBox,
        h('div', { class: 'actions' }, h('button', { type: 'button', class: 'danger', onclick: (e) => leave(e.currentTarget) }, 'Leave group')),
      ),
    );
  }

  async function changeMembers(control, action, ...participants) {
    if (!selected || participants.length === 0) return false;
    const res = await act(control, () => api('POST', inst(id, `/groups/participants/${action}`), { groupId: selected.id, participants }), `Members: ${action}`);
    if (!res) return false;
    const failed = res.participants.filter((r) => r.status !== 'success');
    if (failed.length) showNotice(failed.map((r) => `${r.participant}: ${r.message}`).join('; '));
    else showNotice('Done.');
    await open(selected.id);
    load();
    return true;
  }

  async function invite(box, method) {
    const res = await act(null, () => (method === 'GET' ? api('GET', inst(id, `/groups/invite${query({ groupId: selected.id })}`)) : api('POST', inst(id, '/groups/invite/revoke'), { groupId: selected.id })), 'Invite link');
    if (!res) return;
    const link = h('input', { type: 'text', readOnly: true, value: res.link, class: 'mono', 'aria-label': 'Invite link' });
    const copy = h('button', { type: 'button', onclick: async () => {
      try {
        await navigator.clipboard.writeText(res.link);
        showNotice('Invite link copied.');
      } catch {
        link.select();
      }
    } }, 'Copy link');
    const reset = h('button', { type: 'button', class: 'danger', onclick: () => confirm('Reset the invite link? The old one stops working.') && invite(box, 'POST') }, 'Reset link');
    fill(box, link, copy, reset);
    if (method === 'POST') showNotice('A new invite link was made.');
  }

  async function leave(button) {
    if (!selected || !confirm(`Leave the group "${selected.name}"?`)) return;
    if (await act(button, () => api('POST', inst(id, '/groups/leave'), { groupId: selected.id }), 'Leave group')) {
      showNotice(`Left ${selected.name}.`);
      selected = null;
      fill(detailBox);
      load();
    }
  }

  const unsubscribe = ctx.onChange(() => {
    if (ctx.status?.status === 'open' && !listBox.querySelector('#group-list')) load();
  });
  load();
  const el = h(
    'div',
    null,
    h(
      'div',
      { class: 'card' },
      h('div', { class: 'card-head' }, h('h2', { id: 'panel-title', tabindex: '-1' }, 'Groups'), h('button', { type: 'button', onclick: load }, 'Refresh')),
      listBox,
      createForm,
    ),
    detailBox,
  );
  return { el, stop: unsubscribe };
}
