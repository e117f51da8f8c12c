// The connection: socket state, QR refs, linking, the first sync, reloads, logout and the
// terminal states, plus the session kept in localStorage (the real one lives in IndexedDB) so a
// reload or a new browser on the same LocalAuth profile comes back linked.
(function (I) {
  'use strict';
  const { Emitter, world } = I;
  const STORE_KEY = '__imitation.session';

  const Socket = new Emitter();
  Object.assign(Socket, {
    state: 'OPENING',
    hasSynced: false,
    logout() {
      // Answers first, then leaves, as the real one does (the library closes the browser next).
      setTimeout(() => unlink('logout'), 50);
    },
    takeover() {
      if (Socket.state === 'CONFLICT') setState('CONNECTED');
    },
    reconnect() {},
  });
  I.hide(Socket, 'onListen', (name) => {
    if (name === 'change:hasSynced') I.syncWhenListened();
  });

  const Conn = new Emitter();
  Object.assign(Conn, {
    ref: null,
    pushname: undefined,
    platform: 'android',
    battery: undefined,
    plugged: undefined,
    serialize() {
      return { ref: Conn.ref, pushname: Conn.pushname, platform: Conn.platform, battery: Conn.battery, plugged: Conn.plugged };
    },
    canSetMyPushname: () => true,
  });

  const Cmd = new Emitter();
  I.Socket = Socket;
  I.Conn = Conn;
  I.Cmd = Cmd;

  function setState(state) {
    Socket.state = state;
    Socket.trigger('change:state', Socket, state);
  }
  I.setState = setState;

  // --- QR --------------------------------------------------------------------------------------
  let rotations = 0;
  let rotateTimer = null;

  function newRef() {
    Conn.ref = `2@${I.randomB64(48)}`;
    Conn.trigger('change:ref', Conn, Conn.ref);
  }

  I.showQr = () => {
    if (world.me) throw new Error('the account is linked; log out first');
    rotations = 0;
    Conn.ref = `2@${I.randomB64(48)}`;
    setState('UNPAIRED');
    scheduleRotation();
  };
  I.rotateQr = () => {
    if (Socket.state !== 'UNPAIRED') throw new Error(`no QR is showing (state ${Socket.state})`);
    newRef();
  };
  /** The QR stops changing; WhatsApp Web waits for a click (or the library's refresh). */
  I.idle = () => {
    clearTimeout(rotateTimer);
    setState('UNPAIRED_IDLE');
  };
  function scheduleRotation() {
    clearTimeout(rotateTimer);
    if (!world.settings.qrRotateMs) return;
    rotateTimer = setTimeout(() => {
      if (Socket.state !== 'UNPAIRED') return;
      if (++rotations >= world.settings.qrRotations) return I.idle();
      newRef();
      scheduleRotation();
    }, world.settings.qrRotateMs);
  }
  /** What clicking "reload QR" does: back to UNPAIRED with a fresh ref. */
  function refreshQR() {
    if (world.me) return;
    world.log.qrRefreshes++;
    rotations = 0;
    newRef();
    if (Socket.state !== 'UNPAIRED') setState('UNPAIRED');
    scheduleRotation();
  }

  // --- linking and the first sync ------------------------------------------------------------
  let syncPending = false;

  /** The phone scans the QR: the account links, its history arrives, then hasSynced. */
  /** `business`: the phone runs WhatsApp Business (Conn.platform `smba`), which has labels. */
  I.scan = (phone, name, { sync = true, business = false } = {}) => {
    if (Socket.state !== 'UNPAIRED' && Socket.state !== 'UNPAIRED_IDLE') throw new Error(`no QR is showing (state ${Socket.state})`);
    clearTimeout(rotateTimer);
    world.me = { ...world.meOf(String(phone), name), about: 'Hey there! I am using WhatsApp.', business };
    Conn.pushname = name;
    Conn.platform = business ? 'smba' : 'android';
    setState('PAIRING');
    I.loadInitialHistory();
    I.persist();
    setState('CONNECTED');
    syncPending = true;
    if (sync) I.syncWhenListened();
  };

  /** Sync finishes once whatsapp-web.js listens for it, so no test needs a sleep. */
  I.syncWhenListened = () => {
    if (!syncPending || Socket.state !== 'CONNECTED' || Socket.listenerCount('change:hasSynced') === 0) return;
    syncPending = false;
    setTimeout(() => {
      for (const progress of [40, 100]) {
        I.offlineProgress = progress;
        Cmd.trigger('offline_progress_update_from_bridge');
      }
      Socket.hasSynced = true;
      Socket.trigger('change:hasSynced', Socket, true);
    }, 20);
  };
  I.completeSync = () => {
    syncPending = true;
    I.syncWhenListened();
  };

  // --- leaving -----------------------------------------------------------------------------------
  /**
   * Logged out (from the phone, or Socket.logout()): WhatsApp Web clears its storage, tells the
   * page (Cmd `logout`, which the library turns into `lastLoggedOut`), then loads itself again,
   * unlinked. The real page goes to `?post_logout=1`; the library serves only the bare URL from
   * its local web cache, so the imitation reloads that and the library's flag does the rest.
   */
  function unlink(event) {
    localStorage.removeItem(STORE_KEY);
    world.me = null;
    Cmd.trigger(event);
    setTimeout(() => location.reload(), 150);
  }
  I.logoutFromPhone = () => unlink('logout');

  I.reload = ({ bootDelayMs = 0, shape } = {}) => {
    I.persist();
    if (bootDelayMs) sessionStorage.setItem('__imitation.bootDelayMs', String(bootDelayMs));
    if (shape) {
      if (!I.SHAPES[shape]) throw new Error(`unknown imitation shape ${shape}`);
      sessionStorage.setItem('__imitation.nextShape', shape);
    }
    setTimeout(() => location.reload(), 0);
  };

  // --- persistence -----------------------------------------------------------------------------
  const encode = (v) => {
    if (v instanceof I.Wid) return { $wid: v._serialized };
    if (v instanceof I.MsgKey) return { $key: { fromMe: v.fromMe, remote: v.remote._serialized, id: v.id, participant: v.participant?._serialized } };
    if (v instanceof Uint8Array) return { $u8: I.bytesToB64(v) };
    if (Array.isArray(v)) return v.map(encode);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, encode(x)]));
    return v;
  };
  const decode = (v) => {
    if (Array.isArray(v)) return v.map(decode);
    if (v && typeof v === 'object') {
      if (v.$wid) return I.wid(v.$wid);
      if (v.$key) return new I.MsgKey(v.$key);
      if (v.$u8) return I.b64ToBytes(v.$u8);
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, decode(x)]));
    }
    return v;
  };

  let persistQueued = false;
  I.persist = () => {
    if (!world.me || persistQueued) return;
    persistQueued = true;
    queueMicrotask(() => {
      persistQueued = false;
      if (world.me) localStorage.setItem(STORE_KEY, JSON.stringify(I.snapshot()));
    });
  };
  I.snapshot = () => {
    const { Chat, Contact, Blocklist } = I.collections;
    return encode({
      me: world.me,
      // What this account changed on the server side: groups it created, joined or administers,
      // channels it follows, pictures it set.
      groups: world.groups,
      channels: world.channels.map((c) => ({ id: c.id, role: c.role })),
      pictures: [...world.pictures],
      lids: I.lids.entries(),
      blocklist: Blocklist.getModelsArray().map((b) => b.id),
      contacts: Contact.getModelsArray().map((c) => c.serialize()),
      chats: Chat.getModelsArray().map((c) => ({ chat: c.toJSON(), msgs: c.msgs.getModelsArray().map((m) => m.serialize()) })),
    });
  };
  function restore(saved) {
    const data = decode(saved);
    world.me = data.me;
    Conn.pushname = data.me.name;
    if (data.me.business) Conn.platform = 'smba';
    if (data.groups) world.groups = data.groups;
    for (const { id, role } of data.channels ?? []) {
      const channel = world.channels.find((c) => c.id === id);
      if (channel) channel.role = role;
    }
    for (const [id, url] of data.pictures ?? []) world.pictures.set(id, url);
    for (const [lid, pn] of data.lids) I.lids.learn(lid, pn);
    for (const id of data.blocklist) I.collections.Blocklist.add({ id }, { silent: true });
    for (const c of data.contacts) I.collections.Contact.add(new I.ContactModel(c), { silent: true });
    for (const { chat, msgs } of data.chats) {
      const model = I.collections.Chat.add(new I.ChatModel(chat), { silent: true });
      const group = world.group(model.id);
      if (group) I.attachGroupMetadata(model, group);
      for (const m of msgs) {
        const msg = new I.MsgModel({ ...m, isNewMsg: false });
        // A media message loaded again has its media models back, not downloaded yet (downloadMedia() fetches it).
        if (m.directPath) {
          msg.mediaData = { mediaStage: 'INIT' };
          msg.mediaObject = { type: m.type };
        }
        model.msgs.add(msg, { silent: true });
        I.collections.Msg.add(msg, { silent: true });
      }
    }
    I.loadAccountExtras?.();
  }

  // --- modules -----------------------------------------------------------------------------------
  I.define('WAWebSocketModel', { Socket });
  I.define('WAWebConnModel', { Conn });
  I.define('WAWebCmd', { Cmd });
  // WhatsApp Web 2026 has no Cmd.refreshQR any more (wwebjs #22449); this is what reloads a QR.
  I.define('WAWebLaunchSocketUtils', { refreshQR });
  I.define('WAWebOfflineHandler', { OfflineMessageHandler: { getOfflineDeliveryProgress: () => I.offlineProgress ?? 0 } });
  I.define('WABase64', { encodeB64: (x) => (typeof x === 'string' ? btoa(x) : I.bytesToB64(x)) });
  I.define('WAWebCompanionRegClientUtils', { DEVICE_PLATFORM: 'Chrome' });
  I.define('WAWebAdvSignatureApi', {});
  const noise = crypto.getRandomValues(new Uint8Array(32));
  const identity = crypto.getRandomValues(new Uint8Array(32));
  I.define('WAWebUserPrefsInfoStore', { waNoiseInfo: { get: async () => ({ staticKeyPair: { pubKey: noise } }) } });
  I.define('WAWebSignalStoreApi', { waSignalStore: { getRegistrationInfo: async () => ({ identityKeyPair: { pubKey: identity } }) } });
  const advSecret = I.randomB64(32);
  I.define('WAWebUserPrefsMultiDevice', { getADVSecretKey: () => advSecret });
  I.define('WAWebUserPrefsMeUser', { getMaybeMePnUser: () => world.mePn(), getMaybeMeLidUser: () => world.meLid() });
  const notImitated = () => Promise.reject(new Error('linking with a pairing code is not imitated; scan the QR (__wa.scan)'));
  I.define('WAWebAltDeviceLinkingApi', { setPairingType() {}, initializeAltDeviceLinking: notImitated, startAltLinkingFlow: notImitated, initializeQRLinking: async () => refreshQR() });
  I.define('WAWebMiscBrowserUtils', { info: () => ({ name: 'Chrome', os: 'Linux', version: '156' }) });
  I.define('WAWebSyncGatingUtils', {});
  const calls = new Emitter();
  calls.calls = new Map();
  I.define('WAWebCallCollection', calls);
  I.define('WAWebStreamModel', { Stream: { markAvailable() {}, markUnavailable() {} } });

  // --- boot --------------------------------------------------------------------------------------
  I.boot = () => {
    const saved = localStorage.getItem(STORE_KEY);
    if (saved) restore(JSON.parse(saved));
    window.Debug = { VERSION: I.shape.version };
    window.require = I.require;
    setTimeout(() => {
      if (world.me) {
        setState('CONNECTED');
        syncPending = true;
        I.syncWhenListened();
      } else if (I.config.autoQr !== false) {
        I.showQr();
      }
    }, 30);
  };

  I.disconnect = (state) => {
    const allowed = ['CONFLICT', 'TOS_BLOCK', 'SMB_TOS_BLOCK', 'PROXYBLOCK', 'DEPRECATED_VERSION', 'TIMEOUT', 'UNPAIRED', 'UNLAUNCHED', 'OPENING'];
    if (!allowed.includes(state)) throw new Error(`disconnect(${state}): expected one of ${allowed.join(', ')}`);
    // After this call answers: the library closes the browser on most of these states.
    setTimeout(() => setState(state), 0);
  };
})(window.__imitation);
