// `window.__wa`: how a test plays the phone, WhatsApp's servers and the clock, and reads what
// reached them. Every answer is plain data (it crosses CDP by value). Loaded last; it boots. The
// controls of 10-12 (what others do to messages and groups, calls, the account's settings) join it
// from `I.controls`.
(function (I) {
  'use strict';
  const { world } = I;
  const { Chat, Msg, Blocklist } = I.collections;

  const chatSummary = (chat) => ({
    id: I.keyOf(chat.id),
    title: chat.formattedTitle,
    unreadCount: chat.unreadCount,
    archive: Boolean(chat.archive),
    t: chat.t,
    messages: chat.msgs.length,
    isGroup: !!chat.groupMetadata,
  });

  const wa = {
    shape: () => I.shapeName,
    version: () => I.shape.version,
    state: () => I.Socket.state,
    hasSynced: () => I.Socket.hasSynced,
    me: () => world.me,
    /** The cast and groups, with the ids WhatsApp Web uses for them now. */
    world: () => ({
      people: world.people.map((p) => ({ ...p, pn: `${p.phone}@c.us`, lidId: `${p.lid}@lid`, chatId: I.keyOf(world.chatIdOf(p)) })),
      groups: world.groups.map((g) => ({ ...g })),
    }),
    configure(settings) {
      Object.assign(world.settings, settings);
      return { ...world.settings };
    },

    // linking
    showQr: () => I.showQr(),
    qrRef: () => I.Conn.ref,
    rotateQr: () => I.rotateQr(),
    idle: () => I.idle(),
    scan: (phone = '905550000001', name = 'Imitation Phone', options = {}) => {
      I.scan(phone, name, options);
      return world.me;
    },
    completeSync: () => I.completeSync(),
    reload: (options) => I.reload(options),
    logout: () => I.logoutFromPhone(),
    disconnect: (state) => I.disconnect(state),

    // messages
    receive: (spec) => I.receive(spec),
    holdMessages() {
      I.holding = true;
    },
    release: () => I.release(),
    deafen: (options) => I.deafen(options),
    ack(ref, level) {
      const msg = I.findMessage(ref);
      if (!msg.id.fromMe) throw new Error('only messages sent from this account get acks');
      msg.updateAck(level);
      return I.describe(msg);
    },
    /** Moves a message `seconds` into the past (for the revoke window). */
    age(ref, seconds) {
      const msg = I.findMessage(ref);
      msg.set('t', msg.t - seconds);
      I.persist();
      return I.describe(msg);
    },
    message: (ref) => {
      try {
        return I.describe(I.findMessage(ref));
      } catch {
        return null;
      }
    },
    cdn(directPath) {
      const file = world.cdn.get(directPath);
      return file ? { mimetype: file.mimetype, data: I.bytesToB64(file.bytes) } : null;
    },

    // the account's store
    chats: () => Chat.getModelsArray().map(chatSummary),
    chat: (id) => (Chat.get(id) ? chatSummary(Chat.get(id)) : null),
    blocklist: () => Blocklist.getModelsArray().map((b) => I.keyOf(b.id)),
    knownLids: () => Object.fromEntries(I.lids.entries().map(([lid, pn]) => [`${lid}@lid`, `${pn}@c.us`])),
    messageCount: () => Msg.length,

    // what reached WhatsApp
    outbox: () => world.log.outbox.map((e) => ({ ...e })),
    reactions: () => [...world.log.reactions],
    revoked: () => [...world.log.revoked],
    deletedForMe: () => [...world.log.deletedForMe],
    seen: () => [...world.log.seen],
    archived: () => [...world.log.archived],
    deletedChats: () => [...world.log.deletedChats],
    blocks: () => [...world.log.blocks],
    stats: () => ({ queries: { ...world.queries }, qrRefreshes: world.log.qrRefreshes, modals: world.log.modals }),
    /** Modules whatsapp-web.js asked for, and those the imitation does not have. */
    modulesRequired: () => [...I.required].sort(),
    missingModules: () => [...I.missing].sort(),
    ...I.controls,
  };

  // A reload may ask WhatsApp Web to take a while to boot (window.require missing meanwhile).
  const delay = Number(sessionStorage.getItem('__imitation.bootDelayMs') || 0);
  sessionStorage.removeItem('__imitation.bootDelayMs');
  setTimeout(() => {
    I.boot();
    window.__wa = wa;
  }, delay);
})(window.__imitation);
