// The open conversation: its messages oldest to newest, older pages loaded by cursor as the person
// scrolls up, and every change from the event stream applied to the one row it concerns (so a
// playing video or a half-read page is left alone).
import { api, inst, query } from '../api.js';
import { h, showError } from '../dom.js';
import { messageRow, nameFrom, rowId } from './bubble.js';
import { dayLabel, isAhead, isGroup } from './format.js';

const PAGE = 40;
const NEAR = 80; // px from an edge that counts as "at" it

/**
 * opts: { instanceId, chat: { id, name }, canSend, onReply(m), onReact(m, button) }
 * Answers { el, load(), apply(event), upsert(m), refreshNewest(), update(id, fn), message(id), stop() }.
 */
export function conversation(opts) {
  const { instanceId, chat } = opts;
  const list = []; // oldest first
  const byId = new Map();
  let nextCursor = null;
  let loadingOlder = false;
  let stopped = false;
  let refreshTimer = null;

  const top = h('div', { class: 'conv-top muted' }, 'Loading…');
  const rows = h('div', { class: 'conv-rows' });
  const scroller = h('div', { class: 'conv-scroll', role: 'log', 'aria-label': `Messages with ${chat.name}`, 'aria-live': 'off', tabindex: '0' }, top, rows);
  const newer = h('button', { type: 'button', class: 'conv-newer', hidden: true, onclick: () => toBottom() }, '↓ New messages');
  const el = h('div', { class: 'conv-body' }, scroller, newer);

  const ctx = {
    group: isGroup(chat.id),
    chatName: chat.name,
    canSend: opts.canSend,
    quoted: (id) => byId.get(id),
    nameOf: nameFrom(chat),
    onReply: (m) => opts.onReply(m),
    onReact: (m, button) => opts.onReact(m, button),
    onJump: (id) => jumpTo(id),
  };

  const atBottom = () => scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < NEAR;
  function toBottom() {
    scroller.scrollTop = scroller.scrollHeight;
    newer.hidden = true;
  }

  /** Day headings before the first message of each day (rebuilt in one pass; rows stay). */
  function markDays() {
    for (const sep of rows.querySelectorAll('.day-sep')) sep.remove();
    let last = '';
    for (const m of list) {
      const day = dayLabel(m.timestamp);
      if (day === last) continue;
      last = day;
      document.getElementById(rowId(m.id))?.before(h('div', { class: 'day-sep', role: 'separator' }, h('span', null, day)));
    }
  }

  function render(m) {
    return messageRow(m, ctx);
  }

  /** Replaces a message's row, and rows quoting it (their quote shows it now). */
  function rerender(m) {
    document.getElementById(rowId(m.id))?.replaceWith(render(m));
    for (const q of rows.querySelectorAll('.msg-quote')) {
      if (q.dataset.quoted === m.id) {
        const quoting = byId.get(q.closest('.msg-row')?.dataset.id);
        if (quoting) document.getElementById(rowId(quoting.id))?.replaceWith(render(quoting));
      }
    }
  }

  /**
   * Adds or updates a message; its status never moves back (an event may be newer than a page).
   * A new one goes by its time (after others of the same second), or first with `older` (a page
   * from the cursor: older than everything shown, in the server's order).
   */
  function upsert(m, older = false) {
    if (m.chatId && m.chatId !== chat.id) return;
    const known = byId.get(m.id);
    if (known) {
      const merged = { ...known, ...m };
      if (isAhead(known.status, m.status)) merged.status = known.status;
      Object.assign(known, merged);
      rerender(known);
      return;
    }
    const stick = atBottom();
    let at = older ? 0 : list.length;
    while (at > 0 && list[at - 1].timestamp > m.timestamp) at -= 1;
    list.splice(at, 0, m);
    byId.set(m.id, m);
    const row = render(m);
    const after = list[at + 1];
    if (after) document.getElementById(rowId(after.id))?.before(row);
    else rows.append(row);
    markDays();
    if (at === list.length - 1) {
      if (stick || m.fromMe) toBottom();
      else newer.hidden = false;
    }
    // A reply that arrived before its quoted message was shown can show it now.
    for (const other of list) if (other.quotedMessageId === m.id && other !== m) rerender(other);
  }

  /** Changes a known message in place (fn mutates it); answers whether it was known. */
  function update(id, fn) {
    const m = byId.get(id);
    if (!m) return false;
    fn(m);
    rerender(m);
    return true;
  }

  async function fetchPage(params) {
    return api('GET', inst(instanceId, `/chats/messages${query({ chatId: chat.id, limit: PAGE, ...params })}`));
  }

  function setTop() {
    top.textContent = nextCursor ? 'Scroll up for older messages' : list.length ? 'The beginning of the conversation' : 'No messages yet. Say hello!';
  }

  async function load() {
    const page = await fetchPage({});
    if (stopped) return;
    nextCursor = page.nextCursor;
    for (const m of [...page.items].reverse()) upsert(m);
    setTop();
    toBottom();
    scroller.setAttribute('aria-live', 'polite'); // from now on, what arrives is read out (not the first page)
  }

  async function loadOlder() {
    if (loadingOlder || !nextCursor || stopped) return false;
    loadingOlder = true;
    top.textContent = 'Loading older messages…';
    try {
      const page = await fetchPage({ cursor: nextCursor });
      if (stopped) return false;
      const fromBottom = scroller.scrollHeight - scroller.scrollTop;
      nextCursor = page.nextCursor;
      for (const m of page.items) if (!byId.has(m.id)) upsert(m, true); // newest first, each before the last
      scroller.scrollTop = scroller.scrollHeight - fromBottom; // the page does not jump
      return true;
    } catch (err) {
      showError(err, 'Older messages');
      return false;
    } finally {
      loadingOlder = false;
      setTop();
    }
  }

  scroller.addEventListener('scroll', () => {
    if (scroller.scrollTop < NEAR) void loadOlder();
    if (atBottom()) newer.hidden = true;
  });

  /** Shows a message, loading older pages until it is there (at most ten). */
  async function jumpTo(id) {
    for (let i = 0; i < 10 && !byId.has(id) && nextCursor; i++) if (!(await loadOlder())) break;
    const row = document.getElementById(rowId(id));
    if (!row) return;
    row.scrollIntoView({ block: 'center' });
    row.classList.add('flash');
    setTimeout(() => row.classList.remove('flash'), 1500);
  }

  /** Reads the newest page again and merges it (after a send, or a message this page has not seen). */
  function refreshNewest() {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(async () => {
      try {
        const page = await fetchPage({});
        if (!stopped) for (const m of [...page.items].reverse()) upsert(m);
      } catch (err) {
        showError(err, 'Messages');
      }
    }, 150);
  }

  /** An event of the stream about this chat. */
  function apply(e) {
    const d = e.data;
    switch (e.event) {
      case 'message_received':
        upsert({ ...d, status: 'received' });
        break;
      case 'message_ack':
        if (!update(d.id, (m) => isAhead(d.status, m.status) && (m.status = d.status))) refreshNewest(); // sent from elsewhere
        break;
      case 'message_edited':
        update(d.id, (m) => {
          if (m.originalBody === undefined && d.previousBody !== null) m.originalBody = d.previousBody;
          if (m.caption !== undefined) m.caption = d.body;
          m.body = d.body;
          m.editedAt = d.timestamp;
        });
        break;
      case 'message_revoked':
        update(d.id, (m) => {
          Object.assign(m, { type: 'revoked', body: '' });
          for (const key of ['caption', 'media', 'reactions', 'location', 'poll', 'vcard', 'votes']) delete m[key];
        });
        break;
      case 'message_reaction':
        update(d.id, (m) => react(m, d));
        break;
      case 'poll_vote':
        update(d.pollId, (m) => {
          m.votes = [...(m.votes ?? []).filter((v) => v.voter !== d.voter), { voter: d.voter, selected: d.selected, timestamp: d.timestamp }];
        });
        break;
    }
  }

  return {
    el,
    load,
    apply,
    upsert,
    update,
    refreshNewest,
    message: (id) => byId.get(id),
    stop() {
      stopped = true;
      clearTimeout(refreshTimer);
    },
  };
}

/** One reaction per person: `r` ({ from, fromMe, emoji, timestamp }) replaces theirs; '' takes it back. */
export function react(m, r) {
  const others = (m.reactions ?? []).filter((x) => (r.fromMe ? !x.fromMe : x.from !== r.from));
  m.reactions = r.emoji ? [...others, { emoji: r.emoji, from: r.from, fromMe: r.fromMe, timestamp: r.timestamp }] : others;
}
