// Overview: connect and link (QR image that follows the server's QR, or a pairing code by phone
// number), restart, log out, delete (the instance, or only its data); the linked account; message counts; and for sandbox
// instances, buttons that play the phone's part (scan, incoming message).
import { api, inst, sandbox } from '../api.js';
import { act, field, fill, h, showNotice, statusBadge, when } from '../dom.js';
import { deleteDataCard } from './delete-data.js';

export function overviewTab(ctx) {
  const { id } = ctx;
  const isSandbox = ctx.details?.engine === 'sandbox';

  // ---- connection ----
  const statusLine = h('p', { class: 'status-line' });
  const connectBtn = h('button', { type: 'button', class: 'primary', onclick: () => connect() }, 'Connect');
  const restartBtn = h('button', { type: 'button', onclick: () => restart() }, 'Restart');
  const logoutBtn = h('button', { type: 'button', onclick: () => logout() }, 'Log out');
  const deleteBtn = h('button', { type: 'button', class: 'danger', onclick: () => remove() }, 'Delete instance');
  const qrImg = h('img', { id: 'qr-image', class: 'qr', width: '264', height: '264', alt: 'QR code: scan it with WhatsApp on the phone to link this instance' });
  const qrBox = h(
    'figure',
    { class: 'qr-box', hidden: true },
    qrImg,
    h('figcaption', null, 'On the phone: WhatsApp → Settings → Linked devices → Link a device, then point the camera at this code. It refreshes by itself until the instance is open.'),
  );
  const waiting = h('p', { class: 'muted', hidden: true }, 'Waiting for the QR code…');
  const pairingBox = h('div', { class: 'pairing', hidden: true, 'aria-live': 'polite' });
  const phoneInput = h('input', { type: 'tel', name: 'phone', autocomplete: 'off', inputmode: 'tel', placeholder: '905321234567', required: true });
  const pairForm = h(
    'form',
    { class: 'inline-form', 'aria-label': 'Pair by phone number' },
    field('Or pair by phone number', phoneInput, 'With the country code. The phone shows a prompt where you type the code that appears here.'),
    h('button', { type: 'submit' }, 'Get a pairing code'),
  );
  pairForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    const res = await act(pairForm, () => api('POST', inst(id, '/connect'), { phone: phoneInput.value.trim() }), 'Pair by phone');
    if (!res) return;
    if (res.pairingCode) showPairing(res.pairingCode);
    else showNotice(`Connecting (status: ${res.status ?? 'unknown'}); no pairing code was given.`);
    ctx.refresh();
  });

  function showPairing(code) {
    pairingBox.hidden = false;
    fill(pairingBox, 'Enter this code on the phone (WhatsApp → Linked devices → Link with phone number): ', h('strong', { class: 'code' }, code));
  }

  async function connect() {
    if (await act(connectBtn, () => api('POST', inst(id, '/connect')), 'Connect')) {
      showNotice('Connecting: the QR code appears in a moment.');
      ctx.refresh();
    }
  }
  async function restart() {
    const res = await act(restartBtn, () => api('POST', inst(id, '/restart')), 'Restart');
    if (res) {
      showNotice(res.message || 'Restarting…');
      ctx.refresh();
    }
  }
  async function logout() {
    if (!confirm(`Log out "${id}"? The WhatsApp account is unlinked; connecting again needs a new scan.`)) return;
    if (await act(logoutBtn, () => api('POST', inst(id, '/logout')), 'Log out')) {
      showNotice('Logged out.');
      ctx.refresh();
    }
  }
  async function remove() {
    if (!confirm(`Delete instance "${id}" with its messages, media and session? This cannot be undone.`)) return;
    if (await act(deleteBtn, () => api('DELETE', inst(id)), 'Delete')) {
      showNotice(`Instance ${id} deleted.`);
      ctx.gone();
    }
  }

  const connection = h(
    'div',
    { class: 'card' },
    h('h2', { id: 'panel-title', tabindex: '-1' }, 'Connection'),
    statusLine,
    h('div', { class: 'actions' }, connectBtn, restartBtn, logoutBtn, deleteBtn),
    waiting,
    qrBox,
    pairingBox,
    pairForm,
  );

  // ---- account and details ----
  const accountBox = h('div');
  const account = h('div', { class: 'card' }, h('h2', null, 'Account'), accountBox);
  const details = h(
    'div',
    { class: 'card' },
    h('h2', null, 'Details'),
    h(
      'dl',
      { class: 'facts' },
      h('dt', null, 'Engine'),
      h('dd', null, ctx.details?.engine ?? '—'),
      h('dt', null, 'Description'),
      h('dd', null, ctx.details?.description || '—'),
      h('dt', null, 'Created'),
      h('dd', null, when(ctx.details?.createdAt)),
    ),
  );

  // ---- statistics ----
  const statsBox = h('div', null, h('p', { class: 'muted' }, 'Loading…'));
  async function loadStats() {
    try {
      const s = await api('GET', inst(id, '/messages/statistics'));
      fill(
        statsBox,
        h(
          'dl',
          { class: 'stats' },
          ['total', 'sent', 'delivered', 'read', 'received', 'pending', 'failed'].map((k) =>
            h('div', null, h('dt', null, k), h('dd', null, String(s[k] ?? 0))),
          ),
        ),
      );
    } catch (err) {
      fill(statsBox, h('p', { class: 'form-error' }, err.message));
    }
  }
  const stats = h(
    'div',
    { class: 'card' },
    h('div', { class: 'card-head' }, h('h2', null, 'Messages'), h('button', { type: 'button', onclick: loadStats }, 'Refresh')),
    statsBox,
  );

  // ---- sandbox ----
  let sandboxCard = null;
  let scanForm = null;
  let incomingForm = null;
  if (isSandbox) {
    const scanPhone = h('input', { type: 'tel', name: 'phone', autocomplete: 'off', placeholder: 'made up when empty' });
    const scanName = h('input', { name: 'name', autocomplete: 'off' });
    scanForm = h(
      'form',
      { class: 'inline-form', 'aria-label': 'Simulate scan' },
      field('Phone (optional)', scanPhone),
      field('Name (optional)', scanName),
      h('button', { type: 'submit', class: 'primary' }, 'Simulate scan'),
    );
    scanForm.addEventListener('submit', async (e) => {
      e.preventDefault();
      const body = {};
      if (scanPhone.value.trim()) body.phone = scanPhone.value.trim();
      if (scanName.value.trim()) body.name = scanName.value.trim();
      const res = await act(scanForm, () => api('POST', sandbox(id, '/scan'), body), 'Simulate scan');
      if (res) {
        showNotice(`Linked as ${res.account?.name ?? ''} +${res.account?.phone ?? ''}`);
        ctx.refresh();
      }
    });
    const from = h('input', { type: 'tel', name: 'from', autocomplete: 'off', placeholder: '905551112233', required: true });
    const name = h('input', { name: 'name', autocomplete: 'off' });
    const body = h('input', { name: 'body', autocomplete: 'off', required: true });
    incomingForm = h(
      'form',
      { class: 'inline-form', 'aria-label': 'Simulate an incoming message' },
      field('From', from),
      field('Sender name (optional)', name),
      field('Message', body),
      h('button', { type: 'submit' }, 'Receive it'),
    );
    incomingForm.addEventListener('submit', async (e) => {
      e.preventDefault();
      const payload = { from: from.value.trim(), body: body.value };
      if (name.value.trim()) payload.name = name.value.trim();
      const res = await act(incomingForm, () => api('POST', sandbox(id, '/incoming'), payload), 'Simulate incoming message');
      if (res) {
        showNotice(`Message ${res.id} received.`);
        body.value = '';
        loadStats();
      }
    });
    sandboxCard = h(
      'div',
      { class: 'card card-sandbox' },
      h('h2', null, 'Sandbox controls'),
      h('p', { class: 'muted' }, 'This instance is simulated: these play the part of the phone and of your contacts.'),
      h('h3', null, 'Scan the QR code'),
      scanForm,
      h('h3', null, 'Simulate an incoming message'),
      incomingForm,
    );
  }

  function update() {
    const st = ctx.status ?? { status: 'disconnected' };
    fill(statusLine, 'Status: ', statusBadge(st.status), st.error ? h('span', { class: 'muted' }, ` — ${st.error}`) : null);
    connectBtn.hidden = st.status !== 'disconnected';
    const connecting = st.status === 'connecting';
    qrBox.hidden = !(connecting && ctx.qrCode);
    waiting.hidden = !(connecting && !ctx.qrCode && !st.pairingCode);
    if (ctx.qrCode && qrImg.getAttribute('src') !== ctx.qrCode) qrImg.src = ctx.qrCode;
    if (st.pairingCode && connecting) showPairing(st.pairingCode);
    else if (!connecting) pairingBox.hidden = true;
    pairForm.hidden = st.status === 'open';
    if (scanForm) for (const el of scanForm.elements) el.disabled = !connecting;
    if (incomingForm) for (const el of incomingForm.elements) el.disabled = st.status !== 'open';
    if (ctx.account) {
      fill(
        accountBox,
        h(
          'dl',
          { class: 'facts' },
          h('dt', null, 'Name'),
          h('dd', null, ctx.account.name || '—'),
          h('dt', null, 'Phone'),
          h('dd', null, ctx.account.phone ? `+${ctx.account.phone}` : '—'),
          h('dt', null, 'WhatsApp id'),
          h('dd', null, h('code', null, ctx.account.id)),
        ),
      );
    } else {
      fill(accountBox, h('p', { class: 'muted' }, st.status === 'open' ? 'Loading…' : 'No account linked: connect and scan the QR code.'));
    }
  }

  let lastStatus = ctx.status?.status;
  const unsubscribe = ctx.onChange(() => {
    update();
    if (ctx.status?.status !== lastStatus) {
      lastStatus = ctx.status?.status;
      if (lastStatus === 'open') loadStats();
    }
  });
  update();
  loadStats();

  const el = h('div', { class: 'grid' }, h('div', { class: 'col' }, connection, sandboxCard), h('div', { class: 'col' }, account, stats, details, deleteDataCard(id, () => loadStats())));
  return { el, stop: unsubscribe };
}
