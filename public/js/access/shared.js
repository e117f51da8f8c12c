// Pieces the Access page's sections share: the box that shows a new secret once, with a copy
// button, and the instance checkboxes loaded from the API.
import { api } from '../api.js';
import { field, h, showNotice } from '../dom.js';

/**
 * Shows `fields` ([label, value] pairs: the new key, an embed URL...) in `box` with a Copy button
 * each; "Done" empties the box, so the value is gone from the page.
 */
export function showSecretOnce(box, title, fields) {
  const inputs = fields.map(([label, value]) => {
    const input = h('input', { type: 'text', readOnly: true, class: 'mono', spellcheck: 'false', value, 'aria-label': label });
    const copy = h('button', { type: 'button', onclick: () => copyValue(input, label) }, 'Copy', h('span', { class: 'visually-hidden' }, ` ${label}`));
    return h('div', { class: 'secret-row' }, field(label, input), copy);
  });
  const done = h('button', { type: 'button', class: 'primary', onclick: () => box.replaceChildren() }, 'Done: I copied it');
  box.replaceChildren(
    h(
      'div',
      { class: 'secret-once', role: 'status' },
      h('h3', { tabindex: '-1' }, title),
      h('p', null, h('strong', null, 'Copy it now: it is shown this once.'), ' Hatline keeps only its hash; lost, it cannot be shown again (revoke it and make a new one).'),
      inputs,
      h('div', { class: 'actions' }, done),
    ),
  );
  box.querySelector('h3')?.focus();
  inputs[0]?.querySelector('input')?.select();
}

async function copyValue(input, label) {
  try {
    await navigator.clipboard.writeText(input.value);
    showNotice(`${label} copied.`);
  } catch {
    input.select(); // no clipboard (plain http): leave it selected for Ctrl+C
  }
}

/** A fieldset of one checkbox per instance (from GET /api/instance); `.selected()` answers the checked ids. */
export function instancePicker(legend, name) {
  const list = h('div', { class: 'radios' }, h('span', { class: 'muted' }, 'Loading…'));
  const set = h('fieldset', null, h('legend', null, legend), list);
  api('GET', 'api/instance').then(
    (data) => {
      list.replaceChildren(
        ...(data.instances.length
          ? data.instances.map((id) => {
              const box = h('input', { type: 'checkbox', name, value: id, id: `${name}-${id}` });
              return h('span', { class: 'radio' }, box, h('label', { for: box.id }, id));
            })
          : [h('span', { class: 'empty' }, 'No instances yet.')]),
      );
    },
    (err) => list.replaceChildren(h('span', { class: 'form-error' }, `Could not load the instances: ${err.message}`)),
  );
  set.selected = () => [...set.querySelectorAll('input:checked')].map((b) => b.value);
  set.clear = () => set.querySelectorAll('input:checked').forEach((b) => (b.checked = false));
  return set;
}

/** A section's list: the table, or why this token may not see it (a key is not the admin token). */
export function refusedText(err, what) {
  return err.status === 403 ? `${what}: ${err.message.replace(/ \(HTTP 403\)$/, '')}.` : `Could not load ${what.toLowerCase()}: ${err.message}`;
}
