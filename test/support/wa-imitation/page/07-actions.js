// Everything else whatsapp-web.js asks WhatsApp Web to do on Hatline's paths: receipts, archive,
// chat deletion, revoke and delete-for-me, reactions, older messages, number and LID lookups,
// profile pictures, blocking, media download, and the contact getters.
(function (I) {
  'use strict';
  const { world } = I;
  const { Chat, Msg, Blocklist } = I.collections;

  I.define('WAWebUpdateUnreadChatAction', {
    async sendSeen({ chat }) {
      const model = Chat.get(chat.id) ?? chat;
      world.log.seen.push({ chat: I.keyOf(model.id), unread: model.unreadCount ?? 0 });
      model.set('unreadCount', 0);
      I.persist();
    },
  });

  Object.assign(I.Cmd, {
    async archiveChat(chat, archive) {
      world.log.archived.push({ chat: I.keyOf(chat.id), archive });
      chat.set('archive', archive);
      I.persist();
    },
    async markChatUnread(chat, unread) {
      chat.set('unreadCount', unread ? -1 : 0);
    },
    /** Delete for everyone: the message becomes a `revoked` stub on both sides. */
    async sendRevokeMsgs(chat, { list }) {
      for (const msg of list) {
        world.log.revoked.push({ key: I.keyOf(msg.id), id: msg.id.id, chat: I.keyOf(chat.id) });
        msg.set({ type: 'revoked', body: '' });
      }
      I.persist();
      return { messageSendResult: 'OK' };
    },
    /** Delete for me: the message leaves this account's store only. */
    async sendDeleteMsgs(chat, { list }) {
      for (const msg of list) {
        world.log.deletedForMe.push({ key: I.keyOf(msg.id), id: msg.id.id, chat: I.keyOf(chat.id) });
        chat.msgs.remove(msg, { silent: true });
        Msg.remove(msg);
      }
      I.persist();
    },
  });

  I.define('WAWebDeleteChatAction', {
    async sendDelete(chat) {
      world.log.deletedChats.push(I.keyOf(chat.id));
      for (const msg of chat.msgs.getModelsArray()) Msg.remove(msg, { silent: true });
      Chat.remove(chat);
      I.persist();
    },
  });

  /**
   * Who may revoke: the sender within the window, or a group admin within it; outside it the
   * library falls back to delete-for-me, which is what WhatsApp Web allows (review D6).
   */
  const withinWindow = (msg) => I.now() - (msg.t ?? 0) <= world.settings.revokeWindowSec;
  I.define('WAWebMsgActionCapability', {
    canSenderRevokeMsg: (msg) => msg.id.fromMe && msg.type !== 'revoked' && withinWindow(msg),
    canAdminRevokeMsg(msg) {
      const meta = Chat.get(msg.id.remote)?.groupMetadata;
      if (!meta || msg.id.fromMe || msg.type === 'revoked') return false;
      const me = meta.participants.getModelsArray().find((p) => world.isMe(p.id));
      return !!me && (me.isAdmin || me.isSuperAdmin) && withinWindow(msg);
    },
    canStarMsg: () => true,
  });

  I.define('WAWebSendReactionMsgAction', {
    async sendReactionToMsg(msg, reaction) {
      world.log.reactions.push({ key: I.keyOf(msg.id), id: msg.id.id, chat: I.keyOf(msg.id.remote), reaction });
      msg.set('hasReaction', reaction !== '');
      return { messageSendResult: 'OK' };
    },
  });

  I.define('WAWebChatLoadMessages', {
    /** Pages in up to 50 older messages from "IndexedDB"; [] once there are none. */
    async loadEarlierMsgs(arg) {
      const chat = arg?.chat ?? arg;
      const older = I.db.older.get(I.keyOf(chat.id)) ?? [];
      const batch = older.splice(Math.max(0, older.length - 50));
      for (const msg of batch) {
        chat.msgs.add(msg, { silent: true });
        Msg.add(msg, { silent: true });
      }
      return batch;
    },
  });

  /**
   * WAWebQueryExistsJob.queryWidExists, a usync query to the server (counted). It answers the
   * LID of a migrated number (OpenWA #573) and teaches this account the pairing.
   */
  I.define('WAWebQueryExistsJob', {
    async queryWidExists(wid) {
      world.queries.exists++;
      const w = I.wid(wid);
      const person = world.person(w);
      if (!person) return null;
      if (!person.phoneHidden || !w.isLid()) I.lids.learn(person.lid, person.phone);
      return { wid: w.isLid() || person.migrated ? I.wid(`${person.lid}@lid`) : I.wid(`${person.phone}@c.us`) };
    },
  });

  I.define('WAWebContactProfilePicThumbBridge', {
    async requestProfilePicFromServer(chat) {
      world.queries.profilePic++;
      const id = I.keyOf(chat.id);
      const person = world.person(id);
      if (!person?.picture) throw I.namedError('ServerStatusCodeError', 'item-not-found', { statusCode: 404 });
      return { eurl: `https://pps.whatsapp.net/v/t61.24694-24/${person.lid}_imitation.jpg?oe=ffffffff`, tag: '1', status: 200 };
    },
  });

  // --- blocking ----------------------------------------------------------------------------------
  // WhatsApp Web removed getContactToBlockOnlyUseIfNoAssociatedChat (OpenWA #1391, wwebjs #201778);
  // what is left are UI wrappers that open a confirmation dialog and block nothing by themselves.
  I.define('WAWebBlockContactUtils', {
    handleBlock() {
      world.log.modals++;
    },
    handleUnblock() {
      world.log.modals++;
    },
  });
  I.define('WAWebBlockContactAction', {
    /** The server refuses a phone-keyed block (OpenWA #1391): logged, and nothing is blocked. */
    async blockContact({ contact, blockEntryPoint }) {
      const id = I.wid(contact.id);
      world.log.blocks.push({ action: 'block', id: id._serialized, blockEntryPoint });
      if (!id.isLid()) {
        console.warn('[blocklist] trying to block a pn contact without a chat');
        return;
      }
      Blocklist.add({ id });
      I.persist();
    },
    async unblockContact(contact, entryPoint) {
      const id = I.wid(contact.id);
      world.log.blocks.push({ action: 'unblock', id: id._serialized, blockEntryPoint: entryPoint });
      if (!id.isLid()) {
        console.warn('[blocklist] trying to unblock a pn contact without a chat');
        return;
      }
      Blocklist.remove(Blocklist.get(id));
      I.persist();
    },
  });

  // --- downloading -------------------------------------------------------------------------------
  const ALLOWED = {
    image: ['image/jpeg', 'image/png', 'image/webp', 'image/gif'],
    sticker: ['image/webp'],
    video: ['video/mp4', 'video/3gpp', 'video/quicktime', 'video/webm'],
    audio: ['audio/ogg', 'audio/mpeg', 'audio/mp4', 'audio/aac', 'audio/amr', 'audio/ogg; codecs=opus'],
    ptt: ['audio/ogg', 'audio/ogg; codecs=opus', 'audio/mpeg', 'audio/mp4'],
  };
  I.define('WAWebDownloadManager', {
    downloadManager: {
      async downloadAndMaybeDecrypt(args) {
        // September 2026: the declared mimetype comes from the argument, defaulting to
        // application/octet-stream, and is checked against the media type (wwebjs #201908).
        if (I.shape.downloadNeedsMimetype && ALLOWED[args.type]) {
          const declared = args.mimetype ?? 'application/octet-stream';
          if (!ALLOWED[args.type].includes(declared)) throw I.namedError('InvalidMediaFileType', `Unexpected mimetype ${declared} for media type ${args.type}`);
        }
        const file = world.cdn.get(args.directPath);
        if (!file) throw Object.assign(new Error('media not found on the CDN'), { status: 404 });
        return file.bytes.buffer.slice(file.bytes.byteOffset, file.bytes.byteOffset + file.bytes.byteLength);
      },
    },
  });

  // --- contacts ----------------------------------------------------------------------------------
  const get = (field) => (contact) => contact[field];
  I.define('WAWebContactGetters', {
    getIsMe: (contact) => world.isMe(contact.id),
    getIsUser: (contact) => I.wid(contact.id).isUser(),
    getIsGroup: (contact) => I.wid(contact.id).isGroup(),
    getIsWAContact: (contact) => I.wid(contact.id).isGroup() || !!world.person(contact.id) || world.isMe(contact.id),
    getUserid: (contact) => I.wid(contact.id).user,
    getVerifiedName: get('verifiedName'),
    getVerifiedLevel: get('verifiedLevel'),
    getStatusMute: () => false,
    getName: get('name'),
    getShortName: (contact) => contact.shortName ?? contact.name?.split(' ')[0],
    getPushname: get('pushname'),
    getIsEnterprise: () => false,
  });
  I.define('WAWebFrontendContactGetters', { getIsMyContact: (contact) => Boolean(contact.isAddressBookContact) });
})(window.__imitation);
