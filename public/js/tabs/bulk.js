// Bulk: start a job (one message to many recipients, a delay apart), follow its progress, cancel it,
// and see each recipient's outcome. The list refreshes every 3 s while a job is queued or running.
import { api, inst, query, upload } from '../api.js';
import { act, field, fill, h, pager, poll, showNotice, statusBadge, table, when } from '../dom.js';

const VAR_PAIR = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)$/;

/** "905321234567, Ahmet, order=A-1" lines -> [{ id, name?, vars? }]: key=value parts are the recipient's variables. */
export function parseRecipients(text) {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [idPart, ...rest] = line.split(/[,;\t]/);
      const vars = {};
      const nameParts = [];
      for (const part of rest) {
        const pair = VAR_PAIR.exec(part);
        if (pair) vars[pair[1]] = pair[2].trim();
        else nameParts.push(part);
      }
      const name = nameParts.join(',').trim();
      return { id: idPart.trim(), ...(name ? { name } : {}), ...(Object.keys(vars).length ? { vars } : {}) };
    });
}

/** The message kind, text and media fields shared by the bulk and scheduled forms. */
export function messageFields(id) {
  const type = h('select', { name: 'messageType' }, ['text', 'image', 'document'].map((t) => h('option', { value: t }, t)));
  const body = h('textarea', { name: 'body', rows: '3' });
  const file = h('input', { type: 'file', name: 'file' });
  const url = h('input', { type: 'url', name: 'mediaUrl', autocomplete: 'off', placeholder: 'https://…' });
  const filename = h('input', { name: 'filename', autocomplete: 'off' });
  const media = h('div', { class: 'row', hidden: true }, field('File to upload', file), field('…or a media URL', url), field('File name (documents)', filename));
  type.addEventListener('change', () => (media.hidden = type.value === 'text'));
  const el = h('div', null, field('Message type', type), field('Text (the caption for media)', body), media);
  return {
    el,
    /** The fields for the API, uploading the chosen file first. */
    async values() {
      const out = { messageType: type.value };
      if (body.value) out.body = body.value;
      if (type.value !== 'text') {
        let mediaUrl = url.value.trim();
        let name = filename.value.trim();
        if (file.files && file.files[0]) {
          const up = await upload(id, file.files[0]);
          mediaUrl = up.url;
          if (!name) name = up.originalname;
        }
        if (mediaUrl) out.mediaUrl = mediaUrl;
        if (name && type.value === 'document') out.filename = name;
      }
      return out;
    },
    reset() {
      media.hidden = true;
    },
  };
}

