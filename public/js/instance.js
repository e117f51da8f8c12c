// #/instance/{id}/{tab} — one instance: a header with its live status, a row of section links,
// and the current section. The status is polled every 3 s while the page is visible; the QR only
// while the instance is connecting and the Overview (where it is shown) is open.
import { api, ApiError, inst } from './api.js';
import { announce, fill, h, poll, statusBadge } from './dom.js';
import { accountTab } from './tabs/account.js';
import { bulkTab } from './tabs/bulk.js';
import { chatbotTab } from './tabs/chatbot.js';
import { groupsTab } from './tabs/groups.js';
import { messagesTab } from './tabs/messages.js';
import { overviewTab } from './tabs/overview.js';
import { scheduledTab } from './tabs/scheduled.js';
import { sendTab } from './tabs/send.js';
import { settingsTab } from './tabs/settings.js';

const TABS = [
  ['overview', 'Overview', overviewTab],
  ['send', 'Send', sendTab],
  ['messages', 'Messages', messagesTab],
  ['groups', 'Groups', groupsTab],
  ['account', 'Account', accountTab],
  ['chatbot', 'Chatbot', chatbotTab],
  ['bulk', 'Bulk', bulkTab],
  ['scheduled', 'Scheduled', scheduledTab],
  ['settings', 'Settings', settingsTab],
];

export function instanceView(root, route) {
  const id = route.id;
  const listeners = new Set();
  const ctx = {
    id,
    tab: route.tab,
    details: null, // { description, engine, createdAt, account }
    status: null, // { status, error?, pairingCode? }
    qrCode: null,
    account: null,
    /** fn(ctx) is called whenever the status, QR or account changes; answers an unsubscribe. */
    onChange(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    /** Asks for the status now (after an action that changes it). */
    refresh: () => poller?.now(),
    /** After a delete: leave the page. */
    gone() {
      location.hash = '#/';
    },
  };

  const badgeBox = h('span', { class: 'head-status' });
  const subline = h('p', { class: 'muted' });
  const tabNav = h('nav', { class: 'tabs', 'aria-label': 'Instance sections' });
  const panel = h('section', { class: 'panel', id: 'panel', 'aria-labelledby': 'panel-title' });
  let current = null;
  let poller = null;

  fill(
    root,
    h('p', { class: 'breadcrumb' }, h('a', { href: '#/' }, '← All instances')),
    h('div', { class: 'instance-head' }, h('h1', { tabindex: '-1' }, id), badgeBox),
    subline,
    tabNav,
    panel,
  );

  function notify() {
    fill(badgeBox, h('span', { class: 'visually-hidden' }, 'Status: '), statusBadge(ctx.status?.status ?? '…'));
    for (const fn of listeners) fn(ctx);
  }

  function showTab(tab) {
    const entry = TABS.find(([key]) => key === tab) ?? TABS[0];
    ctx.tab = entry[0];
    document.title = `${id} · ${entry[1]} — Hatline`;
    fill(
      tabNav,
      TABS.map(([key, label]) =>
        h('a', { href: `#/instance/${encodeURIComponent(id)}/${key}`, 'aria-current': key === ctx.tab ? 'page' : null }, label),
      ),
    );
    current?.stop?.();
    listeners.clear(); // the only listeners are the current tab's
    current = entry[2](ctx);
    fill(panel, current.el);
    if (ctx.status) notify();
    if (ctx.tab === 'overview' && ctx.status?.status === 'connecting') poller?.now();
  }

  async function tick() {
    const before = JSON.stringify([ctx.status, ctx.qrCode, ctx.account]);
    const previous = ctx.status?.status;
    const st = await api('GET', inst(id, '/status'));
    ctx.status = st.accountStatus;
    if (ctx.status.status === 'connecting' && ctx.tab === 'overview') {
      const qr = await api('GET', inst(id, '/qr'));
      ctx.qrCode = qr.status === 'connecting' ? qr.qrCode : null;
    } else {
      ctx.qrCode = null;
    }
    if (ctx.status.status === 'open' && (previous !== 'open' || !ctx.account)) {
      try {
        ctx.account = await api('GET', inst(id, '/me'));
      } catch (err) {
        if (!(err instanceof ApiError && err.status === 409)) throw err; // 409: it dropped meanwhile
      }
    }
    if (ctx.status.status !== 'open') ctx.account = null;
    if (previous && previous !== ctx.status.status) announce(`Instance ${id} is now ${ctx.status.status}`);
    if (JSON.stringify([ctx.status, ctx.qrCode, ctx.account]) !== before) notify();
  }

  async function start() {
    let list;
    try {
      list = await api('GET', 'api/instance');
    } catch (err) {
      fill(panel, h('p', { class: 'form-error', role: 'alert' }, `Could not load the instance: ${err.message}`));
      return;
    }
    if (!list.instances.includes(id)) {
      fill(panel, h('p', { class: 'form-error', role: 'alert' }, `There is no instance "${id}". `, h('a', { href: '#/' }, 'Back to the list')));
      return;
    }
    ctx.details = list.details?.[id] ?? {};
    fill(subline, `Engine: ${ctx.details.engine ?? '?'}`, ctx.details.description ? ` · ${ctx.details.description}` : '');
    ctx.status = list.statuses[id]?.accountStatus ?? null;
    if (stopped) return;
    showTab(ctx.tab);
    if (stopped) return;
    poller = poll(tick, 3000);
  }

  let stopped = false;
  start();

  return {
    update(next) {
      if (next.name !== 'instance' || next.id !== id) return false;
      if (next.tab === ctx.tab) return true;
      if (!ctx.details) {
        ctx.tab = next.tab; // still loading: start() shows this one
        return true;
      }
      showTab(next.tab);
      panel.querySelector('h2')?.focus();
      return true;
    },
    stop() {
      stopped = true;
      poller?.stop();
      current?.stop?.();
      listeners.clear();
    },
  };
}
