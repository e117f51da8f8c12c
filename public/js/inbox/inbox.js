// The inbox: one instance's chats beside the open conversation and its composer, kept live by the
// event stream. Used by the dashboard (#/inbox) and by the embed page (an embed token's instances).
import { api, ApiError, inst } from '../api.js';
import { announce, h, showError } from '../dom.js';
import { avatar } from './avatars.js';
import { chatList } from './chat-list.js';
import { composer } from './composer.js';
import { conversation, react } from './conversation.js';
import { reactionMenu } from './emoji.js';
import { isGroup, phoneOf } from './format.js';
import { liveEvents } from './live.js';

const MESSAGE_EVENTS = new Set(['message_received', 'message_ack', 'message_edited', 'message_revoked', 'message_reaction', 'poll_vote']);
const STATUS_WORDS = { connected: 'open', open: 'open', connecting: 'connecting', disconnected: 'disconnected' };

/**
 * opts: { instances: [{ id, status, account }], instanceId?, canSend, onInstance?(id), mayRetry() }
 * Answers { el, stop() }.
 */
export function inbox(opts) {
  const side = h('aside', { class: 'inbox-side' });
  const main = h('section', { class: 'inbox-main', 'aria-label': 'Conversation' });
  const el = h('div', { class: 'inbox' }, side, main);
  let session = null;

  function start(instanceId) {
    session?.stop();
    const instance = opts.instances.find((i) => i.id === instanceId) ?? opts.instances[0];
    session = instanceSession(instance, opts, side, main, (id) => {
      start(id);
      opts.onInstance?.(id);
    });
  }
  start(opts.instanceId);
  return { el, stop: () => session?.stop() };
}

function instancePicker(opts, instance, onSwitch) {
  if (opts.instances.length < 2) return h('h2', { class: 'inbox-instance-name' }, instance.account?.name || instance.id);
  const select = h(
    'select',
    { class: 'inbox-instance-select', 'aria-label': 'Instance' },
    opts.instances.map((i) => h('option', { value: i.id, selected: i.id === instance.id }, i.account?.name ? `${i.account.name} (${i.id})` : i.id)),
  );
  select.addEventListener('change', () => onSwitch(select.value));
  return select;
}