export function bulkTab(ctx) {
  const { id } = ctx;
  let page = 1;
  let active = false;
  let lastJson = '';
  let openJob = null;
  const listBox = h('div', null, h('p', { class: 'muted' }, 'Loading…'));
  const errorBox = h('p', { class: 'form-error', role: 'alert' });
  const detailBox = h('div', { 'aria-live': 'polite' });

  async function load() {
    try {
      const data = await api('GET', inst(id, `/bulk${query({ limit: 10, page })}`));
      errorBox.textContent = '';
      active = data.items.some((j) => j.status === 'queued' || j.status === 'running');
      const json = JSON.stringify(data);
      const changed = json !== lastJson;
      if (changed) {
        lastJson = json;
        renderJobs(data);
      }
      if (openJob && (active || changed)) await showJob(openJob, false);
    } catch (err) {
      active = false;
      errorBox.textContent = `Could not load the bulk jobs: ${err.message}`;
    }
  }

  function renderJobs(data) {
    const rows = data.items.map((j) => {
      const done = (j.sent ?? 0) + (j.failed ?? 0) + (j.cancelled ?? 0);
      return [
        h('span', { class: 'nowrap' }, when(j.createdAt)),
        statusBadge(j.status),
        j.messageType,
        h('span', { class: 'message-body' }, j.body || j.mediaUrl || '—'),
        h(
          'div',
          { class: 'progress' },
          h('progress', { max: String(j.total || 1), value: String(done), 'aria-label': `Job ${j.id} progress` }),
          h('small', null, `${j.sent} sent, ${j.failed} failed, ${j.pending} pending of ${j.total}`),
        ),
        h(
          'div',
          { class: 'actions' },
          h('button', { type: 'button', onclick: () => showJob(j.id, true) }, 'Recipients'),
          j.status === 'queued' || j.status === 'running'
            ? h('button', { type: 'button', class: 'danger', onclick: (e) => cancel(e.currentTarget, j.id) }, 'Cancel')
            : null,
        ),
      ];
    });
    fill(
      listBox,
      table('Bulk jobs', ['Created', 'Status', 'Type', 'Message', 'Progress', 'Actions'], rows, 'No bulk jobs yet.'),
      data.total > data.limit ? pager(data, (p) => ((page = p), load())) : null,
    );
  }

  async function showJob(jobId, focus) {
    openJob = jobId;
    try {
      const job = await api('GET', inst(id, `/bulk/${encodeURIComponent(jobId)}`));
      const rows = (job.recipients ?? []).map((r) => [
        String(r.position + 1),
        r.name ? `${r.name} (${r.id})` : r.id,
        statusBadge(r.status),
        r.messageId ? h('code', null, r.messageId) : '—',
        r.error || '',
      ]);
      const title = h('h3', { tabindex: '-1' }, `Job ${job.id}: ${job.status}`);
      fill(
        detailBox,
        title,
        table(`Recipients of job ${job.id}`, ['#', 'Recipient', 'Status', 'Message id', 'Error'], rows, 'No recipients.'),
        h('button', { type: 'button', onclick: () => ((openJob = null), fill(detailBox)) }, 'Close'),
      );
      if (focus) title.focus();
    } catch (err) {
      fill(detailBox, h('p', { class: 'form-error' }, err.message));
    }
  }

  async function cancel(button, jobId) {
    if (!confirm('Cancel this job? Recipients not sent yet are skipped.')) return;
    if (await act(button, () => api('POST', inst(id, `/bulk/${encodeURIComponent(jobId)}/cancel`)), 'Cancel job')) {
      showNotice('Job cancelled.');
      load();
    }
  }

  // ---- the new-job form ----
  const recipients = h('textarea', { name: 'recipients', rows: '5', required: true, placeholder: '905321234567, Ahmet\n905551112233' });
  const delay = h('input', { type: 'number', name: 'delay', min: '0', max: '3600', value: '3' });
  const message = messageFields(id);
  const form = h(
    'form',
    { 'aria-label': 'New bulk job' },
    h('h3', null, 'New bulk job'),
    field('Recipients: one a line, "phone" or "phone, name"', recipients, '{name} and {phone} in the text are filled in for each recipient, and any {variable} given after the name as key=value (905321234567, Ali, order=A-1).'),
    message.el,
    field('Delay between messages (seconds)', delay),
    h('button', { type: 'submit', class: 'primary' }, 'Start sending'),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const res = await act(
      form,
      async () => {
        const list = parseRecipients(recipients.value);
        if (list.length === 0) throw new Error('Give at least one recipient.');
        const body = { recipients: list, ...(await message.values()) };
        if (delay.value !== '') body.delay = Number(delay.value);
        return api('POST', inst(id, '/bulk'), body);
      },
      'Start bulk job',
    );
    if (res) {
      showNotice(`Bulk job ${res.jobId} started.`);
      form.reset();
      message.reset();
      page = 1;
      load();
    }
  });

  const el = h(
    'div',
    { class: 'card' },
    h('h2', { id: 'panel-title', tabindex: '-1' }, 'Bulk jobs'),
    errorBox,
    listBox,
    detailBox,
    form,
  );
  const poller = poll(load, () => (active ? 3000 : 15000));
  return { el, stop: () => poller.stop() };
}
