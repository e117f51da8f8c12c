// Embed tokens: a customer's time-limited access to the chats of some instances. Create (the
// token and its embed URL are shown once), list, revoke.
import { api } from '../api.js';
import { act, field, fill, h, showNotice, statusBadge, table, when } from '../dom.js';
import { instancePicker, refusedText, showSecretOnce } from './shared.js';

const LIFETIMES = [
  [30, '30 minutes'],
  [240, '4 hours'],
  [1440, '1 day'],
  [10080, '7 days'],
  [43200, '30 days'],
];

export function embedTokensSection(onChange) {
  const secretBox = h('div');
  const listBox = h('div', { id: 'embed-token-list' }, h('p', { class: 'empty' }, 'Loading…'));
  const label = h('input', { name: 'customerLabel', required: true, maxlength: '100', autocomplete: 'off', placeholder: 'e.g. Acme Ltd.' });
  const instances = instancePicker('Instances whose chats it reaches', 'embed-instances');
  const ttl = h('select', { name: 'ttlMinutes' }, LIFETIMES.map(([m, text]) => h('option', { value: String(m), selected: m === 1440 }, text)));
  const permissions = h('select', { name: 'permissions' }, h('option', { value: 'read' }, 'Read the chats'), h('option', { value: 'read_write' }, 'Read, send and mark read'));

  const form = h(
    'form',
    { 'aria-labelledby': 'new-embed-title' },
    h('h3', { id: 'new-embed-title' }, 'New embed token'),
    h('div', { class: 'row' }, field('Customer', label), field('Valid for', ttl), field('Access', permissions)),
    instances,
    h('button', { type: 'submit', class: 'primary' }, 'Create embed token'),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = { customerLabel: label.value.trim(), instanceIds: instances.selected(), ttlMinutes: Number(ttl.value), permissions: permissions.value };
    const res = await act(form, () => api('POST', 'api/embed-tokens', body), 'Create embed token');
    if (!res) return;
    form.reset();
    instances.clear();
    showSecretOnce(secretBox, `Embed token for "${res.customerLabel}" created (valid until ${when(res.expiresAt)})`, [
      ['Embed URL', res.embedUrl],
      ['Embed token', res.token],
    ]);
    load();
    onChange();
  });

  async function load() {
    try {
      const { tokens } = await api('GET', 'api/embed-tokens');
      const rows = tokens.map((t) => [
        t.customerLabel,
        h('code', null, `${t.prefix}…`),
        t.instanceIds.join(', ') || '—',
        t.permissions === 'read_write' ? 'read, send' : 'read',
        when(t.createdAt),
        when(t.expiresAt),
        statusBadge(t.status),
        t.status !== 'active'
          ? '—'
          : h('button', { type: 'button', class: 'danger', onclick: (e) => revoke(e.currentTarget, t) }, 'Revoke', h('span', { class: 'visually-hidden' }, ` token of ${t.customerLabel}`)),
      ]);
      fill(listBox, table('Embed tokens', ['Customer', 'Token', 'Instances', 'Access', 'Created', 'Expires', 'Status', 'Actions'], rows, 'No embed tokens yet.'));
      form.hidden = false;
    } catch (err) {
      fill(listBox, h('p', { class: 'muted' }, refusedText(err, 'Embed tokens')));
      form.hidden = err.status === 403;
    }
  }

  async function revoke(button, t) {
    if (!confirm(`Revoke the embed token of "${t.customerLabel}"? Its embed page stops working at once.`)) return;
    if (await act(button, () => api('DELETE', `api/embed-tokens/${encodeURIComponent(t.tokenId)}`), `Revoke ${t.customerLabel}`)) {
      showNotice(`Embed token of "${t.customerLabel}" revoked.`);
      load();
      onChange();
    }
  }

  load();
  const el = h('section', { class: 'card', 'aria-labelledby': 'embed-title' }, h('h2', { id: 'embed-title' }, 'Embed tokens'),
    h('p', { class: 'muted' }, 'An embed token lets a customer read (and, if you allow it, answer) the chats of their own instances for a limited time, through the embed page at its URL.'),
    secretBox, listBox, form);
  return { el, load };
}
