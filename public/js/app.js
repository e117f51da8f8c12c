// The dashboard's entry point: sign-in, the hash router (#/, #/inbox/{id}, #/access and #/instance/{id}/{tab}) and the
// page frame. Views are functions that render into <main> and answer { stop, update? }.
import { api, onUnauthorized, token } from './api.js';
import { accessView } from './access.js';
import { clearErrors, fill, h, showError } from './dom.js';
import { inboxView } from './inbox-page.js';
import { instanceView } from './instance.js';
import { instancesView } from './instances.js';

const main = document.getElementById('main');
let current = null;
let firstRender = true;

function parseRoute() {
  const parts = location.hash
    .replace(/^#\/?/, '')
    .split('/')
    .filter(Boolean)
    .map((p) => {
      try {
        return decodeURIComponent(p);
      } catch {
        return p;
      }
    });
  if (parts[0] === 'instance' && parts[1]) return { name: 'instance', id: parts[1], tab: parts[2] || 'overview' };
  if (parts[0] === 'access') return { name: 'access' };
  if (parts[0] === 'inbox') return { name: 'inbox', id: parts[1] };
  return { name: 'list' };
}

function stopCurrent() {
  current?.stop?.();
  current = null;
}

function setSignedIn(signedIn) {
  for (const el of document.querySelectorAll('[data-signed-in]')) el.hidden = !signedIn;
}

function render() {
  if (!token.get()) {
    showSignIn();
    return;
  }
  setSignedIn(true);
  const route = parseRoute();
  // Switching tabs within one instance keeps its page (and its status polling).
  if (current?.update?.(route)) return;
  stopCurrent();
  fill(main);
  const views = { instance: instanceView, access: accessView, inbox: inboxView, list: instancesView };
  current = views[route.name](main, route);
  if (!firstRender) main.querySelector('h1')?.focus();
  firstRender = false;
}

function showSignIn(reason) {
  stopCurrent();
  setSignedIn(false);
  const input = h('input', { type: 'password', id: 'token', name: 'token', autocomplete: 'current-password', required: true, spellcheck: 'false' });
  const show = h('input', { type: 'checkbox', id: 'show-token', onchange: () => (input.type = show.checked ? 'text' : 'password') });
  const problem = h('p', { class: 'form-error', id: 'signin-error', role: 'alert' }, reason ?? '');
  const form = h(
    'form',
    { class: 'card signin', 'aria-labelledby': 'signin-title', 'aria-describedby': 'signin-error' },
    h('h1', { id: 'signin-title', tabindex: '-1' }, 'Sign in to Hatline'),
    h(
      'p',
      null,
      'Enter your API token: the one Hatline printed when it first started, the API_TOKEN you set, or an API key. ',
      'It is kept in this browser tab only (session storage) and sent with every request.',
    ),
    h('div', { class: 'field' }, h('label', { for: 'token' }, 'API token'), input),
    h('div', { class: 'field field-check' }, show, h('label', { for: 'show-token' }, 'Show the token')),
    problem,
    h('button', { type: 'submit', class: 'primary' }, 'Sign in'),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const value = input.value.trim();
    if (!value) return;
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    problem.textContent = '';
    try {
      await api('GET', 'api/instance', undefined, { tokenOverride: value });
      token.set(value);
      clearErrors();
      if (!location.hash) location.hash = '#/';
      render();
    } catch (err) {
      problem.textContent = err.status === 401 ? `That token was refused: ${err.message}` : err.message;
      input.focus();
    } finally {
      button.disabled = false;
    }
  });
  document.title = 'Sign in — Hatline';
  fill(main, form);
  input.focus();
}

onUnauthorized(() => {
  token.clear();
  showSignIn('The server refused the saved token (it may have changed). Sign in again.');
});

document.getElementById('sign-out').addEventListener('click', () => {
  token.clear();
  clearErrors();
  showSignIn();
});

window.addEventListener('hashchange', render);
window.addEventListener('unhandledrejection', (event) => showError(event.reason));
render();
