// #/campaigns and #/campaigns/{id} — campaigns with their progress (refreshed every 3 s while one
// is queued or running), the form that starts one, and one campaign's recipients with their status.
import { api, query } from './api.js';
import { campaignForm } from './campaign-form.js';
import { act, fill, h, pager, poll, showNotice, statusBadge, table, when } from './dom.js';

const active = (c) => c.status === 'queued' || c.status === 'running';

function progress(c) {
  const done = c.sent + c.failed + c.cancelled;
  return h(
    'div',
    { class: 'progress' },
    h('progress', { max: String(c.total), value: String(done), 'aria-label': `${c.name}: ${done} of ${c.total} done` }),
    h('small', null, `${c.sent} sent · ${c.failed} failed · ${c.pending} pending${c.cancelled ? ` · ${c.cancelled} cancelled` : ''}`),
  );
}

export function campaignsView(root, route) {
  let page = 1;
  let openId = route.id;
  let anyActive = false;
  let lastJson = '';
  const listBox = h('div', { id: 'campaign-list' }, h('p', { class: 'muted' }, 'Loading…'));
  const detailBox = h('div', { id: 'campaign-detail', 'aria-live': 'polite' });

  /** Cancels a queued or running campaign, or deletes a finished one (the API's one DELETE). */
  async function end(button, c) {
    const running = active(c);
    const question = running ? `Cancel the campaign "${c.name}"? Recipients not sent yet will not be sent.` : `Delete the campaign "${c.name}" and its recipients' statuses?`;
    if (!confirm(question)) return;
    const res = await act(button, () => api('DELETE', `api/campaigns/${encodeURIComponent(c.id)}`), running ? 'Cancel campaign' : 'Delete campaign');
    if (!res) return;
    showNotice(res.action === 'cancelled' ? `Campaign "${c.name}" cancelled.` : `Campaign "${c.name}" deleted.`);
    if (res.action === 'deleted' && String(openId) === String(c.id)) location.hash = '#/campaigns';
    poller.now();
  }

  const endButton = (c) =>
    h('button', { type: 'button', class: 'danger', onclick: (e) => end(e.currentTarget, c) }, active(c) ? 'Cancel' : 'Delete', h('span', { class: 'visually-hidden' }, ` campaign ${c.name}`));

  async function showDetail() {
    if (!openId) return fill(detailBox);
    let c;
    try {
      ({ campaign: c } = await api('GET', `api/campaigns/${encodeURIComponent(openId)}`));
    } catch (err) {
      return fill(detailBox, h('p', { class: 'form-error', role: 'alert' }, `Could not load campaign ${openId}: ${err.message}`));
    }
    const rows = c.recipients.map((r) => [
      r.phone,
      r.name ?? '—',
      r.vars ? Object.entries(r.vars).map(([k, v]) => `${k}=${v}`).join(', ') : '—',
      h('span', { class: 'status-cell' }, statusBadge(r.status), r.error ? h('small', { class: 'muted' }, ` ${r.error}`) : null),
      r.messageId ? h('code', null, r.messageId) : '—',
    ]);
    fill(
      detailBox,
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'campaign-title' },
        h('div', { class: 'card-head' }, h('h2', { id: 'campaign-title', tabindex: '-1' }, c.name), h('div', { class: 'actions' }, statusBadge(c.status), endButton(c), h('a', { class: 'button', href: '#/campaigns' }, 'Close'))),
        h('p', { class: 'muted' }, `Instance ${c.instanceId} · ${c.delayMs} ms between messages · created ${when(c.createdAt)}${c.finishedAt ? ` · finished ${when(c.finishedAt)}` : ''}`),
        progress(c),
        h('p', { class: 'message-body' }, c.body ?? c.mediaUrl ?? ''),
        table(`Recipients of ${c.name}`, ['Number', 'Name', 'Variables', 'Status', 'Message id'], rows),
      ),
    );
  }

  async function load() {
    const data = await api('GET', `api/campaigns${query({ limit: 20, page })}`);
    anyActive = data.campaigns.some(active);
    const json = JSON.stringify(data);
    const changed = json !== lastJson;
    if (changed) {
      lastJson = json;
      const rows = data.campaigns.map((c) => [
        h('a', { href: `#/campaigns/${encodeURIComponent(c.id)}` }, c.name),
        c.instanceId,
        statusBadge(c.status),
        progress(c),
        h('span', { class: 'nowrap' }, when(c.createdAt)),
        h('div', { class: 'actions' }, h('a', { class: 'button', href: `#/campaigns/${encodeURIComponent(c.id)}` }, 'Open', h('span', { class: 'visually-hidden' }, ` ${c.name}`)), endButton(c)),
      ]);
      fill(
        listBox,
        table('Campaigns', ['Name', 'Instance', 'Status', 'Progress', 'Created', 'Actions'], rows, 'No campaigns yet: start one above.'),
        data.total > data.limit ? pager({ page: data.page, limit: data.limit, total: data.total }, (p) => ((page = p), poller.now())) : null,
      );
    }
    if (openId && (anyActive || changed || !detailBox.firstChild)) await showDetail();
  }

  const form = campaignForm((c) => {
    location.hash = `#/campaigns/${encodeURIComponent(c.id)}`;
  });
  fill(
    root,
    h('h1', { tabindex: '-1' }, 'Campaigns'),
    h('p', { class: 'lead' }, 'One message to many people, each with their own values, sent in the background a delay apart. A restart of the server resumes a campaign and never sends anyone twice.'),
    detailBox,
    form.el,
    h('section', { class: 'card', 'aria-labelledby': 'campaigns-title' }, h('h2', { id: 'campaigns-title' }, 'All campaigns'), listBox),
  );
  document.title = 'Campaigns — Hatline';
  const poller = poll(load, () => (anyActive ? 3000 : 10000));
  return {
    update(next) {
      if (next.name !== 'campaigns') return false;
      openId = next.id;
      lastJson = '';
      fill(detailBox);
      Promise.resolve(poller.now()).then(() => openId && detailBox.querySelector('h2')?.focus());
      return true;
    },
    stop: () => poller.stop(),
  };
}
