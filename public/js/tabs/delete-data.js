// Deleting an instance's data but keeping the instance (DELETE .../instance/{id} with scope "data"):
// the parts to remove, and the summary of what went.
import { api, inst } from '../api.js';
import { act, checkbox, fill, h, showNotice } from '../dom.js';

const PARTS = [
  ['messages', 'Messages'],
  ['chats', 'Chats'],
  ['contacts', 'Contacts'],
  ['media', 'Media files'],
  ['integrations', 'Webhook and chatbot rules'],
  ['labels', 'Labels (kept by WhatsApp: nothing to remove here)'],
];

function describe(summary) {
  const out = [];
  if (summary.messages !== undefined) out.push(`${summary.messages} messages`);
  if (summary.chats !== undefined) out.push(`${summary.chats} chats`);
  if (summary.contacts !== undefined) out.push(`${summary.contacts} contacts`);
  if (summary.media) out.push(`${summary.media.files} media files`);
  if (summary.integrations) out.push(`${summary.integrations.webhook ? 'the webhook' : 'no webhook'} and ${summary.integrations.chatbotRules} chatbot rules`);
  return out.length ? `Removed ${out.join(', ')}.` : 'Nothing to remove.';
}

export function deleteDataCard(id, done) {
  const boxes = PARTS.map(([name, label]) => [name, h('input', { type: 'checkbox', name, checked: name !== 'labels' }), label]);
  const result = h('p', { class: 'muted', 'aria-live': 'polite', id: 'delete-data-result' });
  const form = h(
    'form',
    null,
    h('fieldset', null, h('legend', null, 'Remove'), boxes.map(([, input, label]) => checkbox(label, input))),
    h('button', { type: 'submit', class: 'danger' }, 'Delete the data'),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const includes = Object.fromEntries(boxes.filter(([, input]) => input.checked).map(([name]) => [name, true]));
    if (Object.keys(includes).length === 0) return fill(result, 'Choose what to remove.');
    if (!confirm(`Delete the chosen data of "${id}"? The instance and its session stay. This cannot be undone.`)) return;
    const res = await act(form, () => api('DELETE', inst(id), { scope: 'data', includes }), 'Delete data');
    if (!res) return;
    fill(result, describe(res.summary));
    showNotice(`Data of ${id} deleted.`);
    done();
  });
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'delete-data-title' },
    h('h2', { id: 'delete-data-title' }, 'Delete data'),
    h('p', { class: 'muted' }, 'Remove what this instance has stored while keeping the instance itself, linked as it is.'),
    form,
    result,
  );
}
