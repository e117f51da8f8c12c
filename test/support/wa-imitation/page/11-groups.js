// Groups on the server: creating one, members (add, remove, promote, demote), invite codes and
// joining by them, leaving, requests to join and their approval, subject, description, picture and
// settings; each change is a gp2 notification in the group's chat, which whatsapp-web.js reports as
// group_join / group_leave / group_admin_changed / group_update. Plus the controls for what other
// members do. The world's group definitions (03-world.js) are the server's truth; the metadata
// models follow them (I.syncGroup, 08-phone.js).
(function (I) {
  'use strict';
  const { world } = I;
  const { Chat, GroupMetadata, ProfilePicThumb } = I.collections;
  const controls = (I.controls = I.controls || {});

  const serverError = (text, statusCode) => I.namedError('ServerStatusCodeError', text, { statusCode });
  const groupOf = (wid) => {
    const group = world.group(I.keyOf(wid));
    if (!group) throw serverError('item-not-found', 404);
    return group;
  };
  const isAdmin = (group, key) => (key === 'me' ? group.me === 'admin' || group.me === 'superadmin' : key === group.owner || group.admins.includes(key));
  const requireAdmin = (group) => {
    if (!isAdmin(group, 'me')) throw serverError('not-authorized', 401);
  };
  /** 'me', a person's key, or undefined, for a member's id as WhatsApp Web names it. */
  const keyOf = (wid) => (world.isMe(I.wid(wid)) ? 'me' : world.person(wid)?.key);
  const newInviteCode = () => I.randomB64(18).replace(/[^A-Za-z0-9]/g, 'x').slice(0, 22);
  const log = (entry) => world.log.groups.push({ t: I.now(), ...entry });

  /** A gp2 notification in the group's chat (what the library turns into its group events). */
  I.groupNotice = (group, subtype, { by, recipients = [], body = '' }) => {
    if (!group.me && !recipients.includes('me')) return;
    const remote = I.wid(group.id);
    const author = I.memberWid(group, by);
    const fromMe = by === 'me';
    const id = new I.MsgKey({ fromMe, remote, id: `${fromMe ? '3EB0' : '3A'}${I.randomHex(18)}`, participant: author });
    const me = group.lidAddressing ? world.meLid() : world.mePn();
    const msg = new I.MsgModel({
      id, type: 'gp2', subtype, body, t: I.now(), from: remote, to: me, author,
      recipients: recipients.map((key) => I.memberWid(group, key)), self: fromMe ? 'out' : 'in', ack: 1, isNewMsg: true,
    });
    if (!Chat.get(group.id)) I.attachGroupMetadata(I.chatFor(group.id), group);
    I.storeMessage(msg);
  };

  function members(group, keys, action, by) {
    for (const key of keys) {
      if (action === 'add' && key !== 'me' && !group.members.includes(key)) group.members.push(key);
      if (action === 'add' && key === 'me') group.me = 'member';
      if (action === 'remove' && key === 'me') group.me = null;
      if (action === 'remove' || action === 'leave') {
        group.members = group.members.filter((k) => k !== key);
        group.admins = group.admins.filter((k) => k !== key);
        if (key === 'me') group.me = null;
      }
      if (action === 'promote') key === 'me' ? (group.me = group.me === 'superadmin' ? 'superadmin' : 'admin') : group.admins.includes(key) || group.admins.push(key);
      if (action === 'demote') key === 'me' ? (group.me = group.me === 'superadmin' ? 'superadmin' : 'member') : (group.admins = group.admins.filter((k) => k !== key));
      if (key !== 'me') I.rememberPerson(world.person(key));
    }
    log({ action, group: group.id, by, members: [...keys] });
  }

  I.define('WAWebGroupCreateJob', {
    async createGroup(options, participants) {
      if (!String(options.title ?? '').trim()) throw serverError('bad-request', 400);
      const people = participants.map(({ phoneNumber }) => world.person(phoneNumber)).filter(Boolean);
      const id = `120363${String(Date.now()).slice(-9)}${I.randomHex(3).replace(/\D/g, '0')}@g.us`;
      const group = {
        key: id, id, subject: options.title, desc: undefined, creation: I.now(), lidAddressing: options.addressingModeOverride === 'lid',
        owner: 'me', me: 'superadmin', admins: [], members: people.map((p) => p.key), announce: Boolean(options.announce), restrict: Boolean(options.restrict),
        approval: Boolean(options.membershipApprovalMode), inviteCode: newInviteCode(), requests: [], picture: false,
      };
      world.groups.push(group);
      I.attachGroupMetadata(I.chatFor(id), group).set('creation', group.creation);
      Chat.get(id).set('t', I.now());
      for (const p of people) I.rememberPerson(p);
      log({ action: 'create', group: id, by: 'me', subject: group.subject, members: [...group.members] });
      I.persist();
      return {
        wid: I.wid(id),
        subject: group.subject,
        participants: [{ wid: I.memberWid(group, 'me'), type: 'superadmin' }, ...people.map((p) => ({ wid: I.memberWid(group, p.key), type: 'participant' }))],
      };
    },
  });

  I.define('WAWebGroupQueryJob', {
    async queryAndUpdateGroupMetadataById({ id }) {
      world.queries.groupMetadata++;
      const group = world.group(id);
      if (group && Chat.get(id)) I.attachGroupMetadata(Chat.get(id), group);
      return GroupMetadata.get(id);
    },
    /** What an invite link shows before joining; an unknown or reset code is a 404. */
    async queryGroupInvite(code) {
      const group = world.groups.find((g) => g.inviteCode === code);
      if (!group) throw serverError('item-not-found', 404);
      return {
        id: I.wid(group.id), subject: group.subject, desc: group.desc, creation: group.creation, owner: I.memberWid(group, group.owner),
        size: group.members.length + (group.me ? 1 : 0), membershipApprovalMode: Boolean(group.approval), announce: Boolean(group.announce), restrict: Boolean(group.restrict),
      };
    },
    async resetGroupInviteCode(wid) {
      const group = groupOf(wid);
      requireAdmin(group);
      group.inviteCode = newInviteCode();
      log({ action: 'reset-invite', group: group.id, by: 'me' });
      I.persist();
      return { code: group.inviteCode };
    },
  });
  I.define('WAWebMexFetchGroupInviteCodeJob', {
    async fetchMexGroupInviteCode(groupId) {
      const group = groupOf(groupId);
      requireAdmin(group);
      return { code: group.inviteCode };
    },
  });

  I.define('WAWebGroupInviteJob', {
    /** Joins at once, or (admins approve who joins) files a request and answers the group all the same. */
    async joinGroupViaInvite(code) {
      const group = world.groups.find((g) => g.inviteCode === code);
      if (!group) throw serverError('item-not-found', 404);
      if (group.me) return { gid: I.wid(group.id) };
      if (group.approval) {
        if (!group.requests.some((r) => r.key === 'me')) group.requests.push({ key: 'me', t: I.now() });
        log({ action: 'request', group: group.id, by: 'me' });
      } else {
        members(group, ['me'], 'add', 'me');
        I.contactFor(group.id, { name: group.subject });
        I.attachGroupMetadata(I.chatFor(group.id), group);
        I.groupNotice(group, 'invite', { by: 'me', recipients: ['me'] });
      }
      I.persist();
      return { gid: I.wid(group.id) };
    },
  });

  I.define('WAWebExitGroupAction', {
    async sendExitGroup(chat) {
      const group = groupOf(chat.id);
      I.groupNotice(group, 'leave', { by: 'me', recipients: ['me'] });
      members(group, ['me'], 'leave', 'me');
      I.syncGroup(group);
    },
  });

  I.define('WAWebApiMembershipApprovalRequestStore', {
    async getMembershipApprovalRequests(wid) {
      const group = groupOf(wid);
      return group.requests.map((r) => ({ id: I.memberWid(group, r.key), addedBy: null, parentGroupId: null, requestMethod: 'InviteLink', t: r.t }));
    },
  });
  I.define('WAWebWidToJid', {
    widToGroupJid: (wid) => I.keyOf(wid),
    widToUserJid: (wid) => I.wid(wid).toJid(),
  });
  I.define('WAWebJidToWid', {
    userJidToUserWid: (jid) => I.wid(jid),
    newsletterJidToWid: (jid) => I.wid(jid),
  });

  I.define('WASmaxGroupsMembershipRequestsActionRPC', {
    async sendMembershipRequestsActionRPC({ iqTo, approveArgs, rejectArgs }) {
      const group = groupOf(iqTo);
      if (!isAdmin(group, 'me')) return { name: 'MembershipRequestsActionResponseClientError', value: { errorClientErrors: { value: { code: '401' } } } };
      const approve = Boolean(approveArgs);
      const jid = (approveArgs ?? rejectArgs).participantArgs[0].participantJid;
      const key = keyOf(jid);
      const at = group.requests.findIndex((r) => r.key === key);
      if (at >= 0) {
        group.requests.splice(at, 1);
        log({ action: approve ? 'approve' : 'reject', group: group.id, by: 'me', members: [key] });
        if (approve) {
          members(group, [key], 'add', 'me');
          I.syncGroup(group);
          I.groupNotice(group, 'add', { by: 'me', recipients: [key] });
        }
        I.persist();
      }
      const mixins = approve ? 'membershipRequestsActionAcceptParticipantMixins' : 'membershipRequestsActionRejectParticipantMixins';
      const participant = { jid, ...(at < 0 ? { [mixins]: { value: { error: '404' } } } : {}) };
      return { name: 'MembershipRequestsActionResponseSuccess', value: { [approve ? 'membershipRequestsActionApprove' : 'membershipRequestsActionReject']: { participant: [participant] } } };
    },
  });

  I.define('WASmaxGroupsAddParticipantsRPC', {
    async sendAddParticipantsRPC({ participantArgs, iqTo }) {
      const group = groupOf(iqTo);
      if (!isAdmin(group, 'me')) return { name: 'AddParticipantsResponseClientError', value: { errorAddParticipantsClientErrors: { value: { code: '401' } } } };
      const person = world.person(participantArgs[0].participantJid);
      const error = !person ? '404' : group.members.includes(person.key) ? '409' : undefined;
      if (!error) {
        members(group, [person.key], 'add', 'me');
        I.syncGroup(group);
        I.groupNotice(group, 'add', { by: 'me', recipients: [person.key] });
      }
      const mixins = { name: error ? 'ParticipantNotAdded' : 'ParticipantAdded', value: error ? { error } : {} };
      return {
        name: 'AddParticipantsResponseSuccess',
        value: { addParticipant: [{ addParticipantsParticipantAddedOrNonRegisteredWaUserParticipantErrorLidResponseMixinGroup: { value: { addParticipantsParticipantMixins: mixins } } }] },
      };
    },
  });

  const modify = (action, subtype) =>
    async function (chat, participants) {
      const group = groupOf(chat.id);
      requireAdmin(group);
      const keys = participants.map((p) => keyOf(p.id)).filter(Boolean);
      if (keys.length === 0) return;
      I.groupNotice(group, subtype, { by: 'me', recipients: keys });
      members(group, keys, action, 'me');
      I.syncGroup(group);
    };
  I.define('WAWebModifyParticipantsGroupAction', {
    removeParticipants: modify('remove', 'remove'),
    promoteParticipants: modify('promote', 'promote'),
    demoteParticipants: modify('demote', 'demote'),
  });

  /** Subject, description, settings: only admins once the group's info is locked (settings: only admins). */
  function setInfo(group, field, value, subtype, body, adminsOnly = false) {
    if (adminsOnly || group.restrict) requireAdmin(group);
    group[field] = value;
    log({ action: field, group: group.id, by: 'me', value });
    I.syncGroup(group);
    I.groupNotice(group, subtype, { by: 'me', body });
  }
  I.define('WAWebGroupModifyInfoJob', {
    async setGroupSubject(wid, subject) {
      setInfo(groupOf(wid), 'subject', subject, 'subject', subject);
    },
    async setGroupDescription(wid, desc, newId) {
      const group = groupOf(wid);
      group.descId = newId;
      setInfo(group, 'desc', desc, 'description', desc);
    },
  });
  I.define('WAWebSetPropertyGroupAction', {
    async setGroupProperty(chat, property, value) {
      const group = groupOf(chat.id);
      if (property === 'announcement') setInfo(group, 'announce', Boolean(value), 'announce', value ? 'on' : 'off', true);
      else if (property === 'restrict') setInfo(group, 'restrict', Boolean(value), 'restrict', value ? 'on' : 'off', true);
      else if (property === 'member_add_mode') setInfo(group, 'memberAddMode', value, 'member_add_mode', String(value), true);
      else throw serverError('bad-request', 400);
    },
  });

  // --- pictures (the account's own and groups') ----------------------------------------------------
  const pictureUrl = (wid) => `https://pps.whatsapp.net/v/t61.24694-24/${I.wid(wid).user}_${I.randomHex(8)}.jpg?oe=ffffffff`;
  const pictureOf = (id) => {
    if (world.pictures.has(id)) return world.pictures.get(id);
    const person = world.person(id);
    return person?.picture ? `https://pps.whatsapp.net/v/t61.24694-24/${person.lid}_imitation.jpg?oe=ffffffff` : null;
  };
  ProfilePicThumb.find = async (wid) => {
    const id = I.keyOf(wid);
    world.queries.profilePic++;
    const model = ProfilePicThumb.get(id) ?? ProfilePicThumb.add(new I.ProfilePicThumbModel({ id: I.wid(id) }), { silent: true });
    const url = pictureOf(id);
    model.set({ img: url ?? undefined, imgFull: url ?? undefined, eurl: url ?? undefined });
    return model;
  };
  const bridge = I.module('WAWebContactProfilePicThumbBridge');
  const fromServer = bridge.requestProfilePicFromServer;
  Object.assign(bridge, {
    async requestProfilePicFromServer(chat) {
      const id = I.keyOf(chat.id);
      if (!world.pictures.has(id)) return fromServer(chat);
      world.queries.profilePic++;
      if (!world.pictures.get(id)) throw I.namedError('ServerStatusCodeError', 'item-not-found', { statusCode: 404 });
      return { eurl: world.pictures.get(id), tag: '1', status: 200 };
    },
    async sendSetPicture(wid, thumbnail, full) {
      const id = I.keyOf(wid);
      const url = pictureUrl(wid);
      world.pictures.set(id, url);
      ProfilePicThumb.get(id)?.set({ img: url, imgFull: url, eurl: url });
      world.log.profile.push({ action: 'picture', id, mimetype: String(full).slice(5, String(full).indexOf(';')), bytes: Math.floor((String(full).length - String(full).indexOf(',') - 1) * 0.75) });
      const group = world.group(id);
      if (group) I.groupNotice(group, 'picture', { by: 'me' });
      I.persist();
      return { status: 200, eurl: url };
    },
    async requestDeletePicture(wid) {
      const id = I.keyOf(wid);
      world.pictures.set(id, null);
      ProfilePicThumb.get(id)?.set({ img: undefined, imgFull: undefined, eurl: undefined });
      world.log.profile.push({ action: 'remove-picture', id });
      const group = world.group(id);
      if (group) I.groupNotice(group, 'picture', { by: 'me' });
      I.persist();
      return { status: 200 };
    },
  });

  // --- controls ----------------------------------------------------------------------------------
  Object.assign(controls, {
    /** A group as the server holds it (participants as WhatsApp Web addresses them). */
    group(ref) {
      const group = world.group(ref);
      if (!group) return null;
      return {
        id: group.id, subject: group.subject, desc: group.desc ?? null, announce: Boolean(group.announce), restrict: Boolean(group.restrict),
        approval: Boolean(group.approval), inviteCode: group.inviteCode, me: group.me, owner: I.keyOf(I.memberWid(group, group.owner)),
        participants: [...(group.me ? ['me'] : []), ...group.members].map((key) => ({ id: I.keyOf(I.memberWid(group, key)), key, admin: isAdmin(group, key) })),
        requests: group.requests.map((r) => ({ id: I.keyOf(I.memberWid(group, r.key)), key: r.key, t: r.t })),
        picture: world.pictures.get(group.id) ?? null,
      };
    },
    /**
     * Another member changes the group: `add`, `remove`, `promote`, `demote` (`members`: keys, 'me'
     * for the account), `leave` (by itself), `subject`/`description` (`value`), `announce`/`restrict`
     * (`value` true/false).
     */
    groupEvent({ group: ref, by, action, members: keys = [], value }) {
      const group = world.group(ref);
      if (!group) throw new Error(`no group ${ref}`);
      if (action === 'leave') {
        I.groupNotice(group, 'leave', { by, recipients: [by] });
        members(group, [by], 'leave', by);
      } else if (['add', 'remove', 'promote', 'demote'].includes(action)) {
        if (action === 'add') members(group, keys, action, by);
        I.groupNotice(group, action, { by, recipients: keys });
        if (action !== 'add') members(group, keys, action, by);
      } else {
        const field = { subject: 'subject', description: 'desc', announce: 'announce', restrict: 'restrict' }[action];
        if (!field) throw new Error(`groupEvent: unknown action ${action}`);
        group[field] = value;
        log({ action: field, group: group.id, by, value });
        I.syncGroup(group);
        I.groupNotice(group, action, { by, body: typeof value === 'boolean' ? (value ? 'on' : 'off') : value });
      }
      I.syncGroup(group);
      return controls.group(group.id);
    },
    /** Someone asks to join a group whose admins approve who joins. */
    requestJoin({ group: ref, from }) {
      const group = world.group(ref);
      if (!group) throw new Error(`no group ${ref}`);
      group.approval = true;
      if (!group.requests.some((r) => r.key === from)) group.requests.push({ key: from, t: I.now() });
      I.syncGroup(group);
      return controls.group(group.id);
    },
  });
})(window.__imitation);
