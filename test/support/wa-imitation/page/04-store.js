// The account's local store: WAWebCollections (Msg, Chat, Contact, GroupMetadata, Blocklist...),
// the LID<->phone pairings this account knows (WAWebApiContact), and the older messages kept in
// "IndexedDB" that WAWebChatLoadMessages pages in.
(function (I) {
  'use strict';
  const { Model, Collection, hide } = I;

  class MsgModel extends Model {
    constructor(attrs) {
      super(attrs);
      // WhatsApp Web memoises message getters by id; the spread `__x_id` of a media model
      // (September 2026) gets here as undefined (wwebjs #201921, #201922).
      if (this.id === undefined || this.id === null) throw new Error("Data passed to getter must include an id property (it's how we memoize) but got undefined");
      hide(this, 'mediaData', null);
      hide(this, 'mediaObject', null);
    }

    get isNotification() {
      return false;
    }

    get isStatusV3() {
      return I.keyOf(this.id.remote) === 'status@broadcast';
    }

    get isEphemeral() {
      return false;
    }

    unsafe() {
      return this;
    }

    canReply() {
      return true;
    }

    msgContextInfo() {
      return { quotedMsg: this.serialize(), quotedStanzaID: this.id.id, quotedRemoteJid: this.id.remote, quotedParticipant: this.author ?? this.from };
    }

    /** What WhatsApp Web runs when media is not downloaded yet (the library calls it first). */
    async downloadMedia() {
      if (!this.mediaData) return;
      this.mediaData.mediaStage = I.world.cdn.has(this.directPath) ? 'RESOLVED' : 'ERROR_MISSING';
    }

    updateAck(ack) {
      if (typeof ack === 'number' && ack > (this.ack ?? 0)) this.set('ack', ack);
    }
  }

  /** A chat's mute: `expiration` is Unix seconds, -1 for good, 0 unmuted (kept on the chat as muteExpiration). */
  class ChatMute extends Model {
    constructor(chat) {
      super({ expiration: chat.muteExpiration ?? 0 });
      hide(this, 'chat', chat);
    }

    async mute({ expiration, sendDevice }) {
      I.world.log.mutes.push({ chat: I.keyOf(this.chat.id), expiration, sendDevice: Boolean(sendDevice) });
      this.set('expiration', expiration);
      this.chat.set('muteExpiration', expiration);
      I.persist();
    }

    async unmute({ sendDevice }) {
      I.world.log.mutes.push({ chat: I.keyOf(this.chat.id), expiration: 0, sendDevice: Boolean(sendDevice) });
      this.set('expiration', 0);
      this.chat.set('muteExpiration', 0);
      I.persist();
    }
  }

  class ChatModel extends Model {
    constructor(attrs) {
      super({ t: 0, unreadCount: 0, archive: false, pin: undefined, muteExpiration: 0, labels: undefined, ...attrs });
      hide(this, 'msgs', new Collection(MsgModel));
      hide(this, 'groupMetadata', undefined);
      hide(this, 'newsletterMetadata', undefined);
      hide(this, 'mute', new ChatMute(this));
    }

    /** Whether the account is an admin of this group (GroupChat.addParticipants asks). */
    iAmAdmin() {
      const me = this.groupMetadata?.participants.getModelsArray().find((p) => I.world.isMe(p.id));
      return !!me && Boolean(me.isAdmin || me.isSuperAdmin);
    }

    get formattedTitle() {
      if (this.groupMetadata) return this.groupMetadata.subject;
      const contact = I.collections.Contact.get(this.id);
      const person = I.world.person(this.id);
      return contact?.name || person?.name || contact?.pushname || person?.pushname || `+${this.id.user}`;
    }

    serialize() {
      // WhatsApp Web's chat serialisation lists its messages (the library only checks the length).
      return { ...super.serialize(), msgs: this.msgs.getModelsArray().map((m) => I.keyOf(m.id)) };
    }
  }

  class ContactModel extends Model {
    get isContactBlocked() {
      return !!I.collections.Blocklist.get(this.id);
    }
  }

  class ParticipantModel extends Model {}

  class GroupMetadataModel extends Model {
    constructor(attrs) {
      super(attrs);
      hide(this, 'participants', new Collection(ParticipantModel));
    }

    serialize() {
      return { ...super.serialize(), participants: this.participants.serialize() };
    }
  }

  class MediaDataModel extends Model {
    // The September 2026 builds declare an id on media models: every instance then carries an
    // own, enumerable `__x_id` (undefined) that a spread copies along (wwebjs PR #201923).
    static get declared() {
      return I.shape.mediaModelId ? ['id'] : [];
    }
  }
  /** A profile picture (a person's, a group's, the account's own), as WhatsApp Web's ProfilePicThumb. */
  class ProfilePicThumbModel extends Model {
    /** The account may set it: its own, or a group's when info is not locked to admins (or it is an admin). */
    canSet() {
      const wid = I.wid(this.id);
      if (I.world.isMe(wid)) return true;
      const chat = I.collections.Chat.get(wid);
      if (!wid.isGroup() || !chat?.groupMetadata) return false;
      return !chat.groupMetadata.restrict || chat.iAmAdmin();
    }

    canDelete() {
      return Boolean(this.img) && this.canSet();
    }
  }

  class LabelModel extends Model {
    get hexColor() {
      return ['#ff9485', '#64c4ff', '#ffd429', '#dfaef0', '#99b6c1'][this.colorIndex ?? 0] ?? '#99b6c1';
    }
  }

  Object.assign(I, { MsgModel, ChatModel, ContactModel, ParticipantModel, GroupMetadataModel, MediaDataModel, ProfilePicThumbModel, LabelModel });

  const Msg = new Collection(MsgModel);
  const Chat = new Collection(ChatModel);
  const Contact = new Collection(ContactModel);
  const GroupMetadata = new Collection(GroupMetadataModel);
  const Blocklist = new Collection(Model);
  const BusinessProfile = new Collection(Model);
  const ProfilePicThumb = new Collection(ProfilePicThumbModel);
  const Label = new Collection(LabelModel);
  const WAWebNewsletterCollection = new Collection(ChatModel);
  const NewsletterMetadataCollection = new Collection(Model);
  I.collections = { Msg, Chat, Contact, GroupMetadata, Blocklist, BusinessProfile, ProfilePicThumb, Label, WAWebNewsletterCollection, NewsletterMetadataCollection };

  /** Older messages per chat key, newest last, that are not loaded into memory. */
  I.db = { older: new Map() };

  Msg.getMessagesById = async (ids) => {
    const messages = [];
    for (const id of ids) {
      // An undefined key reaches IndexedDB, which throws (what `$1` keys do to the library).
      if (typeof id !== 'string') throw I.idbKeyError();
      const found = Msg.get(id) ?? findOlder(id);
      if (found) messages.push(found);
    }
    return { messages };
  };
  Msg.search = async () => ({ messages: [] });

  function findOlder(key) {
    for (const [chatKey, list] of I.db.older) {
      const at = list.findIndex((m) => I.keyOf(m.id) === key);
      if (at >= 0) {
        const [msg] = list.splice(at, 1);
        Msg.add(msg, { silent: true });
        I.collections.Chat.get(chatKey)?.msgs.add(msg, { silent: true });
        return msg;
      }
    }
    return undefined;
  }

  Chat.find = async (wid) => Chat.get(wid) ?? Chat.add(new ChatModel({ id: I.wid(wid) }));
  Contact.find = async (wid) => {
    if (Contact.get(wid)) return Contact.get(wid);
    // What the server tells of someone not in the store: whether they are a business.
    const business = I.world.person(wid)?.business;
    return Contact.add(new ContactModel({ id: I.wid(wid), ...(business ? { isBusiness: true } : {}) }), { silent: true });
  };
  GroupMetadata.update = async (wid) => {
    I.world.queries.groupMetadata++;
    return GroupMetadata.get(wid);
  };
  GroupMetadata.find = async (wid) => GroupMetadata.get(wid);
  BusinessProfile.find = async (wid) => {
    I.world.queries.businessProfile++;
    return BusinessProfile.get(wid) ?? new Model({ id: I.wid(wid) });
  };

  // --- the LID <-> phone pairings this account knows ------------------------------------------
  const lidByPn = new Map();
  const pnByLid = new Map();
  I.lids = {
    learn(lidUser, pnUser) {
      lidByPn.set(pnUser, lidUser);
      pnByLid.set(lidUser, pnUser);
    },
    lidOf: (wid) => (lidByPn.has(wid.user) ? I.wid(`${lidByPn.get(wid.user)}@lid`) : null),
    pnOf: (wid) => (pnByLid.has(wid.user) ? I.wid(`${pnByLid.get(wid.user)}@c.us`) : null),
    entries: () => [...pnByLid.entries()],
    clear() {
      lidByPn.clear();
      pnByLid.clear();
    },
  };

  I.define('WAWebApiContact', {
    getCurrentLid: (wid) => (I.wid(wid).isLid() ? I.wid(wid) : I.lids.lidOf(I.wid(wid))),
    getPhoneNumber: (wid) => (I.wid(wid).isLid() ? I.lids.pnOf(I.wid(wid)) : I.wid(wid)),
    getAlternateUserWid: (wid) => (I.wid(wid).isLid() ? I.lids.pnOf(I.wid(wid)) : I.lids.lidOf(I.wid(wid))),
  });
  I.define('WAWebLidMigrationUtils', {
    toPn: (wid) => (I.wid(wid).isLid() ? I.lids.pnOf(I.wid(wid)) : I.wid(wid)),
    toLid: (wid) => (I.wid(wid).isLid() ? I.wid(wid) : I.lids.lidOf(I.wid(wid))),
  });
  I.define('WAWebCollections', I.collections);

  /** The chat a message belongs in, created when missing. */
  I.chatFor = (wid) => Chat.get(wid) ?? Chat.add(new ChatModel({ id: I.wid(wid) }), { silent: true });

  /** Files a message in the store; `notify` fires the `add` event whatsapp-web.js listens to. */
  I.storeMessage = (msg, { notify = true } = {}) => {
    const chat = I.chatFor(msg.id.remote);
    chat.msgs.add(msg, { silent: true });
    if (!msg.id.fromMe) chat.set({ lastReceivedKey: msg.id, unreadCount: (chat.unreadCount ?? 0) + 1 });
    chat.set('t', Math.max(chat.t ?? 0, msg.t ?? 0));
    Msg.add(msg, { silent: !notify });
    I.persist();
    return msg;
  };
})(window.__imitation);
