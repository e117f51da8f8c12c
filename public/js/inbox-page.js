// #/inbox and #/inbox/{instanceId} — the inbox of one instance, with a picker for the others the
// token reaches. The inbox itself (public/js/inbox/) is shared with the embed page.
import { api } from './api.js';
import { fill, h } from './dom.js';
import { inbox } from './inbox/inbox.js';

export function inboxView(root, route) {
  let view = null;
  let stopped = false;
  root.classList.add('wide');
  fill(root, h('h1', { class: 'visually-hidden', tabindex: '-1' }, 'Inbox'), h('p', { class: 'muted' }, 'Loading…'));
  document.title = 'Inbox — Hatline';

  api('GET', 'api/instance').then(
    (data) => {
      if (stopped) return;
      const instances = data.instances.map((id) => ({
        id,
        status: data.statuses[id]?.accountStatus?.status ?? 'disconnected',
        account: data.details?.[id]?.account ?? null,
      }));
      if (instances.length === 0) {
        fill(root, h('h1', { tabindex: '-1' }, 'Inbox'), h('p', { class: 'empty' }, 'No instances yet. ', h('a', { href: '#/' }, 'Create one'), ' and link it first.'));
        return;
      }
      const chosen = instances.find((i) => i.id === route.id) ?? instances.find((i) => i.status === 'open') ?? instances[0];
      view = inbox({
        instances,
        instanceId: chosen.id,
        canSend: true, // a key without `send` is told so by the server (403) when it tries
        onInstance: (id) => history.replaceState(null, '', `#/inbox/${encodeURIComponent(id)}`),
        mayRetry: () => api('GET', 'api/instance').then(() => true),
      });
      fill(root, h('h1', { class: 'visually-hidden', tabindex: '-1' }, 'Inbox'), view.el);
    },
    (err) => fill(root, h('h1', { tabindex: '-1' }, 'Inbox'), h('p', { class: 'form-error', role: 'alert' }, `Could not load the instances: ${err.message}`)),
  );

  return {
    update(next) {
      // Picking another instance in the inbox rewrites the hash without a hashchange; one typed in is a new page.
      return next.name === 'inbox' && (!next.id || next.id === route.id);
    },
    stop() {
      stopped = true;
      view?.stop();
      root.classList.remove('wide');
    },
  };
}
