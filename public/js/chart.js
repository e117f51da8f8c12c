// A line chart drawn as SVG (nothing loaded from elsewhere), with its numbers as a table beside it
// for screen readers and anyone who wants the figures.
import { h } from './dom.js';

const NS = 'http://www.w3.org/2000/svg';

function svg(tag, attrs, ...children) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs ?? {})) el.setAttribute(k, String(v));
  for (const c of children.flat()) if (c) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

/** A round top for the y axis: 1, 2, 5, 10, 20, 50, ... at or above `max`. */
function niceTop(max) {
  if (max <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(max));
  return [1, 2, 5, 10].map((m) => m * p).find((v) => v >= max);
}

/**
 * lineChart({ title, points: [{ label, values: { key: n } }], series: [{ key, label, color }] })
 * answers a <figure> with the SVG and a data table in a <details>.
 */
export function lineChart({ title, points, series }) {
  const W = 720;
  const H = 260;
  const pad = { left: 44, right: 12, top: 12, bottom: 36 };
  const top = niceTop(Math.max(0, ...points.flatMap((p) => series.map((s) => p.values[s.key] ?? 0))));
  const x = (i) => pad.left + (points.length <= 1 ? 0 : (i * (W - pad.left - pad.right)) / (points.length - 1));
  const y = (v) => H - pad.bottom - (v / top) * (H - pad.top - pad.bottom);
  const grid = [0, 0.25, 0.5, 0.75, 1].map((f) => {
    const v = Math.round(top * f);
    return svg('g', null, svg('line', { x1: pad.left, x2: W - pad.right, y1: y(v), y2: y(v), class: 'chart-grid' }), svg('text', { x: pad.left - 6, y: y(v) + 4, 'text-anchor': 'end', class: 'chart-label' }, v));
  });
  const every = Math.max(1, Math.ceil(points.length / 8));
  const xLabels = points.map((p, i) => (i % every === 0 || i === points.length - 1 ? svg('text', { x: x(i), y: H - pad.bottom + 18, 'text-anchor': 'middle', class: 'chart-label' }, p.label) : null));
  const lines = series.map((s) =>
    svg(
      'g',
      { 'data-series': s.key },
      svg('polyline', { points: points.map((p, i) => `${x(i)},${y(p.values[s.key] ?? 0)}`).join(' '), fill: 'none', stroke: s.color, 'stroke-width': 2.5, 'stroke-linejoin': 'round' }),
      points.map((p, i) => svg('circle', { cx: x(i), cy: y(p.values[s.key] ?? 0), r: points.length > 40 ? 1.5 : 3, fill: s.color }, svg('title', null, `${p.label}: ${p.values[s.key] ?? 0} ${s.label.toLowerCase()}`))),
    ),
  );
  const totals = series.map((s) => `${points.reduce((n, p) => n + (p.values[s.key] ?? 0), 0)} ${s.label.toLowerCase()}`).join(', ');
  const chart = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': `${title}: ${totals}`, class: 'chart' }, svg('title', null, title), grid, xLabels, lines);
  const legend = h('ul', { class: 'legend' }, series.map((s) => h('li', null, h('span', { class: 'swatch', style: `background:${s.color}` }), s.label)));
  const data = h(
    'details',
    null,
    h('summary', null, 'The figures'),
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        null,
        h('caption', { class: 'visually-hidden' }, title),
        h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'When'), series.map((s) => h('th', { scope: 'col' }, s.label)))),
        h('tbody', null, points.map((p) => h('tr', null, h('th', { scope: 'row' }, p.label), series.map((s) => h('td', null, String(p.values[s.key] ?? 0)))))),
      ),
    ),
  );
  return h('figure', { class: 'chart-figure' }, chart, legend, data);
}
