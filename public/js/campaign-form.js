// The form that starts a campaign: a name, an instance, the text (or a template), the delay, and
// recipients pasted one a line with their own variables.
import { api, query } from './api.js';
import { act, field, fill, h, showNotice } from './dom.js';
import { instanceOptions, variablesOf } from './templates.js';

/**
 * "905321234567, Ali, code=A1, rate=20" lines -> [{ phone, name?, vars? }]: the number first, then
 * the name, then key=value pairs (in any order after the number), separated by commas, semicolons or tabs.
 */
export function parseCampaignRecipients(text) {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [phone, ...rest] = line.split(/[,;\t]/).map((p) => p.trim());
      const r = { phone };
      const vars = {};
      for (const part of rest) {
        const pair = /^([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)$/.exec(part);
        if (pair) vars[pair[1]] = pair[2].trim();
        else if (part && r.name === undefined) r.name = part;
      }
      if (Object.keys(vars).length) r.vars = vars;
      return r;
    });
}

/** Recipients without a value for a variable the text uses (other than {name} and {phone}). */
function missingValues(text, recipients) {
  const needed = variablesOf(text).filter((v) => v !== 'name' && v !== 'phone');
  const out = [];
  for (const v of needed) {
    const n = recipients.filter((r) => !(r.vars && v in r.vars)).length;
    if (n) out.push(`${n} recipient${n === 1 ? '' : 's'} without {${v}}`);
  }
  return out;
}

export function campaignForm(onCreated) {
  const name = h('input', { name: 'name', required: true, maxlength: '120', autocomplete: 'off' });
  const instance = h('select', { name: 'instanceId', required: true });
  const template = h('select', { name: 'templateId' }, h('option', { value: '' }, 'None: write the text below'));
  const body = h('textarea', { name: 'body', rows: '3' });
  const delay = h('input', { type: 'number', name: 'delayMs', min: '500', max: '60000', step: '100', value: '3000', required: true });
  const recipients = h('textarea', { name: 'recipients', rows: '6', required: true, placeholder: '905321234567, Ali, code=BAHAR-A\n905551112233, Ayşe, code=BAHAR-B' });
  const summary = h('p', { class: 'hint', 'aria-live': 'polite', id: 'campaign-summary' });
  let templates = [];

  const text = () => (template.value ? templates.find((t) => String(t.id) === template.value)?.body ?? '' : body.value);
  function describe() {
    const list = parseCampaignRecipients(recipients.value);
    const vars = variablesOf(text());
    const missing = missingValues(text(), list);
    summary.textContent = [
      `${list.length} recipient${list.length === 1 ? '' : 's'}`,
      vars.length ? `variables: ${vars.map((v) => `{${v}}`).join(' ')}` : null,
      missing.length ? `${missing.join(', ')}: sent as written` : null,
    ]
      .filter(Boolean)
      .join(' · ');
  }
  async function loadTemplates() {
    if (!instance.value) return;
    ({ templates } = await api('GET', `api/templates${query({ instanceId: instance.value })}`));
    const chosen = template.value;
    fill(template, h('option', { value: '' }, 'None: write the text below'), templates.map((t) => h('option', { value: String(t.id) }, t.title)));
    template.value = templates.some((t) => String(t.id) === chosen) ? chosen : '';
    syncTemplate();
  }
  function syncTemplate() {
    body.disabled = template.value !== '';
    if (template.value) body.value = text();
    describe();
  }
  template.addEventListener('change', syncTemplate);
  instance.addEventListener('change', () => loadTemplates().catch(() => undefined));
  for (const el of [body, recipients]) el.addEventListener('input', describe);
  instanceOptions(instance).then(() => loadTemplates(), () => undefined);
  describe();

  const form = h(
    'form',
    { class: 'card', 'aria-labelledby': 'new-campaign-title' },
    h('h2', { id: 'new-campaign-title' }, 'New campaign'),
    h('div', { class: 'row' }, field('Campaign name', name), field('Instance', instance), field('Template', template), field('Delay between messages (ms)', delay, '500 to 60,000')),
    field('Text', body, '{name} and {phone} are filled for each recipient, and any {variable} from their own values.'),
    field('Recipients', recipients, 'One a line: the number, then the name, then key=value pairs, separated by commas. At most 5,000.'),
    summary,
    h('button', { type: 'submit', class: 'primary' }, 'Start campaign'),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const payload = {
      name: name.value,
      instanceId: instance.value,
      delayMs: Number(delay.value),
      recipients: parseCampaignRecipients(recipients.value),
      ...(template.value ? { templateId: Number(template.value) } : { body: body.value }),
    };
    const res = await act(form, () => api('POST', 'api/campaigns', payload), 'Start campaign');
    if (res) {
      showNotice(`Campaign "${res.campaign.name}" started: ${res.campaign.total} recipients.`);
      form.reset();
      syncTemplate();
      onCreated(res.campaign);
    }
  });
  return { el: form };
}
