// Building the DOM without innerHTML: every string goes in as text, so nothing the API answers
// (message bodies, names, error texts) can become markup.

const PROPS = new Set(['value', 'checked', 'selected', 'disabled', 'hidden', 'required', 'multiple', 'readOnly', 'open']);

/**
 * h('button', { class: 'x', onclick: fn, 'aria-label': '...' }, 'text', child, [more])
 * Children: strings and numbers become text nodes; null/undefined/false are skipped; arrays flatten.
 */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  const later = [];
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (PROPS.has(key)) later.push([key, value]);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  for (const [key, value] of later) {
    // Set the defaults too, so form.reset() goes back to them.
    if (key === 'checked') el.defaultChecked = el.checked = !!value;
    else if (key === 'value' && tag !== 'select' && 'defaultValue' in el) el.defaultValue = el.value = value;
    else el[key] = value;
  }
  return el;
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** Replaces the element's children. */
export function fill(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

// ---- announcements and errors ---------------------------------------------------------------

/** Says something to screen readers (the polite live region) without showing it. */
export function announce(text) {
  const region = document.getElementById('announcer');
  if (!region) return;
  region.textContent = '';
  // A fresh text node in a later task makes screen readers read it even when it repeats.
  setTimeout(() => (region.textContent = text), 50);
}

/** Shows an error in the alert region at the top of the page (once, while the same text is shown). */
export function showError(err, context) {
  if (err && err.status === 401) return; // a refused token sends the person to the sign-in form, which says so
  const message = `${context ? `${context}: ` : ''}${err && err.message ? err.message : String(err)}`;
  const region = document.getElementById('alerts');
  if (!region) return;
  for (const existing of region.querySelectorAll('.alert-text')) if (existing.textContent === message) return;
  const item = h(
    'div',
    { class: 'alert alert-error' },
    h('span', { class: 'alert-text' }, message),
    h('button', { type: 'button', class: 'link', 'aria-label': 'Dismiss this error', onclick: () => item.remove() }, 'Dismiss'),
  );
  region.append(item);
}

/** Shows a short confirmation (success) in the alert region; it goes away by itself. */
export function showNotice(text) {
  const region = document.getElementById('notices');
  if (!region) return;
  const item = h('div', { class: 'alert alert-ok' }, text);
  region.append(item);
  setTimeout(() => item.remove(), 4000);
}

export function clearErrors() {
  document.getElementById('alerts')?.replaceChildren();
}

/**
 * Runs an API action from a button or form: disables `control` meanwhile, shows the error if it
 * fails. Answers the action's result, or undefined when it failed.
 */
export async function act(control, fn, context) {
  const controls = control instanceof HTMLFormElement ? [...control.querySelectorAll('button, input[type=submit]')] : control ? [control] : [];
  for (const c of controls) c.disabled = true;
  if (control) control.setAttribute('aria-busy', 'true');
  try {
    return await fn();
  } catch (err) {
    showError(err, context);
    return undefined;
  } finally {
    for (const c of controls) c.disabled = false;
    if (control) control.removeAttribute('aria-busy');
  }
}

// ---- formatting ---------------------------------------------------------------------------------

/** Unix seconds, milliseconds or an ISO string -> local date and time. */
export function when(value) {
  if (value === null || value === undefined || value === '') return '—';
  const date = typeof value === 'number' ? new Date(value < 1e12 ? value * 1000 : value) : new Date(value);
  return Number.isNaN(date.getTime()) ? String(value) : date.toLocaleString();
}

export function statusBadge(status) {
  return h('span', { class: `badge badge-${String(status).replace(/[^a-z_]/g, '')}` }, status);
}

/** A labelled field: label + control (+ hint). The control gets an id so the label points at it. */
let fieldCount = 0;
export function field(labelText, control, hint) {
  if (!control.id) control.id = `f${++fieldCount}`;
  const hintEl = hint ? h('small', { class: 'hint', id: `${control.id}-hint` }, hint) : null;
  if (hintEl) control.setAttribute('aria-describedby', hintEl.id);
  return h('div', { class: 'field' }, h('label', { for: control.id }, labelText), control, hintEl);
}

export function checkbox(labelText, input) {
  if (!input.id) input.id = `f${++fieldCount}`;
  return h('div', { class: 'field field-check' }, input, h('label', { for: input.id }, labelText));
}

/** A table: `columns` are header texts, `rows` arrays of cells (strings or nodes). */
export function table(caption, columns, rows, emptyText = 'Nothing yet.') {
  if (rows.length === 0) return h('p', { class: 'empty' }, emptyText);
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      null,
      h('caption', { class: 'visually-hidden' }, caption),
      h('thead', null, h('tr', null, columns.map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', null, rows.map((cells) => h('tr', null, cells.map((c) => h('td', null, c))))),
    ),
  );
}

/** Previous/next buttons for a `{ page, limit, total }` answer. */
export function pager(answer, go) {
  const pages = Math.max(1, Math.ceil(answer.total / answer.limit));
  return h(
    'nav',
    { class: 'pager', 'aria-label': 'Pages' },
    h('button', { type: 'button', disabled: answer.page <= 1, onclick: () => go(answer.page - 1) }, 'Previous'),
    h('span', null, `Page ${answer.page} of ${pages} · ${answer.total} in all`),
    h('button', { type: 'button', disabled: answer.page >= pages, onclick: () => go(answer.page + 1) }, 'Next'),
  );
}

// ---- polling ------------------------------------------------------------------------------------

/**
 * Calls `fn` now and then every `ms` while the page is visible; a hidden tab is not polled (the
 * rate limit is per token, shared with every other client). Answers { stop, now }.
 */
export function poll(fn, ms) {
  let timer;
  let stopped = false;
  let running = false;
  let again = false;
  const schedule = () => {
    clearTimeout(timer);
    if (!stopped && !document.hidden) timer = setTimeout(tick, typeof ms === 'function' ? ms() : ms);
  };
  const tick = async () => {
    if (stopped || document.hidden) return;
    if (running) {
      again = true; // asked for fresh data while a call is out: call once more when it is back
      return;
    }
    running = true;
    try {
      await fn();
    } catch (err) {
      showError(err);
    } finally {
      running = false;
      if (again && !stopped) {
        again = false;
        tick();
      } else {
        schedule();
      }
    }
  };
  const onVisibility = () => (document.hidden ? clearTimeout(timer) : tick());
  document.addEventListener('visibilitychange', onVisibility);
  tick();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisibility);
    },
    now() {
      clearTimeout(timer);
      return tick();
    },
  };
}
