// The embed page (/embed/#token=...): the inbox of an embed token's instances, for a customer,
// possibly in an iframe on their own site. The token comes in the URL's fragment (never sent to
// the server by the browser) and goes with every request; it is not stored anywhere. A read-only
// token gets no composer; an expired or revoked one gets a page that says so.
import { api, onUnauthorized, useToken } from './api.js';
import { fill, h, when } from './dom.js';
import { inbox } from './inbox/inbox.js';

const main = document.getElementById('main');
let view = null;
let expiryTimer = null;

function closedPage(title, ...text) {
  view?.stop();
  view = null;
  clearTimeout(expiryTimer);
  document.title = title;
  fill(main, h('div', { class: 'card embed-closed', role: 'alert' }, h('h1', { tabindex: '-1' }, title), text.map((t) => h('p', null, t))));
  main.querySelector('h1')?.focus();
}

const ASK = 'Ask whoever gave you this link for a new one.';

/** 401: the server says why (expired at ..., or not valid: revoked or mistyped). */
function refused(err) {
  const at = /expired at (\S+?)(?: \(HTTP|$)/.exec(err?.message ?? '')?.[1];
  if (at) closedPage('This inbox link has expired', `It was valid until ${when(at)}.`, ASK);
  else closedPage('This inbox link is not valid', 'It may have been revoked, or copied only in part.', ASK);
}

async function start() {
  const value = new URLSearchParams(location.hash.replace(/^#/, '')).get('token');
  if (!value) {
    closedPage('This inbox link is incomplete', 'The link has no token after #token=. Copy the whole link.', ASK);
    return;
  }
  useToken(value);
  onUnauthorized(refused);
  let status;
  try {
    status = await api('GET', 'api/embed/status');
  } catch (err) {
    if (err.status !== 401) closedPage('The inbox could not be opened', err.message);
    return; // 401: refused() has said why
  }
  const canSend = status.permissions === 'read_write';
  const instances = status.instances.map((i) => ({ id: i.id, status: i.status, account: i.account }));
  if (instances.length === 0) {
    closedPage('Nothing to show', 'The numbers this link was made for no longer exist.', ASK);
    return;
  }
  view = inbox({
    instances,
    instanceId: instances[0].id,
    canSend,
    mayRetry: () => api('GET', 'api/embed/status').then(() => true),
  });
  fill(
    main,
    h(
      'header',
      { class: 'embed-head' },
      h('h1', { tabindex: '-1' }, status.customerLabel),
      h('span', { class: 'muted' }, canSend ? 'Read and answer' : 'Read only', ` · valid until ${when(status.expiresAt)}`),
    ),
    view.el,
  );
  document.title = `Inbox — ${status.customerLabel}`;
  // Past its end the token answers 401; say so at that moment rather than at the next click.
  const left = new Date(status.expiresAt).getTime() - Date.now();
  if (left < 2 ** 31 - 1) expiryTimer = setTimeout(() => closedPage('This inbox link has expired', `It was valid until ${when(status.expiresAt)}.`, ASK), Math.max(0, left));
}

window.addEventListener('hashchange', () => location.reload());
start();
