// Line icons drawn in SVG (24 x 24, currentColor), so the inbox's buttons and markers look the same
// whether or not the system has an emoji font. Decorative: the text beside them or the button's
// label says what they mean.
const SVG = 'http://www.w3.org/2000/svg';

const SHAPES = {
  attach: ['path', 'M16.5 6.5v9a4.5 4.5 0 0 1-9 0V5a3 3 0 0 1 6 0v10a1.5 1.5 0 0 1-3 0V6.5'],
  smile: ['circle', '12 12 9', 'path', 'M8 14.5s1.5 2 4 2 4-2 4-2', 'path', 'M9 9.5h.01M15 9.5h.01'],
  pin: ['path', 'M9 3h6l-1 6 3 3H7l3-3z', 'path', 'M12 12v9'],
  muted: ['path', 'M18 16V11a6 6 0 0 0-9.5-4.9M6 9.5V16l-2 2h13', 'path', 'M10 21h4', 'path', 'M3 3l18 18'],
  document: ['path', 'M6 2h8l4 4v16H6z', 'path', 'M14 2v4h4M9 13h6M9 17h6'],
  location: ['path', 'M12 22s7-7.2 7-12a7 7 0 0 0-14 0c0 4.8 7 12 7 12z', 'circle', '12 10 2.5'],
  poll: ['path', 'M5 20V11M12 20V4M19 20v-6'],
  mic: ['rect', '9 3 6 11 3', 'path', 'M5 11a7 7 0 0 0 14 0M12 18v3'],
  camera: ['path', 'M4 7h4l2-2h4l2 2h4v12H4z', 'circle', '12 13 3.5'],
  video: ['rect', '3 6 12 12 2', 'path', 'M15 10l6-3v10l-6-3'],
  music: ['path', 'M9 18V5l11-2v13', 'circle', '6.5 18 2.5', 'circle', '17.5 16 2.5'],
  person: ['circle', '12 8 4', 'path', 'M4 21a8 8 0 0 1 16 0'],
  people: ['circle', '9 8 3.5', 'path', 'M2.5 20a6.5 6.5 0 0 1 13 0', 'path', 'M16 4.5a3.5 3.5 0 0 1 0 7M18 13.6a6.5 6.5 0 0 1 3.5 6.4'],
  sticker: ['path', 'M4 4h16v9l-7 7H4z', 'path', 'M13 20v-7h7'],
  deleted: ['circle', '12 12 9', 'path', 'M5.6 5.6l12.8 12.8'],
  clock: ['circle', '12 12 9', 'path', 'M12 7v5l3 2'],
  reply: ['path', 'M10 7l-6 5 6 5', 'path', 'M4 12h10a6 6 0 0 1 6 6v1'],
  forward: ['path', 'M14 7l6 5-6 5', 'path', 'M20 12H10a6 6 0 0 0-6 6v1'],
  react: ['circle', '11 13 8', 'path', 'M8 15s1.2 1.5 3 1.5 3-1.5 3-1.5M8.5 11h.01M13.5 11h.01', 'path', 'M19 2v5M16.5 4.5h5'],
  close: ['path', 'M6 6l12 12M18 6L6 18'],
  map: ['path', 'M9 4L3 6v14l6-2 6 2 6-2V4l-6 2z', 'path', 'M9 4v14M15 6v14'],
};

/** An icon by name (see SHAPES), hidden from screen readers. */
export function icon(name, extraClass = '') {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('class', `icon ${extraClass}`.trim());
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  const parts = SHAPES[name] ?? SHAPES.document;
  for (let i = 0; i < parts.length; i += 2) {
    const el = document.createElementNS(SVG, parts[i]);
    const v = parts[i + 1];
    if (parts[i] === 'path') el.setAttribute('d', v);
    else if (parts[i] === 'circle') {
      const [cx, cy, r] = v.split(' ');
      el.setAttribute('cx', cx);
      el.setAttribute('cy', cy);
      el.setAttribute('r', r);
    } else {
      const [x, y, w, hgt, rx] = v.split(' ');
      Object.entries({ x, y, width: w, height: hgt, rx }).forEach(([k, val]) => el.setAttribute(k, val));
    }
    svg.append(el);
  }
  return svg;
}
