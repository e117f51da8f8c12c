// The other side of the wire: the people and groups on "WhatsApp", the media CDN, and the log of
// what reached the "server" (sends, reactions, revokes, receipts, blocks, queries). Tests read it
// through `__wa` to check what whatsapp-web.js really did, not what it answered.
(function (I) {
  'use strict';

  /**
   * The default cast. `migrated` people are reached by LID (their 1:1 chat is `<lid>@lid`);
   * `lidKnown` means this account already knows their LID<->phone pairing when it links;
   * `phoneHidden` means WhatsApp never tells their phone (a LID with phone privacy).
   */
  const PEOPLE = [
    { key: 'alice', phone: '905551110001', lid: '200000000000001', name: 'Alice Ak', pushname: 'Alice', migrated: false, lidKnown: true, inAddressBook: true, picture: true, about: 'Available' },
    { key: 'bob', phone: '905551110002', lid: '200000000000002', name: 'Bob Bal', pushname: 'Bob', migrated: true, lidKnown: true, inAddressBook: true, picture: false, about: 'At work' },
    { key: 'carol', phone: '905551110003', lid: '200000000000003', name: null, pushname: 'Carol', migrated: true, lidKnown: false, inAddressBook: false, picture: true, about: null },
    { key: 'dan', phone: '905551110004', lid: '200000000000004', name: null, pushname: 'Dan', migrated: false, lidKnown: false, inAddressBook: false, picture: false, about: 'Open 9 to 5', business: true },
    { key: 'erin', phone: '905551110005', lid: '200000000000005', name: null, pushname: 'Erin', migrated: true, lidKnown: false, inAddressBook: false, picture: false, phoneHidden: true, about: null },
  ];

  /**
   * Groups on "WhatsApp". `me` is the account's role (null: not in it; the account can join `club`
   * by its invite code, and ask to join `guild`, whose admins approve who joins); `owner` a
   * person's key or 'me'. Members are addressed by LID in LID-addressed groups.
   */
  const GROUPS = [
    {
      key: 'team',
      id: '120363000000000001@g.us',
      subject: 'Imitation Team',
      desc: 'Where the imitation talks',
      creation: 1767225600,
      lidAddressing: true,
      owner: 'me',
      me: 'superadmin',
      admins: ['bob'],
      members: ['alice', 'bob', 'erin'],
      announce: false,
      restrict: false,
      approval: false,
      inviteCode: 'TeamInviteCode0000000001',
      requests: [],
      picture: false,
    },
    {
      key: 'club',
      id: '120363000000000002@g.us',
      subject: 'Imitation Club',
      desc: 'Anyone with the link',
      creation: 1767312000,
      lidAddressing: true,
      owner: 'alice',
      me: null,
      admins: ['alice'],
      members: ['alice', 'dan'],
      announce: false,
      restrict: false,
      approval: false,
      inviteCode: 'ClubInviteCode0000000002',
      requests: [],
      picture: false,
    },
    {
      key: 'guild',
      id: '120363000000000003@g.us',
      subject: 'Imitation Guild',
      desc: 'Admins approve who joins',
      creation: 1767398400,
      lidAddressing: true,
      owner: 'bob',
      me: null,
      admins: ['bob'],
      members: ['bob', 'carol'],
      announce: false,
      restrict: false,
      approval: true,
      inviteCode: 'GuildInviteCode000000003',
      requests: [],
      picture: false,
    },
  ];

  /** Channels (newsletters): the account follows `news`, owns `mine`, and can find `sports` by its link. */
  const CHANNELS = [
    { key: 'news', id: '120363100000000001@newsletter', name: 'Imitation News', description: 'What happens in the imitation', subscribers: 1200, inviteCode: 'NewsChannelCode01', role: 'subscriber' },
    { key: 'sports', id: '120363100000000002@newsletter', name: 'Imitation Sports', description: 'Scores', subscribers: 5400, inviteCode: 'SportsChannelCode2', role: 'guest' },
    { key: 'mine', id: '120363100000000003@newsletter', name: 'My Channel', description: 'Mine', subscribers: 3, inviteCode: 'MineChannelCode003', role: 'owner' },
  ];

  /** WhatsApp Business labels an `smba` account has (WhatsApp's defaults). */
  const LABELS = [
    { id: '1', name: 'New customer', colorIndex: 0 },
    { id: '2', name: 'New order', colorIndex: 1 },
    { id: '3', name: 'Pending payment', colorIndex: 2 },
  ];

  /** What the account's phone has in its history when it links: [chat, from, body, age in s]. */
  const HISTORY = [
    ['alice', 'alice', 'Hello from the history', 3600],
    ['alice', 'me', 'An old reply', 3500],
    ['bob', 'bob', 'Bob in the history', 1800],
    ['team', 'bob', 'Team history', 600],
  ];

  const world = {
    people: PEOPLE.map((p) => ({ ...p })),
    groups: GROUPS.map((g) => ({ ...g, admins: [...g.admins], members: [...g.members], requests: [] })),
    channels: CHANNELS.map((c) => ({ ...c })),
    labels: LABELS,
    /** Pictures set from this account (its own, groups'), by id: a URL, or null once removed. */
    pictures: new Map(),
    /** Calls under way, by id. */
    calls: new Map(),
    history: HISTORY,
    /** Set by scan(); kept in localStorage with the session. */
    me: null,
    cdn: new Map(),
    log: {
      outbox: [], reactions: [], revoked: [], deletedForMe: [], seen: [], blocks: [], archived: [], deletedChats: [], modals: 0, qrRefreshes: 0,
      edits: [], stars: [], pins: [], mutes: [], unread: [], chatStates: [], presence: [], profile: [], groups: [], channels: [], labels: [], calls: [],
    },
    queries: { exists: 0, groupMetadata: 0, profilePic: 0, businessProfile: 0, linkPreview: 0 },
    settings: {
      /** WhatsApp's delete-for-everyone limit is about 60 hours. */
      revokeWindowSec: 60 * 60 * 60,
      /** Acks past "sent" come only when the test plays the phone, unless this is set. */
      autoDeliver: false,
      lidStrict: I.shape.lidStrict,
      /** QR rotation like WhatsApp Web's (~20 s, then UNPAIRED_IDLE); off unless configured. */
      qrRotateMs: Number(I.config.qrRotateMs) || 0,
      qrRotations: Number(I.config.qrRotations) || 5,
      /** WhatsApp allows editing a sent text for 15 minutes. */
      editWindowSec: 15 * 60,
    },
  };
  I.world = world;

  world.meOf = (phone, name) => ({ phone, lid: `1${phone.padStart(14, '0').slice(-14)}`, name });
  world.mePn = () => (world.me ? I.wid(`${world.me.phone}@c.us`) : null);
  world.meLid = () => (world.me ? I.wid(`${world.me.lid}@lid`) : null);

  /** A person by key (`alice`), phone, `...@c.us`/`...@s.whatsapp.net` or `...@lid`; undefined if none. */
  world.person = (ref) => {
    if (!ref) return undefined;
    const s = I.keyOf(ref);
    const user = s.split('@')[0].split(':')[0];
    return world.people.find((p) => p.key === s || p.phone === s || (s.endsWith('@lid') ? p.lid === user : p.phone === user && s.includes('@')));
  };
  world.group = (ref) => {
    const s = I.keyOf(ref);
    return world.groups.find((g) => g.key === s || g.id === s);
  };
  world.isMe = (wid) => !!world.me && (I.keyOf(wid) === `${world.me.phone}@c.us` || I.keyOf(wid) === `${world.me.lid}@lid`);
  /** The id a person's 1:1 chat has on WhatsApp Web now: the LID once migrated. */
  world.chatIdOf = (p) => I.wid(p.migrated ? `${p.lid}@lid` : `${p.phone}@c.us`);

  /**
   * Media someone sent this account stays on WhatsApp's CDN for weeks, whatever happens to the
   * page: it is kept in localStorage (the LocalAuth profile) under its own key, so a page loaded
   * again, or a new client on the same session folder, can still download a message that arrived
   * earlier (a backfill after a restart). Everything else on the CDN is per page load.
   */
  const CDN_KEY = '__imitation.cdn';
  const keptMedia = () => JSON.parse(localStorage.getItem(CDN_KEY) ?? '{}');
  for (const [directPath, { data, mimetype }] of Object.entries(keptMedia())) world.cdn.set(directPath, { bytes: I.b64ToBytes(data), mimetype });

  world.putMedia = (bytes, mimetype, { keep = false } = {}) => {
    const directPath = `/v/t62.7118-24/${I.randomHex(8)}_${I.randomHex(16)}.enc`;
    world.cdn.set(directPath, { bytes, mimetype });
    if (keep) localStorage.setItem(CDN_KEY, JSON.stringify({ ...keptMedia(), [directPath]: { data: I.bytesToB64(bytes), mimetype } }));
    return directPath;
  };
})(window.__imitation);
