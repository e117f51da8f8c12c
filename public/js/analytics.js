// #/analytics — messages sent, received and failed over the last 24 hours or 7, 30 or 90 days, for
// every instance or one, with the totals and the busiest instances. Refreshed every 30 s.
import { api, query } from './api.js';
import { field, fill, h, poll, table } from './dom.js';
import { lineChart } from './chart.js';
import { instanceOptions } from './templates.js';

const RANGES = [
  ['24h', 'Last 24 hours'],
  ['7d', 'Last 7 days'],
  ['30d', 'Last 30 days'],
  ['90d', 'Last 90 days'],
];
const SERIES = [
  { key: 'sent', label: 'Sent', color: '#0b6e45' },
  { key: 'received', label: 'Received', color: '#1a5fd0' },
  { key: 'failed', label: 'Failed', color: '#c2410c' },
];

/** A point's label: the hour (24h) or the day, in the browser's time. */
function pointLabel(at, granularity) {
  const d = new Date(at);
  return granularity === 'hour' ? d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : d.toLocaleDateString([], { month: 'short', day: 'numeric', timeZone: 'UTC' });
}

export function analyticsView(root) {
  const range = h('select', { name: 'range' }, RANGES.map(([value, label]) => h('option', { value, selected: value === '7d' }, label)));
  const instance = h('select', { name: 'instanceId' }, h('option', { value: '' }, 'Every instance'));
  instanceOptions(instance, [['', 'Every instance']]).catch(() => undefined);
  const totalsBox = h('div', { id: 'analytics-totals' });
  const chartBox = h('div', { id: 'analytics-chart' }, h('p', { class: 'muted' }, 'Loading…'));
  const topBox = h('div', { id: 'analytics-top' });
  let lastJson = '';

  async function load() {
    const data = await api('GET', `api/analytics${query({ range: range.value, instanceId: instance.value })}`);
    const json = JSON.stringify(data);
    if (json === lastJson) return;
    lastJson = json;
    const t = data.totals;
    fill(
      totalsBox,
      h(
        'dl',
        { class: 'stats' },
        [
          ['Sent', t.sent],
          ['Received', t.received],
          ['Failed', t.failed],
          ['Delivered', t.delivered],
          ['Read', t.read],
        ].map(([label, n]) => h('div', null, h('dt', null, label), h('dd', null, String(n)))),
      ),
    );
    const label = RANGES.find(([v]) => v === data.range)[1];
    fill(
      chartBox,
      lineChart({
        title: `Messages, ${label.toLowerCase()}${data.instanceId ? `, instance ${data.instanceId}` : ''} (${data.granularity === 'hour' ? 'per hour' : 'per day, UTC'})`,
        points: data.series.map((p) => ({ label: pointLabel(p.at, data.granularity), values: p })),
        series: SERIES,
      }),
    );
    fill(
      topBox,
      table(
        'Busiest instances',
        ['Instance', 'Sent', 'Received', 'Failed', 'Total'],
        data.topInstances.map((i) => [h('a', { href: `#/instance/${encodeURIComponent(i.instanceId)}` }, i.instanceId), String(i.sent), String(i.received), String(i.failed), String(i.total)]),
        'No messages in this range.',
      ),
    );
  }
  for (const el of [range, instance]) el.addEventListener('change', () => poller.now());

  fill(
    root,
    h('h1', { tabindex: '-1' }, 'Analytics'),
    h('p', { class: 'lead' }, 'Messages over time, counted as they are written: sent (accepted by WhatsApp), received and failed, with how many were delivered and read.'),
    h('div', { class: 'card inline-form' }, field('Range', range), field('Instance', instance)),
    h('section', { class: 'card', 'aria-labelledby': 'totals-title' }, h('h2', { id: 'totals-title' }, 'Totals'), totalsBox),
    h('section', { class: 'card', 'aria-labelledby': 'chart-title' }, h('h2', { id: 'chart-title' }, 'Over time'), chartBox),
    h('section', { class: 'card', 'aria-labelledby': 'top-title' }, h('h2', { id: 'top-title' }, 'Busiest instances'), topBox),
  );
  document.title = 'Analytics — Hatline';
  const poller = poll(load, 30000);
  return { stop: () => poller.stop() };
}
