// The composer under a conversation: text (Enter sends, Shift+Enter breaks the line), emoji, one
// attachment (uploaded to the media library, then sent as a picture, video, audio or document with
// the text as its caption), and the message it replies to.
import { api, inst, upload } from '../api.js';
import { h, showError } from '../dom.js';
import { emojiPanel } from './emoji.js';
import { sizeText, summaryWithIcon } from './format.js';
import { icon } from './icons.js';
import { authorOf } from './message-parts.js';

/** Which send a file goes out as, and the field that carries it. */
function sendOf(file) {
  const type = file.type || '';
  if (type.startsWith('image/') && type !== 'image/svg+xml') return ['image', 'image'];
  if (type.startsWith('video/')) return ['video', 'video'];
  if (type.startsWith('audio/')) return ['audio', 'audio'];
  return ['document', 'document'];
}

/**
 * opts: { instanceId, chat: { id, name }, onSent(message) } — onSent gets what was sent, as a
 * message object to show until the stored one is read back.
 */
export function composer(opts) {
  const { instanceId, chat } = opts;
  let replyTarget = null;
  let file = null;

  const text = h('textarea', { rows: '1', class: 'composer-text', 'aria-label': `Message to ${chat.name}`, placeholder: 'Type a message', maxlength: '65536' });
  const fileInput = h('input', { type: 'file', class: 'visually-hidden', id: 'composer-file', tabindex: '-1' });
  const replyBar = h('div', { class: 'composer-reply', hidden: true });
  const fileBar = h('div', { class: 'composer-file', hidden: true });
  const emojiButton = h('button', { type: 'button', class: 'icon-button', 'aria-label': 'Emoji', title: 'Emoji', 'aria-haspopup': 'dialog' }, icon('smile'));
  const attachButton = h('button', { type: 'button', class: 'icon-button', 'aria-label': 'Attach a file', title: 'Attach a file' }, icon('attach'));
  const sendButton = h('button', { type: 'submit', class: 'primary composer-send' }, 'Send');
  const disabledNote = h('p', { class: 'composer-note muted', hidden: true });
  const form = h(
    'form',
    { class: 'composer', 'aria-label': 'Write a message' },
    replyBar,
    fileBar,
    disabledNote,
    h('div', { class: 'composer-row' }, emojiButton, attachButton, fileInput, text, sendButton),
  );

  emojiButton.addEventListener('click', () =>
    emojiPanel(emojiButton, (emoji) => {
      const at = text.selectionStart ?? text.value.length;
      text.setRangeText(emoji, at, text.selectionEnd ?? at, 'end');
      text.focus();
    }),
  );
  attachButton.addEventListener('click', () => fileInput.click());
  fileInput.addEventListener('change', () => {
    file = fileInput.files?.[0] ?? null;
    showFile();
    text.focus();
  });
  text.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      form.requestSubmit();
    }
  });
  text.addEventListener('input', () => {
    text.style.height = 'auto';
    text.style.height = `${Math.min(text.scrollHeight, 160)}px`;
  });

  function showFile() {
    fileBar.hidden = !file;
    if (!file) return fileBar.replaceChildren();
    fileBar.replaceChildren(
      h('span', null, icon('attach'), ' ', h('strong', null, file.name), ` (${sizeText(file.size)}) — the text goes with it as its caption`),
      h('button', { type: 'button', class: 'link', onclick: () => clearFile() }, 'Remove', h('span', { class: 'visually-hidden' }, ' the attachment')),
    );
  }
  function clearFile() {
    file = null;
    fileInput.value = '';
    showFile();
  }

  function replyTo(m) {
    replyTarget = m;
    replyBar.hidden = !m;
    if (!m) return replyBar.replaceChildren();
    replyBar.replaceChildren(
      h('div', { class: 'reply-preview' }, h('span', { class: 'quote-author' }, m.fromMe ? 'You' : authorOf(m)), h('span', { class: 'quote-text' }, summaryWithIcon(m))),
      h('button', { type: 'button', class: 'icon-button', 'aria-label': 'Cancel the reply', title: 'Cancel the reply', onclick: () => replyTo(null) }, icon('close')),
    );
    text.focus();
  }

  async function send() {
    const body = text.value.trim();
    if (!body && !file) return;
    const quoted = replyTarget ? { quotedMessageId: replyTarget.id } : {};
    const now = Math.floor(Date.now() / 1000);
    // Pending until WhatsApp's server confirms it (its message_ack); an ack that came first was stored and wins.
    const base = { chatId: chat.id, fromMe: true, status: 'pending', timestamp: now, from: '', to: chat.id, ...quoted };
    if (file) {
      const up = await upload(instanceId, file);
      const [kind, field] = sendOf(file);
      const captioned = kind !== 'audio' && body;
      const res = await api('POST', inst(instanceId, `/messages/${kind}`), {
        to: chat.id,
        [field]: up.url,
        ...(kind === 'document' ? { filename: file.name } : {}),
        ...(captioned ? { caption: body } : {}),
        ...quoted,
      });
      opts.onSent({ ...base, id: res.id, type: kind, body: captioned ? body : '', ...(captioned ? { caption: body } : {}), media: { url: up.url, mimetype: up.mimetype, filename: file.name, size: up.size } });
      if (kind === 'audio' && body) {
        const more = await api('POST', inst(instanceId, '/messages/chat'), { to: chat.id, body });
        opts.onSent({ ...base, id: more.id, type: 'chat', body });
      }
    } else {
      const res = await api('POST', inst(instanceId, '/messages/chat'), { to: chat.id, body, ...quoted });
      opts.onSent({ ...base, id: res.id, type: 'chat', body });
    }
    form.reset();
    text.style.height = 'auto';
    clearFile();
    replyTo(null);
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    sendButton.disabled = true;
    form.setAttribute('aria-busy', 'true');
    try {
      await send();
    } catch (err) {
      showError(err, 'Send');
    } finally {
      sendButton.disabled = !enabled;
      form.removeAttribute('aria-busy');
      text.focus();
    }
  });

  let enabled = true;
  /** Off while the instance is not connected (a send would be a 409), with the reason shown. */
  function setEnabled(on, reason) {
    enabled = on;
    for (const c of [text, emojiButton, attachButton, sendButton]) c.disabled = !on;
    disabledNote.hidden = on;
    disabledNote.textContent = on ? '' : reason;
  }

  return { el: form, replyTo, setEnabled, focus: () => text.focus() };
}
