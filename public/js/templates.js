// #/templates — message templates: the shared ones and each instance's, with the {variables} their
// text uses; create, edit and delete. Bulk jobs, campaigns and scheduled messages use them by id.
import { api, query } from './api.js';
import { act, field, fill, h, showNotice, table } from './dom.js';

/** `<option>`s of the instances the token sees, after `first` ones. */
export async function instanceOptions(select, first = []) {
  const list = await api('GET', 'api/instance');
  fill(select, first.map(([value, label]) => h('option', { value }, label)), list.instances.map((id) => h('option', { value: id }, id)));
  return list;
}

/** The variables of a text, as the server finds them: {name}, {order_no}, ... */
export function variablesOf(text) {
  return [...new Set([...text.matchAll(/\{([A-Za-z_][A-Za-z0-9_]{0,63})\}/g)].map((m) => m[1]))];
}

export function templatesView(root) {
  const listBox = h('div', { id: 'template-list' }, h('p', { class: 'muted' }, 'Loading…'));
  const search = h('input', { type: 'search', name: 'q', autocomplete: 'off', placeholder: 'Title, text or shortcut' });
  let editing = null;

  const title = h('input', { name: 'title', required: true, maxlength: '120', autocomplete: 'off' });
  const body = h('textarea', { name: 'body', rows: '4', required: true });
  const category = h('input', { name: 'category', maxlength: '60', autocomplete: 'off' });
  const shortcut = h('input', { name: 'shortcut', maxlength: '40', autocomplete: 'off', placeholder: '/shipped' });
  const instance = h('select', { name: 'instanceId' }, h('option', { value: '' }, 'Shared by every instance'));
  const vars = h('p', { class: 'hint', 'aria-live': 'polite' });
  const showVars = () => {
    const names = variablesOf(body.value);
    vars.textContent = names.length ? `Variables: ${names.map((n) => `{${n}}`).join(' ')}` : 'No variables. {name} and {phone} are filled for every recipient; others come from each recipient.';
  };
  body.addEventListener('input', showVars);
  showVars();
  const formTitle = h('h2', { id: 'template-form-title' }, 'New template');
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Create template');
  const cancelEdit = h('button', { type: 'button', hidden: true, onclick: () => reset() }, 'Cancel editing');
  const form = h(
    'form',
    { class: 'card', 'aria-labelledby': 'template-form-title' },
    formTitle,
    h('div', { class: 'row' }, field('Title', title), field('Category (optional)', category), field('Shortcut (optional)', shortcut), field('Instance', instance)),
    field('Text', body),
    vars,
    h('div', { class: 'actions' }, submit, cancelEdit),
  );
  instanceOptions(instance, [['', 'Shared by every instance']]).catch(() => undefined);

  function reset() {
    editing = null;
    form.reset();
    instance.disabled = false;
    formTitle.textContent = 'New template';
    submit.textContent = 'Create template';
    cancelEdit.hidden = true;
    showVars();
  }

  function edit(t) {
    editing = t;
    title.value = t.title;
    body.value = t.body;
    category.value = t.category ?? '';
    shortcut.value = t.shortcut ?? '';
    instance.value = t.instanceId ?? '';
    instance.disabled = true; // where a template belongs does not change
    formTitle.textContent = `Edit "${t.title}"`;
    submit.textContent = 'Save template';
    cancelEdit.hidden = false;
    showVars();
    title.focus();
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const fields = { title: title.value, body: body.value, category: category.value || null, shortcut: shortcut.value || null };
    const res = editing
      ? await act(form, () => api('PATCH', `api/templates/${encodeURIComponent(editing.id)}`, fields), 'Save template')
      : await act(form, () => api('POST', 'api/templates', { ...fields, ...(instance.value ? { instanceId: instance.value } : {}) }), 'Create template');
    if (res) {
      showNotice(editing ? `Template "${res.template.title}" saved.` : `Template "${res.template.title}" created.`);
      reset();
      load();
    }
  });

  async function remove(button, t) {
    if (!confirm(`Delete the template "${t.title}"? Jobs already made from it keep their text.`)) return;
    if (await act(button, () => api('DELETE', `api/templates/${encodeURIComponent(t.id)}`), 'Delete template')) {
      showNotice(`Template "${t.title}" deleted.`);
      if (editing?.id === t.id) reset();
      load();
    }
  }

  async function load() {
    const { templates } = await api('GET', `api/templates${query({ q: search.value.trim() })}`);
    const rows = templates.map((t) => [
      h('strong', null, t.title),
      t.category ?? '—',
      t.shortcut ? h('code', null, t.shortcut) : '—',
      t.instanceId ?? 'shared',
      t.variables.length ? t.variables.map((v) => `{${v}}`).join(' ') : '—',
      h('span', { class: 'message-body' }, t.body),
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'button', onclick: () => edit(t) }, 'Edit', h('span', { class: 'visually-hidden' }, ` ${t.title}`)),
        h('button', { type: 'button', class: 'danger', onclick: (e) => remove(e.currentTarget, t) }, 'Delete', h('span', { class: 'visually-hidden' }, ` ${t.title}`)),
      ),
    ]);
    fill(listBox, table('Templates', ['Title', 'Category', 'Shortcut', 'Instance', 'Variables', 'Text', 'Actions'], rows, 'No templates.'));
  }
  let timer;
  search.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => load().catch(() => undefined), 250);
  });

  fill(
    root,
    h('h1', { tabindex: '-1' }, 'Templates'),
    h('p', { class: 'lead' }, 'Texts to reuse in bulk jobs, campaigns and scheduled messages. {name} and {phone} are filled for each recipient; any other {variable} comes from the recipient\'s own values.'),
    form,
    h('section', { class: 'card', 'aria-labelledby': 'templates-title' }, h('div', { class: 'card-head' }, h('h2', { id: 'templates-title' }, 'All templates'), field('Search', search)), listBox),
  );
  document.title = 'Templates — Hatline';
  load().catch((err) => fill(listBox, h('p', { class: 'form-error', role: 'alert' }, `Could not load the templates: ${err.message}`)));
  return { stop: () => clearTimeout(timer) };
}
