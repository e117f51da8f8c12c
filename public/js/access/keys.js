// API keys: create (the key is shown once, with a copy button), list (prefix, scope, permissions,
// times), revoke. Only the admin token manages keys; a key signed in sees why not.
import { api } from '../api.js';
import { act, checkbox, field, fill, h, showNotice, statusBadge, table, when } from '../dom.js';
import { instancePicker, refusedText, showSecretOnce } from './shared.js';

const PERMISSIONS = [
  ['read', 'read: GETs'],
  ['send', 'send: messages and chat actions'],
  ['manage', 'manage: lifecycle, settings, webhooks, chatbot, jobs'],
];

export function keysSection(onChange) {
  const secretBox = h('div');
  const listBox = h('div', { id: 'key-list' }, h('p', { class: 'empty' }, 'Loading…'));
  const name = h('input', { name: 'name', required: true, maxlength: '100', autocomplete: 'off', placeholder: 'e.g. CRM integration' });
  const scope = h('select', { name: 'scope' }, h('option', { value: 'global' }, 'Global: every instance'), h('option', { value: 'instance' }, 'Only some instances'));
  const instances = instancePicker('Instances the key reaches', 'key-instances');
  instances.hidden = true;
  scope.addEventListener('change', () => (instances.hidden = scope.value !== 'instance'));
  const permissionBoxes = PERMISSIONS.map(([value]) => h('input', { type: 'checkbox', name: 'permissions', value, checked: value !== 'manage' }));
  const hourly = h('input', { type: 'number', name: 'hourlyLimit', min: '1', max: '1000000', step: '1', placeholder: 'none' });
  const expires = h('input', { type: 'datetime-local', name: 'expiresAt' });

  const form = h(
    'form',
    { 'aria-labelledby': 'new-key-title' },
    h('h3', { id: 'new-key-title' }, 'New API key'),
    h('div', { class: 'row' }, field('Name', name), field('Scope', scope)),
    instances,
    h('fieldset', null, h('legend', null, 'Permissions'), permissionBoxes.map((box, i) => checkbox(PERMISSIONS[i][1], box))),
    h('div', { class: 'row' }, field('Requests per hour (optional)', hourly, 'Beyond it: 429 with Retry-After.'), field('Expires (optional)', expires, 'Your local time.')),
    h('button', { type: 'submit', class: 'primary' }, 'Create key'),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = { name: name.value.trim(), scope: scope.value, permissions: permissionBoxes.filter((b) => b.checked).map((b) => b.value) };
    if (scope.value === 'instance') body.instanceIds = instances.selected();
    if (hourly.value) body.hourlyLimit = Number(hourly.value);
    if (expires.value) body.expiresAt = new Date(expires.value).toISOString();
    const res = await act(form, () => api('POST', 'api/keys', body), 'Create key');
    if (!res) return;
    form.reset();
    instances.clear();
    instances.hidden = true;
    showSecretOnce(secretBox, `API key "${res.key.name}" created`, [['API key', res.plain]]);
    load();
    onChange();
  });

  async function load() {
    try {
      const { keys } = await api('GET', 'api/keys');
      const rows = keys.map((k) => [
        k.name,
        h('code', null, `${k.prefix}…`),
        k.scope === 'global' ? 'global' : k.instanceIds.join(', ') || '—',
        k.permissions.join(', '),
        k.hourlyLimit === null ? '—' : `${k.hourlyLimit}/h`,
        when(k.createdAt),
        when(k.lastUsedAt),
        when(k.expiresAt),
        statusBadge(k.status),
        k.status === 'revoked'
          ? '—'
          : h('button', { type: 'button', class: 'danger', onclick: (e) => revoke(e.currentTarget, k) }, 'Revoke', h('span', { class: 'visually-hidden' }, ` key ${k.name}`)),
      ]);
      fill(listBox, table('API keys', ['Name', 'Key', 'Scope', 'Permissions', 'Limit', 'Created', 'Last used', 'Expires', 'Status', 'Actions'], rows, 'No API keys yet.'));
      form.hidden = false;
    } catch (err) {
      fill(listBox, h('p', { class: 'muted' }, refusedText(err, 'API keys')));
      form.hidden = err.status === 403;
    }
  }

  async function revoke(button, k) {
    if (!confirm(`Revoke the key "${k.name}" (${k.prefix}…)? Requests with it answer 401 from now on.`)) return;
    if (await act(button, () => api('DELETE', `api/keys/${encodeURIComponent(k.id)}`), `Revoke ${k.name}`)) {
      showNotice(`Key "${k.name}" revoked.`);
      load();
      onChange();
    }
  }

  load();
  const el = h('section', { class: 'card', 'aria-labelledby': 'keys-title' }, h('h2', { id: 'keys-title' }, 'API keys'),
    h('p', { class: 'muted' }, 'Give an integration or a customer a key that reaches only some instances and does only what its permissions allow. Another instance answers 404 to it.'),
    secretBox, listBox, form);
  return { el, load };
}
