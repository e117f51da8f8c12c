// The account and what it shows others: its name, about and presence, what it shows in a chat
// (typing, recording), pinned, muted and unread chats, WhatsApp Business labels, channels
// (newsletters), people's about texts, and calls (ringing, declined). Plus the controls for calls.
(function (I) {
  'use strict';
  const { world } = I;
  const { Chat, Label, WAWebNewsletterCollection, NewsletterMetadataCollection } = I.collections;
  const controls = (I.controls = I.controls || {});
  const serverError = (text, statusCode) => I.namedError('ServerStatusCodeError', text, { statusCode });

  // --- profile and presence ----------------------------------------------------------------------
  I.define('WAWebSetPushnameConnAction', {
    async setPushname(name) {
      world.log.profile.push({ action: 'name', value: name });
      world.me.name = name;
      I.Conn.pushname = name;
      I.persist();
    },
  });
  I.define('WAWebContactStatusBridge', {
    async setMyStatus(status) {
      world.log.profile.push({ action: 'about', value: status });
      world.me.about = status;
      I.persist();
      return { status: 200 };
    },
    /** Someone's about text; `status` is left out when they keep it to their contacts. */
    async getStatus({ wid }) {
      if (world.isMe(wid)) return { status: world.me.about };
      const about = world.person(wid)?.about;
      return typeof about === 'string' ? { status: about } : {};
    },
  });
  I.define('WAWebPresenceChatAction', {
    async sendPresenceAvailable() {
      world.log.presence.push('available');
    },
    async sendPresenceUnavailable() {
      world.log.presence.push('unavailable');
    },
  });
  const chatState = (state) => async (wid) => {
    world.log.chatStates.push({ chat: I.keyOf(wid), state });
  };
  I.define('WAWebChatStateBridge', {
    sendChatStateComposing: chatState('composing'),
    sendChatStateRecording: chatState('recording'),
    sendChatStatePaused: chatState('paused'),
  });

  // --- chat settings -------------------------------------------------------------------------------
  const markChatUnread = I.Cmd.markChatUnread;
  Object.assign(I.Cmd, {
    async pinChat(chat, pin) {
      world.log.pins.push({ chat: I.keyOf(chat.id), pin });
      chat.set('pin', pin ? I.now() : undefined);
      I.persist();
    },
    async markChatUnread(chat, unread) {
      world.log.unread.push({ chat: I.keyOf(chat.id), unread });
      await markChatUnread(chat, unread);
      I.persist();
    },
  });

  // --- labels (WhatsApp Business) ------------------------------------------------------------------
  Label.addOrRemoveLabels = async (actions, chats) => {
    for (const chat of chats) {
      let labels = [...(chat.labels ?? [])];
      for (const { id, type } of actions) labels = type === 'add' ? [...new Set([...labels, String(id)])] : labels.filter((l) => l !== String(id));
      world.log.labels.push({ chat: I.keyOf(chat.id), labels });
      chat.set('labels', labels);
    }
    I.persist();
    return true;
  };

  // --- channels ------------------------------------------------------------------------------------
  const channelById = (id) => world.channels.find((c) => c.id === I.keyOf(id));
  /** A channel's chat and metadata models, as WhatsApp Web keeps those it shows. */
  function channelChat(channel) {
    const meta =
      NewsletterMetadataCollection.get(channel.id) ??
      NewsletterMetadataCollection.add(new I.Model({ id: I.wid(channel.id) }), { silent: true });
    meta.set({ name: channel.name, description: channel.description, membershipType: channel.role, subscribersCount: channel.subscribers, creationTime: 1767225600, inviteCode: channel.inviteCode });
    const chat = WAWebNewsletterCollection.get(channel.id) ?? WAWebNewsletterCollection.add(new I.ChatModel({ id: I.wid(channel.id), name: channel.name }), { silent: true });
    chat.newsletterMetadata = meta;
    return chat;
  }
  NewsletterMetadataCollection.update = async (wid) => {
    const channel = channelById(wid);
    if (channel) channelChat(channel);
  };
  WAWebNewsletterCollection.find = async (wid) => WAWebNewsletterCollection.get(wid);
  I.define('WAWebLoadNewsletterPreviewChatAction', {
    async loadNewsletterPreviewChat(id) {
      const channel = channelById(id);
      if (!channel) throw serverError('item-not-found', 404);
      return channelChat(channel);
    },
  });
  I.define('WAWebNewsletterModelUtils', { getRoleByIdentifier: () => 'guest' });
  I.define('WAWebNewsletterMetadataQueryJob', {
    async queryNewsletterMetadataByInviteCode(code) {
      const channel = world.channels.find((c) => c.inviteCode === code);
      if (!channel) throw serverError('item-not-found', 404);
      return {
        idJid: channel.id,
        newsletterCreationTimeMetadataMixin: { creationTimeValue: 1767225600 },
        newsletterNameMetadataMixin: { nameElementValue: channel.name, nameUpdateTime: 1767225600 },
        newsletterDescriptionMetadataMixin: { descriptionQueryDescriptionResponseMixin: { elementValue: channel.description, updateTime: 1767225600 } },
        newsletterInviteLinkMetadataMixin: { inviteCode: channel.inviteCode },
        newsletterStateMetadataMixin: { stateType: 'active' },
        newsletterSubscribersMetadataMixin: { subscribersCount: channel.subscribers },
        newsletterVerificationMetadataMixin: { verificationState: 'unverified' },
      };
    },
  });
  const follow = (role) =>
    async function (chat, options = {}) {
      const channel = channelById(chat.id);
      world.log.channels.push({ channel: channel.id, action: role === 'subscriber' ? 'follow' : 'unfollow' });
      channel.role = role;
      channelChat(channel);
      if (role === 'guest' && options.deleteLocalModels) {
        WAWebNewsletterCollection.remove(channel.id);
        NewsletterMetadataCollection.remove(channel.id);
      }
      I.persist();
    };
  I.define('WAWebNewsletterSubscribeAction', { subscribeToNewsletterAction: follow('subscriber') });
  I.define('WAWebNewsletterUnsubscribeAction', { unsubscribeFromNewsletterAction: follow('guest') });

  /** What a linked account holds besides chats: its channels, and its labels on a business account. */
  I.loadAccountExtras = () => {
    for (const channel of world.channels) if (channel.role !== 'guest') channelChat(channel);
    if (I.Conn.platform === 'smba') for (const label of world.labels) Label.get(label.id) ?? Label.add(new I.LabelModel({ ...label }), { silent: true });
  };

  // --- calls ---------------------------------------------------------------------------------------
  const calls = I.module('WAWebCallCollection');
  I.define('WAWap', {
    wap: (tag, attrs, content) => ({ tag, attrs, content }),
    generateId: () => I.randomHex(16),
  });
  I.define('WADeprecatedSendIq', {
    /** A stanza reaches the server: a call's `reject` ends it. */
    async deprecatedCastStanza(stanza) {
      const reject = (stanza.content ?? []).find((c) => c.tag === 'reject');
      if (stanza.tag !== 'call' || !reject) return;
      const id = reject.attrs['call-id'];
      world.log.calls.push({ action: 'reject', id, to: stanza.attrs.to, from: stanza.attrs.from, creator: reject.attrs['call-creator'] });
      const call = world.calls.get(id);
      if (call) call.state = 'rejected';
    },
  });

  Object.assign(controls, {
    /** Someone calls the account: WhatsApp Web files the call, which whatsapp-web.js reports (its `call` event). */
    call({ from, isVideo = false }) {
      const person = world.person(from);
      if (!person) throw new Error(`no such person ${from}`);
      const id = I.randomHex(32);
      const peerJid = world.chatIdOf(person);
      world.calls.set(id, { id, peer: I.keyOf(peerJid), state: 'ringing' });
      calls.calls.set(id, { id, peerJid, isVideo, isGroup: false, canHandleLocally: false, outgoing: false, webClientShouldHandle: false, participants: [], offerTime: I.now() });
      return { id, peer: I.keyOf(peerJid) };
    },
    calls: () => [...world.calls.values()].map((c) => ({ ...c })),
    /** The account's profile as others see it. */
    profile: () => ({ name: world.me?.name ?? null, about: world.me?.about ?? null, picture: world.me ? (world.pictures.get(`${world.me.phone}@c.us`) ?? null) : null }),
    channels: () => world.channels.map((c) => ({ id: c.id, name: c.name, role: c.role, inviteCode: c.inviteCode })),
    /** A chat's settings as WhatsApp Web holds them. */
    chatSettings(id) {
      const chat = Chat.get(id);
      return chat ? { pin: chat.pin ?? null, muteExpiration: chat.mute.expiration, unreadCount: chat.unreadCount, labels: chat.labels ?? [] } : null;
    },
    /** Whatever this account did that reached WhatsApp, by kind (edits, stars, pins, mutes, unread, chatStates, presence, profile, groups, channels, labels, calls). */
    log: (kind) => {
      if (!Array.isArray(world.log[kind])) throw new Error(`no log ${kind}`);
      return world.log[kind].map((e) => (typeof e === 'object' ? { ...e } : e));
    },
  });
})(window.__imitation);
