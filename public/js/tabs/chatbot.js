// Chatbot: turn it on or off, and list, add, edit, enable/disable and delete its rules.
import { api, inst } from '../api.js';
import { act, checkbox, field, fill, h, showNotice, table } from '../dom.js';

const MATCH_TYPES = [
  ['exact', 'is exactly'],
  ['contains', 'contains'],
  ['startswith', 'starts with'],
  ['regex', 'matches the regular expression'],
];

export function chatbotTab(ctx) {
  const { id } = ctx;
  const listBox = h('div', null, h('p', { class: 'muted' }, 'Loading…'));
  const errorBox = h('p', { class: 'form-error', role: 'alert' });
  const onOff = h('input', { type: 'checkbox', id: 'chatbot-enabled' });
  onOff.addEventListener('change', async () => {
    const want = onOff.checked;
    const res = await act(onOff, () => api('POST', inst(id, '/chatbot/toggle'), { enabled: want }), 'Chatbot on/off');
    if (res) showNotice(res.enabled ? 'The chatbot is on.' : 'The chatbot is off.');
    else onOff.checked = !want;
  });

  async function load() {
    try {
      const data = await api('GET', inst(id, '/chatbot/rules'));
      errorBox.textContent = '';
      onOff.checked = !!data.enabled;
      const rows = data.rules.map((r) => [
        String(r.priority),
        MATCH_TYPES.find(([k]) => k === r.match_type)?.[1] ?? r.match_type,
        h('code', null, r.trigger_text),
        h('span', { class: 'message-body' }, r.response),
        `${r.delay} s`,
        enabledBox(r),
        h(
          'div',
          { class: 'actions' },
          h('button', { type: 'button', onclick: () => edit(r) }, 'Edit', h('span', { class: 'visually-hidden' }, ` rule ${r.id}`)),
          h('button', { type: 'button', class: 'danger', onclick: (e) => remove(e.currentTarget, r) }, 'Delete', h('span', { class: 'visually-hidden' }, ` rule ${r.id}`)),
        ),
      ]);
      fill(listBox, table('Chatbot rules', ['Priority', 'When the message', 'Trigger', 'Reply', 'Delay', 'Enabled', 'Actions'], rows, 'No rules yet.'));
    } catch (err) {
      errorBox.textContent = err.message;
    }
  }

  function ruleBody(r) {
    return { id: r.id, match_type: r.match_type, trigger_text: r.trigger_text, response: r.response, delay: r.delay, priority: r.priority };
  }

  function enabledBox(r) {
    const input = h('input', { type: 'checkbox', checked: r.enabled === 1 || r.enabled === true, 'aria-label': `Rule ${r.id} enabled` });
    input.addEventListener('change', async () => {
      const res = await act(input, () => api('POST', inst(id, '/chatbot/rules'), { ...ruleBody(r), enabled: input.checked }), `Rule ${r.id}`);
      if (res) load();
      else input.checked = !input.checked;
    });
    return input;
  }

  async function remove(button, r) {
    if (!confirm(`Delete the rule for "${r.trigger_text}"?`)) return;
    if (await act(button, () => api('DELETE', inst(id, `/chatbot/rules/${r.id}`)), `Delete rule ${r.id}`)) {
      showNotice('Rule deleted.');
      if (String(r.id) === ruleId.value) resetForm();
      load();
    }
  }

  // ---- the add/edit form ----
  const ruleId = h('input', { type: 'hidden', name: 'id' });
  const matchType = h('select', { name: 'match_type' }, MATCH_TYPES.map(([v, label]) => h('option', { value: v }, label)));
  const trigger = h('input', { name: 'trigger_text', autocomplete: 'off', required: true, maxlength: '1000' });
  const response = h('textarea', { name: 'response', rows: '3', required: true, maxlength: '4096' });
  const delay = h('input', { type: 'number', name: 'delay', min: '0', max: '3600', value: '1', required: true });
  const priority = h('input', { type: 'number', name: 'priority', value: '0', required: true });
  const enabled = h('input', { type: 'checkbox', name: 'enabled', checked: true });
  const formTitle = h('h3', null, 'Add a rule');
  const cancel = h('button', { type: 'button', hidden: true, onclick: () => resetForm() }, 'Cancel editing');
  const form = h(
    'form',
    { 'aria-label': 'Chatbot rule' },
    formTitle,
    ruleId,
    h(
      'div',
      { class: 'row' },
      field('When the message', matchType),
      field('Trigger', trigger),
      field('Delay (seconds)', delay),
      field('Priority (low first)', priority),
    ),
    field('Reply', response, '{name}, {phone} and {time} are filled in.'),
    checkbox('Enabled', enabled),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Save rule'), cancel),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const body = {
      match_type: matchType.value,
      trigger_text: trigger.value,
      response: response.value,
      delay: Number(delay.value),
      priority: Number(priority.value),
      enabled: enabled.checked,
    };
    if (ruleId.value) body.id = Number(ruleId.value);
    if (await act(form, () => api('POST', inst(id, '/chatbot/rules'), body), 'Save rule')) {
      showNotice(body.id ? 'Rule updated.' : 'Rule added.');
      resetForm();
      load();
    }
  });

  function edit(r) {
    ruleId.value = String(r.id);
    matchType.value = r.match_type;
    trigger.value = r.trigger_text;
    response.value = r.response;
    delay.value = String(r.delay);
    priority.value = String(r.priority);
    enabled.checked = r.enabled === 1 || r.enabled === true;
    formTitle.textContent = `Edit rule ${r.id}`;
    cancel.hidden = false;
    trigger.focus();
  }

  function resetForm() {
    form.reset();
    ruleId.value = '';
    formTitle.textContent = 'Add a rule';
    cancel.hidden = true;
  }

  load();
  const el = h(
    'div',
    { class: 'card' },
    h('h2', { id: 'panel-title', tabindex: '-1' }, 'Chatbot'),
    h('p', { class: 'muted' }, 'Rules are tried by priority, low first; the first enabled rule that matches an incoming message answers.'),
    h('div', { class: 'field field-check' }, onOff, h('label', { for: 'chatbot-enabled' }, 'The chatbot answers incoming messages')),
    errorBox,
    listBox,
    form,
  );
  return { el };
}
