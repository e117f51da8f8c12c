// Send: a text, or an image or document given by upload (media/upload, then its url) or by URL;
// below it the ten most recent messages with their status.
import { api, inst, query, upload } from '../api.js';
import { act, field, fill, h, poll, showNotice } from '../dom.js';
import { messageTable } from './messages.js';

export function sendTab(ctx) {
  const { id } = ctx;
  const notOpen = h('p', { class: 'warning', hidden: true });
  const to = h('input', { type: 'tel', name: 'to', autocomplete: 'off', placeholder: '905321234567', required: true });
  const kinds = [
    ['text', 'Text'],
    ['image', 'Image'],
    ['document', 'Document'],
  ];
  const kindRadios = kinds.map(([value, label], i) => {
    const input = h('input', { type: 'radio', name: 'kind', value, id: `kind-${value}`, checked: i === 0 });
    return h('span', { class: 'radio' }, input, h('label', { for: `kind-${value}` }, label));
  });
  const kindSet = h('fieldset', { class: 'radios' }, h('legend', null, 'What to send'), kindRadios);
  const body = h('textarea', { name: 'body', rows: '4' });
  const bodyLabel = h('label', { for: 'send-body' }, 'Message');
  body.id = 'send-body';
  const file = h('input', { type: 'file', name: 'file' });
  const url = h('input', { type: 'url', name: 'url', autocomplete: 'off', placeholder: 'https://example.com/photo.jpg' });
  const filename = h('input', { name: 'filename', autocomplete: 'off', placeholder: 'the uploaded file’s name' });
  const mediaFields = h(
    'div',
    { class: 'row', hidden: true },
    field('File to upload', file, 'Uploaded to the media library first, then sent.'),
    field('…or a URL', url),
  );
  const filenameField = field('File name shown (optional)', filename);
  filenameField.hidden = true;

  const form = h(
    'form',
    { 'aria-labelledby': 'panel-title' },
    notOpen,
    field('To (phone with country code, or chat id)', to),
    kindSet,
    h('div', { class: 'field' }, bodyLabel, body),
    mediaFields,
    filenameField,
    h('button', { type: 'submit', class: 'primary' }, 'Send'),
  );

  const kind = () => form.querySelector('input[name=kind]:checked').value;
  function showKind() {
    const k = kind();
    mediaFields.hidden = k === 'text';
    filenameField.hidden = k !== 'document';
    bodyLabel.textContent = k === 'text' ? 'Message' : 'Caption (optional)';
    body.required = k === 'text';
    file.accept = k === 'image' ? 'image/*' : '';
  }
  kindSet.addEventListener('change', showKind);

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const k = kind();
    const res = await act(
      form,
      async () => {
        if (k === 'text') return api('POST', inst(id, '/messages/chat'), { to: to.value.trim(), body: body.value });
        let media = url.value.trim();
        let name = filename.value.trim();
        if (file.files && file.files[0]) {
          const uploaded = await upload(id, file.files[0]);
          media = uploaded.url;
          if (!name) name = uploaded.originalname;
        }
        if (!media) throw new Error(`Choose a file to upload or give a URL for the ${k}.`);
        const payload = { to: to.value.trim(), [k]: media };
        if (body.value) payload.caption = body.value;
        if (k === 'document' && name) payload.filename = name;
        return api('POST', inst(id, `/messages/${k}`), payload);
      },
      'Send',
    );
    if (res) {
      showNotice(`Sent${res.id ? ` (id ${res.id})` : ''}.`);
      body.value = '';
      file.value = '';
      poller.now();
    }
  });

  const recentBox = h('div', { id: 'recent-messages' }, h('p', { class: 'muted' }, 'Loading…'));
  const recentError = h('p', { class: 'form-error', role: 'alert' });
  let lastJson = '';
  async function loadRecent() {
    try {
      const data = await api('GET', inst(id, `/messages${query({ limit: 10 })}`));
      recentError.textContent = '';
      const json = JSON.stringify(data.items);
      if (json === lastJson) return;
      lastJson = json;
      fill(recentBox, messageTable(data.items, 'Recent messages'));
    } catch (err) {
      recentError.textContent = err.message;
    }
  }

  const update = () => {
    const status = ctx.status?.status;
    notOpen.hidden = status === 'open' || !status;
    notOpen.textContent = `This instance is ${status}: it must be open (linked) to send.`;
  };
  const unsubscribe = ctx.onChange(update);
  update();

  const el = h(
    'div',
    null,
    h('div', { class: 'card' }, h('h2', { id: 'panel-title', tabindex: '-1' }, 'Send a message'), form),
    h(
      'div',
      { class: 'card' },
      h('div', { class: 'card-head' }, h('h2', null, 'Recent messages'), h('a', { href: `#/instance/${encodeURIComponent(id)}/messages` }, 'All messages')),
      recentError,
      recentBox,
    ),
  );
  const poller = poll(loadRecent, 5000);
  return {
    el,
    stop() {
      poller.stop();
      unsubscribe();
    },
  };
}
