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
    { key: 'alice', phone: '905551110001', lid: '200000000000001', name: 'Alice Ak', pushname: 'Alice', migrated: false, lidKnown: true, inAddressBook: true, picture: true },
    { key: 'bob', phone: '905551110002', lid: '200000000000002', name: 'Bob Bal', pushname: 'Bob', migrated: true, lidKnown: true, inAddressBook: true, picture: false },
    { key: 'carol', phone: '905551110003', lid: '200000000000003', name: null, pushname: 'Carol', migrated: true, lidKnown: false, inAddressBook: false, picture: true },
    { key: 'dan', phone: '905551110004', lid: '200000000000004', name: null, pushname: 'Dan', migrated: false, lidKnown: false, inAddressBook: false, picture: false },
    { key: 'erin', phone: '905551110005', lid: '200000000000005', name: null, pushname: 'Erin', migrated: true, lidKnown: false, inAddressBook: false, picture: false, phoneHidden: true },
  ];

  const GROUPS = [
    {
      key: 'team',
      id: '120363000000000001@g.us',
      subject: 'Imitation Team',
      desc: 'Where the imitation talks',
      creation: 1767225600,
      lidAddressing: true,
      admins: ['bob'],
      members: ['alice', 'bob', 'erin'],
    },
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
    groups: GROUPS.map((g) => ({ ...g })),
    history: HISTORY,
    /** Set by scan(); kept in localStorage with the session. */
    me: null,
    cdn: new Map(),
    log: { outbox: [], reactions: [], revoked: [], deletedForMe: [], seen: [], blocks: [], archived: [], deletedChats: [], modals: 0, qrRefreshes: 0 },
    queries: { exists: 0, groupMetadata: 0, profilePic: 0, businessProfile: 0 },
    settings: {
      /** WhatsApp's delete-for-everyone limit is about 60 hours. */
      revokeWindowSec: 60 * 60 * 60,
      /** Acks past "sent" come only when the test plays the phone, unless this is set. */
      autoDeliver: false,
      lidStrict: I.shape.lidStrict,
      /** QR rotation like WhatsApp Web's (~20 s, then UNPAIRED_IDLE); off unless configured. */
      qrRotateMs: Number(I.config.qrRotateMs) || 0,
      qrRotations: Number(I.config.qrRotations) || 5,
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

  world.putMedia = (bytes, mimetype) => {
    const directPath = `/v/t62.7118-24/${I.randomHex(8)}_${I.randomHex(16)}.enc`;
    world.cdn.set(directPath, { bytes, mimetype });
    return directPath;
  };
})(window.__imitation);
