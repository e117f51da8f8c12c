// #/files — every media file of every message, in and out: by type (with the counts), searched by
// name or caption, per instance; images previewed, audio and video played on demand, any file
// downloaded. Files are fetched with the token (never put in a URL) and shown from blob: URLs.
import { api, ApiError, query, token } from './api.js';
import { act, field, fill, h, showError, when } from './dom.js';
import { instanceOptions } from './templates.js';

const TYPES = [
  ['all', 'All'],
  ['image', 'Images'],
  ['video', 'Videos'],
  ['audio', 'Audio'],
  ['document', 'Documents'],
];
/** Images up to this size are previewed at once; bigger ones, audio and video on request. */
const PREVIEW_MAX = 5 * 1024 * 1024;

function size(bytes) {
  if (bytes === null || bytes === undefined) return '';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function filesView(root) {
  let type = 'all';
  const urls = new Set();
  const typeNav = h('div', { class: 'actions', role: 'group', 'aria-label': 'File type' });
  const q = h('input', { type: 'search', name: 'q', autocomplete: 'off', placeholder: 'File name or caption' });
  const instance = h('select', { name: 'instanceId' }, h('option', { value: '' }, 'Every instance'));
  instanceOptions(instance, [['', 'Every instance']]).catch(() => undefined);
  const grid = h('div', { id: 'file-grid', class: 'file-grid', 'aria-live': 'polite' }, h('p', { class: 'muted' }, 'Loading…'));

  /** The file's bytes as a blob: URL (released when the page is left). */
  async function blobUrl(file, download) {
    const res = await fetch(`api/files/${encodeURIComponent(file.id)}/raw${download ? '?download=1' : ''}`, { headers: { Authorization: `Bearer ${token.get() ?? ''}` } });
    if (!res.ok) {
      let message = res.statusText;
      try {
        message = (await res.json()).error ?? message;
      } catch {
        // not JSON
      }
      throw new ApiError(res.status, `${message} (HTTP ${res.status})`);
    }
    const url = URL.createObjectURL(await res.blob());
    urls.add(url);
    return url;
  }

  async function download(button, file) {
    const url = await act(button, () => blobUrl(file, true), `Download ${file.filename}`);
    if (!url) return;
    const a = h('a', { href: url, download: file.filename, hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
  }

  function preview(file) {
    const box = h('div', { class: 'file-preview' });
    const label = `${file.kind} ${file.filename}`;
    const show = async (button) => {
      const url = button ? await act(button, () => blobUrl(file, false), `Preview ${file.filename}`) : await blobUrl(file, false).catch((err) => showError(err));
      if (!url) return;
      if (file.kind === 'image') fill(box, h('img', { src: url, alt: file.caption || file.filename, loading: 'lazy' }));
      else if (file.kind === 'video') fill(box, h('video', { src: url, controls: true, 'aria-label': label }));
      else fill(box, h('audio', { src: url, controls: true, 'aria-label': label }));
    };
    if (file.kind === 'image' && (file.size ?? 0) <= PREVIEW_MAX) show(null);
    else if (file.kind === 'document') fill(box, h('span', { class: 'file-ext', 'aria-hidden': 'true' }, (file.filename.split('.').pop() || 'file').slice(0, 5).toUpperCase()));
    else fill(box, h('button', { type: 'button', onclick: (e) => show(e.currentTarget) }, file.kind === 'image' ? 'Show' : 'Play', h('span', { class: 'visually-hidden' }, ` ${file.filename}`)));
    return box;
  }

  async function load() {
    for (const url of urls) URL.revokeObjectURL(url);
    urls.clear();
    const data = await api('GET', `api/files${query({ type, q: q.value.trim(), instanceId: instance.value, limit: 100 })}`);
    fill(
      typeNav,
      TYPES.map(([value, label]) =>
        h('button', { type: 'button', class: value === type ? 'primary' : null, 'aria-pressed': String(value === type), onclick: () => ((type = value), load().catch(showError)) }, `${label} (${data.counts[value] ?? 0})`),
      ),
    );
    if (data.items.length === 0) return fill(grid, h('p', { class: 'empty' }, 'No files here.'));
    fill(
      grid,
      data.items.map((f) =>
        h(
          'article',
          { class: 'file-card', 'aria-label': f.filename },
          preview(f),
          h('p', { class: 'file-name' }, f.filename),
          h('p', { class: 'muted small' }, `${f.fromMe ? 'Sent' : 'Received'} · ${f.instanceId} · ${size(f.size)}`),
          h('p', { class: 'muted small' }, when(f.timestamp)),
          f.caption ? h('p', { class: 'message-body small' }, f.caption) : null,
          h('button', { type: 'button', onclick: (e) => download(e.currentTarget, f) }, 'Download', h('span', { class: 'visually-hidden' }, ` ${f.filename}`)),
        ),
      ),
    );
  }
  let timer;
  q.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => load().catch(showError), 250);
  });
  instance.addEventListener('change', () => load().catch(showError));

  fill(
    root,
    h('h1', { tabindex: '-1' }, 'Files'),
    h('p', { class: 'lead' }, 'Every photo, video, voice note and document of every message, sent and received.'),
    h('div', { class: 'card' }, typeNav, h('div', { class: 'inline-form' }, field('Search', q), field('Instance', instance))),
    h('section', { class: 'card', 'aria-label': 'Files' }, grid),
  );
  document.title = 'Files — Hatline';
  load().catch((err) => fill(grid, h('p', { class: 'form-error', role: 'alert' }, `Could not load the files: ${err.message}`)));
  return {
    stop() {
      clearTimeout(timer);
      for (const url of urls) URL.revokeObjectURL(url);
    },
  };
}
