// Acting on messages beyond a send: replies, edits, forwards, stars, and the reaction and poll-vote
// tables WhatsApp Web files what others do in (which whatsapp-web.js hooks for its events); plus
// the controls for what the other side does to messages (edit, revoke, react, vote).
(function (I) {
  'use strict';
  const { world } = I;
  const { Chat } = I.collections;
  const controls = (I.controls = I.controls || {});

  /** Whether a message may still be edited: WhatsApp allows 15 minutes for our own texts and captions. */
  const editable = (msg) => msg.id.fromMe && msg.type !== 'revoked' && I.now() - (msg.t ?? 0) <= world.settings.editWindowSec;
  Object.assign(I.module('WAWebMsgActionCapability'), {
    canEditText: (msg) => editable(msg) && msg.type === 'chat',
    canEditCaption: (msg) => editable(msg) && ['image', 'video', 'document'].includes(msg.type),
    canStarMsg: (msg) => msg.type !== 'revoked',
  });

  /** The library asks it before quoting (WWebJS.sendMessage). */
  I.define('WAWebMsgReply', { canReplyMsg: (msg) => msg.type !== 'revoked' && !msg.isViewOnce });

  /** The key, addressing and send attributes of a message this account writes in `chat`. */
  I.ownMessage = (chat, attrs) => {
    const remote = I.wid(chat.id);
    const group = world.group(remote);
    const from = remote.isLid() || group?.lidAddressing ? world.meLid() : world.mePn();
    const id = new I.MsgKey({ fromMe: true, remote, id: `3EB0${I.randomHex(18)}`, participant: group ? from : undefined });
    return { id, from, to: remote, ...(group ? { author: from } : {}), t: I.now(), self: 'out', ack: 0, local: true, isNewMsg: true, ...attrs };
  };

  I.define('WAWebSendMessageEditAction', {
    /** Our edit reaches WhatsApp; WhatsApp Web changes the message in place (`change:body`, which the library reports). */
    async sendMessageEdit(msg, text) {
      const field = msg.type === 'chat' ? 'body' : 'caption';
      world.log.edits.push({ key: I.keyOf(msg.id), id: msg.id.id, chat: I.keyOf(msg.id.remote), body: text, by: 'me' });
      msg.set({ [field]: text, latestEditMsgKey: I.ownMessage(Chat.get(msg.id.remote) ?? { id: msg.id.remote }, {}).id, latestEditSenderTimestampMs: Date.now() });
      I.persist();
      return { messageSendResult: 'OK' };
    },
  });

  const FORWARDED = ['mimetype', 'filehash', 'encFilehash', 'size', 'directPath', 'mediaKey', 'mediaKeyTimestamp', 'deprecatedMms3Url', 'filename', 'lat', 'lng', 'loc', 'vcardFormattedName', 'pollName', 'pollOptions', 'pollSelectableOptionsCount'];
  I.define('WAWebChatForwardMessage', {
    /** A copy of each message, sent by this account into `chat`, marked forwarded. */
    async forwardMessages({ chat, msgs, includeCaption }) {
      const results = [];
      for (const original of msgs) {
        const attrs = { type: original.type, body: original.body, isForwarded: true, forwardingScore: (original.forwardingScore ?? 0) + 1 };
        for (const name of FORWARDED) if (original[name] !== undefined) attrs[name] = original[name];
        if (includeCaption && original.caption) attrs.caption = original.caption;
        const [added, sent] = I.module('WAWebSendMsgChatAction').addAndSendMsgToChat(chat, I.ownMessage(chat, attrs));
        await added;
        results.push(await sent);
      }
      return results;
    },
  });

  Object.assign(I.Cmd, {
    async sendStarMsgs(chat, msgs) {
      for (const msg of msgs) {
        world.log.stars.push({ id: msg.id.id, chat: I.keyOf(chat.id), star: true });
        msg.set('star', true);
      }
      I.persist();
    },
    async sendUnstarMsgs(chat, msgs) {
      for (const msg of msgs) {
        world.log.stars.push({ id: msg.id.id, chat: I.keyOf(chat.id), star: false });
        msg.set('star', false);
      }
      I.persist();
    },
  });

  // --- what others do, as WhatsApp Web files it -----------------------------------------------
  I.db.reactions = new Map();
  I.db.votes = new Map();
  I.define('WAWebAddonReactionTableMode', {
    reactionTableMode: {
      async bulkUpsert(rows) {
        for (const row of rows) I.db.reactions.set(I.keyOf(row.id), row);
        return rows.length;
      },
    },
  });
  I.define('WAWebAddonPollVoteTableMode', {
    pollVoteTableMode: {
      async bulkUpsert(rows) {
        for (const row of rows) I.db.votes.set(I.keyOf(row.id), row);
        return rows.length;
      },
    },
  });

  /** Who writes in a message's chat, as its key and addressing: a person in a 1:1 chat, a member in a group. */
  function otherIn(parent, from) {
    const person = world.person(from);
    if (!person) throw new Error(`no such person ${from}`);
    const remote = I.wid(parent.id.remote);
    const group = world.group(remote);
    const sender = group ? I.memberWid(group, person.key) : world.chatIdOf(person);
    const key = new I.MsgKey({ fromMe: false, remote, id: `3A${I.randomHex(18)}`, participant: group ? sender : undefined });
    return { key, sender, group, remote };
  }

  Object.assign(controls, {
    /** Someone (or the phone, for our own messages) edits a message: its text changes in place. */
    edit(ref, body) {
      const msg = I.findMessage(ref);
      const field = msg.type === 'chat' ? 'body' : 'caption';
      world.log.edits.push({ key: I.keyOf(msg.id), id: msg.id.id, chat: I.keyOf(msg.id.remote), body, by: msg.id.fromMe ? 'phone' : 'them' });
      msg.set({ [field]: body, latestEditSenderTimestampMs: Date.now() });
      I.persist();
      return I.describe(msg);
    },
    /** Its author (or a group admin) deletes a message for everyone: it becomes a `revoked` stub. */
    revoke(ref) {
      const msg = I.findMessage(ref);
      msg.set({ type: 'revoked', body: '' });
      I.persist();
      return I.describe(msg);
    },
    /** Someone reacts to a message ('' removes their reaction). */
    async react({ from, ref, emoji }) {
      const parent = I.findMessage(ref);
      const { key, sender, group, remote } = otherIn(parent, from);
      const row = { id: key, reactionParentKey: parent.id, reactionText: emoji, reactionTimestamp: Date.now(), from: group ? remote : sender, ...(group ? { author: sender } : {}), orphan: 0, read: false };
      await I.module('WAWebAddonReactionTableMode').reactionTableMode.bulkUpsert([row]);
      return { id: key.id };
    },
    /**
     * Someone votes on a poll (the option names they now select; [] withdraws). WhatsApp Web files the
     * vote through the table whatsapp-web.js hooks; when the hook throws, the vote is lost: `stored` false.
     */
    async vote({ from, poll, options }) {
      const parent = I.findMessage(poll);
      const { key, sender, group, remote } = otherIn(parent, from);
      const ids = options.map((name) => {
        const option = (parent.pollOptions ?? []).find((o) => o.name === name);
        if (!option) throw new Error(`poll ${poll} has no option ${name}`);
        return option.localId;
      });
      const now = Date.now();
      const row = { id: key, pollUpdateParentKey: parent.id, selectedOptionLocalIds: ids, t: now, senderTimestampMs: now, from: group ? remote : sender, ...(group ? { author: sender } : {}) };
      try {
        await I.module('WAWebAddonPollVoteTableMode').pollVoteTableMode.bulkUpsert([row]);
        return { stored: true };
      } catch (err) {
        return { stored: false, error: `${err?.name ?? 'Error'}: ${err?.message ?? err}` };
      }
    },
    votes: () => [...I.db.votes.values()].map((v) => ({ poll: v.pollUpdateParentKey.id, options: [...v.selectedOptionLocalIds] })),
  });
})(window.__imitation);
