// The account's phone and its contacts: what the account holds when it links, and the messages,
// receipts and time that arrive afterwards.
(function (I) {
  'use strict';
  const { world } = I;
  const { Chat, Contact, GroupMetadata, Msg } = I.collections;

  /** How a group addresses a person (a LID in LID-addressed groups), or the account ('me'). */
  I.memberWid = (group, key) => {
    if (key === 'me') return group.lidAddressing ? world.meLid() : world.mePn();
    const p = world.person(key);
    return I.wid(group.lidAddressing ? `${p.lid}@lid` : `${p.phone}@c.us`);
  };

  /**
   * The group's metadata model as the world's definition of it says (members as WhatsApp Web
   * addresses them: LIDs in LID groups); created when missing. Every change to a group goes
   * through the definition and then here.
   */
  I.attachGroupMetadata = (chat, group) => {
    const meta =
      GroupMetadata.get(group.id) ?? GroupMetadata.add(new I.GroupMetadataModel({ id: I.wid(group.id), isLidAddressingMode: group.lidAddressing }), { silent: true });
    meta.set({
      owner: I.memberWid(group, group.owner),
      creation: group.creation,
      desc: group.desc,
      descId: group.descId ?? 'imitation-desc-0',
      subject: group.subject,
      announce: Boolean(group.announce),
      restrict: Boolean(group.restrict),
      membershipApprovalMode: Boolean(group.approval),
    });
    for (const p of meta.participants.getModelsArray()) meta.participants.remove(p, { silent: true });
    const keys = [...(group.me ? ['me'] : []), ...group.members];
    for (const key of keys) {
      const role = key === 'me' ? group.me : key === group.owner ? 'superadmin' : group.admins.includes(key) ? 'admin' : 'member';
      meta.participants.add(new I.ParticipantModel({ id: I.memberWid(group, key), isAdmin: role !== 'member', isSuperAdmin: role === 'superadmin' }), { silent: true });
    }
    if (chat) chat.groupMetadata = meta;
    return meta;
  };
  I.syncGroup = (group) => {
    I.attachGroupMetadata(I.collections.Chat.get(group.id), group);
    I.persist();
  };

  I.contactFor = contactFor;
  I.rememberPerson = (p) => rememberPerson(p);

  function contactFor(id, attrs = {}) {
    const wid = I.wid(id);
    const existing = Contact.get(wid);
    if (existing) {
      existing.set(attrs);
      return existing;
    }
    return Contact.add(new I.ContactModel({ id: wid, type: 'in', isBusiness: Boolean(world.person(wid)?.business), isEnterprise: false, ...attrs }), { silent: true });
  }

  /** A person's contact entries: by phone when in the address book, and by LID once migrated. */
  function rememberPerson(p) {
    if (p.inAddressBook) contactFor(`${p.phone}@c.us`, { name: p.name, pushname: p.pushname, isAddressBookContact: true });
    if (p.migrated || p.phoneHidden) {
      const phone = I.lids.pnOf(I.wid(`${p.lid}@lid`));
      contactFor(`${p.lid}@lid`, { pushname: p.pushname, ...(phone ? { phoneNumber: phone } : {}) });
    } else {
      contactFor(`${p.phone}@c.us`, { pushname: p.pushname });
    }
  }

  /** What a newly linked account syncs: pairings, contacts, chats, the recent history. */
  I.loadInitialHistory = () => {
    I.lids.learn(world.me.lid, world.me.phone);
    for (const p of world.people) if (p.lidKnown) I.lids.learn(p.lid, p.phone);
    contactFor(world.mePn(), { pushname: world.me.name });
    for (const p of world.people) if (p.lidKnown || p.inAddressBook) rememberPerson(p);
    for (const g of world.groups.filter((group) => group.me)) {
      contactFor(g.id, { name: g.subject });
      for (const key of g.members) rememberPerson(world.person(key));
      I.attachGroupMetadata(I.chatFor(g.id), g);
    }
    I.loadAccountExtras?.();
    const now = I.now();
    for (const [where, who, body, age] of world.history) {
      message({ where, who, body, t: now - age, notify: false });
    }
    // Older messages of Alice's chat stay in "IndexedDB" until fetchMessages pages them in.
    const alice = world.person('alice');
    const older = [];
    for (let i = 3; i >= 1; i--) older.push(buildMessage({ where: 'alice', who: 'alice', body: `Older message ${i}`, t: now - 86400 * i }).msg);
    I.db.older.set(I.keyOf(world.chatIdOf(alice)), older);
    for (const chat of Chat.getModelsArray()) chat.set('unreadCount', 0);
  };

  /** The key, addressing and attributes of a message `who` writes in chat `where`. */
  function buildMessage({ where, who, body = '', t = I.now(), id, type = 'chat', extra = {} }) {
    const group = world.group(where);
    const mine = who === 'me';
    let remote;
    let author;
    let person;
    if (group) {
      remote = I.wid(group.id);
      person = mine ? undefined : world.person(who);
      if (!mine && !person) throw new Error(`unknown group member ${who}`);
      author = mine ? (group.lidAddressing ? world.meLid() : world.mePn()) : I.wid(group.lidAddressing ? `${person.lid}@lid` : `${person.phone}@c.us`);
    } else {
      person = world.person(where);
      remote = person ? world.chatIdOf(person) : I.wid(where);
    }
    const me = remote.isLid() || (group && group.lidAddressing) ? world.meLid() : world.mePn();
    const key = new I.MsgKey({
      fromMe: mine,
      remote,
      id: id ?? (mine ? `3EB0${I.randomHex(18)}` : `3A${I.randomHex(18)}`),
      participant: group ? author : undefined,
    });
    const attrs = {
      id: key,
      type,
      body,
      t,
      from: mine ? me : remote,
      to: mine ? remote : me,
      ...(group ? { author } : {}),
      ack: mine ? 3 : 1,
      self: mine ? 'out' : 'in',
      notifyName: mine ? world.me.name : person?.pushname,
      isNewMsg: false,
      ...extra,
    };
    return { msg: new I.MsgModel(attrs), person, group };
  }

  I.buildMessage = (spec) => buildMessage(spec);

  function message(spec) {
    const { msg } = buildMessage(spec);
    I.storeMessage(msg, { notify: spec.notify ?? true });
    return msg;
  }

  // --- incoming ----------------------------------------------------------------------------------
  const held = [];
  I.holding = false;

  /**
   * A message arrives from `from` (a person's key, phone or id), in `group` when given.
   * Media is put on the CDN so downloadMedia() has something to fetch.
   */
  I.receive = async (spec) => {
    if (!world.me) throw new Error('not linked');
    const where = spec.group ?? spec.from;
    const who = spec.group ? spec.author ?? spec.from : spec.from;
    const extra = {};
    let type = spec.type ?? 'chat';
    let body = spec.body ?? '';
    if (spec.media) {
      const bytes = I.b64ToBytes(spec.media.data);
      const mimetype = spec.media.mimetype;
      type = spec.type ?? (mimetype.startsWith('image/') ? 'image' : mimetype.startsWith('video/') ? 'video' : mimetype.startsWith('audio/') ? 'audio' : 'document');
      const directPath = world.putMedia(bytes, mimetype, { keep: true });
      Object.assign(extra, {
        mimetype,
        filehash: await I.sha256B64(bytes),
        encFilehash: I.randomB64(32),
        size: bytes.byteLength,
        directPath,
        mediaKey: I.randomB64(32),
        mediaKeyTimestamp: I.now(),
        deprecatedMms3Url: `https://mmg.whatsapp.net${directPath}`,
        clientUrl: `https://mmg.whatsapp.net${directPath}`,
        ...(spec.caption ? { caption: spec.caption } : {}),
        ...(spec.media.filename ? { filename: spec.media.filename } : {}),
      });
      body = '';
    }
    if (spec.location) {
      type = 'location';
      const { lat, lng, name, address } = spec.location;
      Object.assign(extra, { lat, lng, loc: [name, address].filter(Boolean).join('\n') || undefined });
    }
    if (spec.vcard) {
      type = 'vcard';
      body = spec.vcard;
      Object.assign(extra, { vcardFormattedName: I.require('WAWebVcardGetNameFromParsed').vcardGetNameFromParsed(I.require('WAWebVcardParsingUtils').parseVcard(spec.vcard)) });
    }
    const { msg, person, group } = buildMessage({ where, who, body, type, id: spec.id, t: spec.t, extra: { ...extra, isNewMsg: true } });
    if (spec.media) {
      msg.mediaData = { mediaStage: spec.mediaStage ?? 'RESOLVED' };
      msg.mediaObject = { type };
    }
    // An incoming 1:1 message of a migrated sender usually carries its phone (sender_pn).
    if (person && person.migrated && !person.phoneHidden && spec.learnPn !== false) I.lids.learn(person.lid, person.phone);
    if (person) rememberPerson(person);
    if (group && !Chat.get(group.id)) I.attachGroupMetadata(I.chatFor(group.id), group);
    if (I.holding) {
      I.storeMessage(msg, { notify: false });
      held.push(msg);
    } else {
      I.storeMessage(msg);
    }
    return I.describe(msg);
  };

  /** Delivers the add events held back by holdMessages(), in order. */
  I.release = () => {
    I.holding = false;
    const out = held.splice(0);
    for (const msg of out) Msg.trigger('add', msg, Msg);
    return out.map(I.describe);
  };

  /**
   * whatsapp-web.js stops hearing WhatsApp Web while the page goes on: its listeners on Msg (the
   * ones that call `window.on...Event`, Client.attachEventListeners) are dropped, as when they were
   * not attached again after a reload; or, with `binding`, the function its `add` listener calls is
   * gone. Messages keep reaching the store and the chats; no event reaches Node.
   */
  I.deafen = ({ binding = false } = {}) => {
    if (binding) {
      delete window.onAddMessageEvent;
      return { dropped: 0, binding: typeof window.onAddMessageEvent };
    }
    let dropped = 0;
    const events = Msg._events ?? new Map();
    for (const [name, list] of events) {
      const kept = list.filter((l) => !/window\.on\w+Event/.test(String(l.fn)));
      dropped += list.length - kept.length;
      events.set(name, kept);
    }
    return { dropped, binding: typeof window.onAddMessageEvent };
  };

  I.findMessage = (ref) => {
    const byKey = Msg.get(ref);
    if (byKey) return byKey;
    const found = Msg.getModelsArray().filter((m) => m.id.id === ref);
    if (found.length > 1) throw new Error(`message id ${ref} is ambiguous; pass its serialized key`);
    if (!found[0]) throw new Error(`no message ${ref}`);
    return found[0];
  };

  I.describe = (msg) => ({
    id: msg.id.id,
    key: I.keyOf(msg.id),
    chat: I.keyOf(msg.id.remote),
    from: I.keyOf(msg.from),
    to: I.keyOf(msg.to),
    author: msg.author ? I.keyOf(msg.author) : undefined,
    fromMe: msg.id.fromMe,
    type: msg.type,
    body: msg.body,
    ack: msg.ack,
    t: msg.t,
    ...(msg.caption !== undefined ? { caption: msg.caption } : {}),
    star: Boolean(msg.star),
  });
})(window.__imitation);