function instanceSession(instance, opts, side, main, onSwitch) {
  const instanceId = instance.id;
  let status = STATUS_WORDS[instance.status] ?? instance.status;
  let open = null; // { chat, conv, comp, presence }
  let stopped = false;
  let chatsTimer = null;
  let chatsSeq = 0;
  let readTimer = null;
  let unseen = false;
  let readRefused = false; // a key without `send` may not mark read: said once, then not tried again

  const liveBadge = h('span', { class: 'live-state', role: 'status' }, 'Connecting…');
  const statusBadge = h('span', { class: 'badge' });
  const list = chatList({ instanceId, onOpen: (chat) => openChat(chat) });
  side.replaceChildren(h('div', { class: 'inbox-head' }, instancePicker(opts, instance, onSwitch), h('div', { class: 'inbox-states' }, statusBadge, liveBadge)), list.el);
  main.replaceChildren(h('div', { class: 'conv-placeholder' }, h('p', null, 'Choose a chat to read and answer it.')));

  function setStatus(next) {
    status = next;
    statusBadge.className = `badge badge-${status}`;
    statusBadge.textContent = status === 'open' ? 'connected' : status;
    open?.comp?.setEnabled(status === 'open', `This number is ${status}: messages cannot be sent until it is connected again.`);
  }
  setStatus(status);

  async function loadChats() {
    const seq = ++chatsSeq;
    try {
      const chats = await api('GET', inst(instanceId, '/chats'));
      if (stopped || seq !== chatsSeq) return;
      list.setNotice(null);
      list.set(chats);
      if (open) {
        const fresh = chats.find((c) => c.id === open.chat.id);
        if (fresh && fresh.name !== open.chat.name) open.title.textContent = fresh.name;
      }
    } catch (err) {
      if (stopped || seq !== chatsSeq) return;
      if (err instanceof ApiError && err.status === 409) list.setNotice(`This number is ${status === 'open' ? 'not connected' : status}: its chats show once it is connected.`);
      else showError(err, 'Chats');
    }
  }
  function scheduleChats() {
    if (chatsTimer) return;
    chatsTimer = setTimeout(() => {
      chatsTimer = null;
      void loadChats();
    }, 400);
  }

  async function markRead(chat) {
    if (!opts.canSend || readRefused || stopped || document.hidden) {
      unseen = true;
      return;
    }
    unseen = false;
    try {
      await api('POST', inst(instanceId, '/chats/read'), { chatId: chat.id });
      scheduleChats();
    } catch (err) {
      if (err instanceof ApiError && err.status === 403) readRefused = true;
      if (!(err instanceof ApiError && err.status === 409)) showError(err, 'Mark read');
    }
  }
  function markReadSoon() {
    clearTimeout(readTimer);
    readTimer = setTimeout(() => open && markRead(open.chat), 300);
  }
  const onVisible = () => {
    if (!document.hidden && open && unseen) markRead(open.chat);
  };
  document.addEventListener('visibilitychange', onVisible);

  function onReact(chat, m, button) {
    const mine = m.reactions?.find((r) => r.fromMe)?.emoji ?? '';
    reactionMenu(button, mine, async (emoji) => {
      try {
        await api('POST', inst(instanceId, '/messages/reaction'), { to: chat.id, msgId: m.id, emoji });
        open?.conv.update(m.id, (x) => react(x, { from: instance.account?.id ?? '', fromMe: true, emoji, timestamp: Math.floor(Date.now() / 1000) }));
      } catch (err) {
        showError(err, 'React');
      }
    });
  }

  function openChat(chat) {
    open?.conv.stop();
    const conv = conversation({
      instanceId,
      chat,
      canSend: opts.canSend,
      onReply: (m) => comp?.replyTo(m),
      onReact: (m, button) => onReact(chat, m, button),
    });
    const comp = opts.canSend
      ? composer({
          instanceId,
          chat,
          onSent: (m) => {
            conv.upsert(m);
            conv.refreshNewest();
          },
        })
      : null;
    const title = h('h2', { class: 'conv-title', tabindex: '-1' }, chat.name);
    const presence = h('span', { class: 'conv-presence', 'aria-live': 'polite' });
    const head = h(
      'header',
      { class: 'conv-head' },
      avatar(instanceId, chat, 'sm'),
      h('div', { class: 'conv-names' }, title, h('span', { class: 'conv-sub muted' }, isGroup(chat.id) ? 'Group' : phoneOf(chat.id), ' ', presence)),
    );
    const footer = comp ? comp.el : h('p', { class: 'conv-readonly muted' }, 'Read only: this link can show the chats, not answer them.');
    main.replaceChildren(head, conv.el, footer);
    open = { chat, conv, comp, title, presence, presenceTimer: null };
    setStatus(status);
    list.setOpen(chat.id);
    title.focus();
    document.title = `${chat.name} — Inbox`;
    conv.load().then(
      () => {
        if (chat.unreadCount > 0 || chat.markedUnread) markRead(chat);
      },
      (err) => showError(err, 'Messages'),
    );
  }

  function showPresence(d) {
    if (!open) return;
    const words = { composing: 'typing…', recording: 'recording audio…' };
    const who = isGroup(open.chat.id) ? `${phoneOf(d.from)} is ` : '';
    open.presence.textContent = words[d.state] ? `· ${who}${words[d.state]}` : d.state === 'available' ? '· online' : '';
    clearTimeout(open.presenceTimer);
    open.presenceTimer = setTimeout(() => open && (open.presence.textContent = ''), 10_000);
  }

  function onEvent(e) {
    if (e.instance_id !== instanceId) return;
    const d = e.data ?? {};
    if (e.event === 'connection_status') {
      const before = status;
      setStatus(STATUS_WORDS[d.status] ?? d.status);
      if (status !== before) announce(`The number is now ${status === 'open' ? 'connected' : status}`);
      if (status === 'open') scheduleChats();
      return;
    }
    if (e.event === 'presence_update') {
      if (open && d.chatId === open.chat.id) showPresence(d);
      return;
    }
    if (!MESSAGE_EVENTS.has(e.event)) return;
    const chatId = d.chatId;
    if (open && chatId === open.chat.id) {
      open.conv.apply(e);
      if (e.event === 'message_received') markReadSoon();
    }
    if (e.event !== 'message_reaction' && e.event !== 'poll_vote') scheduleChats();
  }

  const live = liveEvents({
    instanceId,
    onEvent,
    onReady: () => void loadChats(),
    onResync: () => {
      void loadChats();
      open?.conv.refreshNewest();
    },
    onState: (state) => {
      liveBadge.textContent = state === 'live' ? '● Live' : 'Reconnecting…';
      liveBadge.dataset.state = state;
    },
    mayRetry: opts.mayRetry,
  });

  return {
    stop() {
      stopped = true;
      live.stop();
      open?.conv.stop();
      clearTimeout(chatsTimer);
      clearTimeout(readTimer);
      document.removeEventListener('visibilitychange', onVisible);
    },
  };
}
