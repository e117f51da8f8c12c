// Usage per key (requests, failures, mean time, last use) and per instance (messages sent and
// received, media stored), refreshed every 10 s; and the audit log (admin token only).
import { api, query } from '../api.js';
import { fill, h, pager, table, when } from '../dom.js';
import { refusedText } from './shared.js';

function bytes(n) {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = -1;
  do {
    v /= 1024;
    u++;
  } while (v >= 1024 && u < units.length - 1);
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}

export function usageSection() {
  const keysBox = h('div', { id: 'usage-keys' }, h('p', { class: 'empty' }, 'Loading…'));
  const instancesBox = h('div', { id: 'usage-instances' });
  let lastJson = '';

  async function load() {
    let data;
    try {
      data = await api('GET', 'api/usage');
    } catch (err) {
      fill(keysBox, h('p', { class: 'muted' }, refusedText(err, 'Usage')));
      return;
    }
    const json = JSON.stringify(data);
    if (json === lastJson) return;
    lastJson = json;
    fill(
      keysBox,
      table(
        'Usage per API key',
        ['Key', 'Prefix', 'Requests', 'Successful', 'Failed', 'Mean time', 'Last used'],
        data.keys.map((k) => [k.name, h('code', null, `${k.prefix}…`), String(k.totalRequests), String(k.successfulRequests), String(k.failedRequests), `${k.meanMs} ms`, when(k.lastUsedAt)]),
        'No API keys yet.',
      ),
    );
    fill(
      instancesBox,
      table(
        'Usage per instance',
        ['Instance', 'Messages sent', 'Messages received', 'Media stored'],
        data.instances.map((i) => [i.id, String(i.messagesSent), String(i.messagesReceived), bytes(i.mediaBytes)]),
        'No instances yet.',
      ),
    );
  }

  const el = h('section', { class: 'card', 'aria-labelledby': 'usage-title' }, h('h2', { id: 'usage-title' }, 'Usage'),
    h('p', { class: 'muted' }, 'Requests answered below HTTP 400 count as successful. Messages are counted since each instance was created; clearing its history does not reset them.'),
    h('h3', null, 'Per API key'), keysBox, h('h3', null, 'Per instance'), instancesBox);
  return { el, load };
}

export function auditSection() {
  const box = h('div', { id: 'audit-log' }, h('p', { class: 'empty' }, 'Loading…'));
  let page = 1;
  let refused = false;

  async function load() {
    if (refused) return; // a key is not the admin token: asking again every 10 s would only use up its limits
    try {
      const data = await api('GET', `api/audit${query({ limit: 20, page })}`);
      const rows = data.items.map((e) => [
        when(e.at),
        e.actor.kind === 'key' ? `key ${e.actor.name}` : e.actor.kind === 'embed' ? `embed ${e.actor.name}` : e.actor.name,
        e.action,
        e.instanceId ?? '—',
        h('code', null, e.detail ? JSON.stringify(e.detail) : e.target ?? ''),
      ]);
      fill(
        box,
        table('Audit log', ['When', 'Who', 'What', 'Instance', 'Detail'], rows, 'Nothing recorded yet.'),
        data.total > data.limit ? pager(data, (p) => ((page = p), load())) : null,
      );
    } catch (err) {
      refused = err.status === 403;
      fill(box, h('p', { class: 'muted' }, refusedText(err, 'The audit log')));
    }
  }

  const el = h('section', { class: 'card', 'aria-labelledby': 'audit-title' }, h('h2', { id: 'audit-title' }, 'Audit log'),
    h('p', { class: 'muted' }, 'Who created or revoked keys and embed tokens, created or deleted instances, changed settings and webhooks, and when.'), box);
  return { el, load };
}
