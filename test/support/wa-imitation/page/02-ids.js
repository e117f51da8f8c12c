// Ids: Wid (users, LIDs, groups) and MsgKey (message keys), as whatsapp-web.js reads them.
(function (I) {
  'use strict';

  /** `user@server`; own properties `server`, `user`, `_serialized` (unchanged by the 2026 builds). */
  class Wid {
    constructor(serialized) {
      const [userPart, rawServer] = String(serialized).split('@');
      const server = rawServer === 's.whatsapp.net' ? 'c.us' : rawServer;
      if (!userPart || !server) throw new Error(`invalid wid: ${serialized}`);
      const [user, device] = userPart.split(':');
      this.server = server;
      this.user = user;
      if (device !== undefined) this.device = Number(device);
      this._serialized = `${user}${device !== undefined ? `:${device}` : ''}@${server}`;
    }

    isLid() {
      return this.server === 'lid';
    }

    isUser() {
      return this.server === 'c.us' || this.server === 'lid';
    }

    isGroup() {
      return this.server === 'g.us';
    }

    isStatus() {
      return this._serialized === 'status@broadcast';
    }

    isBroadcast() {
      return this.server === 'broadcast';
    }

    isNewsletter() {
      return this.server === 'newsletter';
    }

    equals(other) {
      return !!other && I.keyOf(other) === this._serialized;
    }

    toString() {
      return this._serialized;
    }

    toJid() {
      return this.server === 'c.us' ? `${this.user}@s.whatsapp.net` : this._serialized;
    }

    /**
     * JSON (which carries the arguments of the library's exposed functions to Node) writes a Wid
     * as its string; CDP's by-value results keep it an object. Hence `from` strings in events but
     * `{ _serialized }` objects from getNumberId and getChats.
     */
    toJSON() {
      return this._serialized;
    }
  }
  I.Wid = Wid;
  I.wid = (x) => (x instanceof Wid ? x : new Wid(typeof x === 'string' ? x : x._serialized));

  /**
   * A message key. Its serialized form `fromMe_remote_id[_participant]` is kept under
   * `_serialized` or, since July 2026, `$1` (the shape decides); toString() gives it either way,
   * which is what collections file messages under.
   */
  class MsgKey {
    constructor({ from, to, id, participant, selfDir, fromMe, remote }) {
      const mine = fromMe ?? selfDir === 'out';
      this.fromMe = Boolean(mine);
      this.remote = I.wid(remote ?? (mine ? to : from));
      this.id = id;
      if (participant) this.participant = I.wid(participant);
      this[I.shape.msgKeyProp] = `${this.fromMe}_${this.remote._serialized}_${id}${this.participant ? `_${this.participant._serialized}` : ''}`;
    }

    toString() {
      return this[I.shape.msgKeyProp];
    }

    equals(other) {
      return !!other && I.keyOf(other) === this.toString();
    }

    static newId() {
      return Promise.resolve(`3EB0${I.randomHex(18)}`);
    }

    static fromString(serialized) {
      const [fromMe, remote, id, participant] = serialized.split('_');
      return new MsgKey({ fromMe: fromMe === 'true', remote, id, participant });
    }
  }
  I.MsgKey = MsgKey;

  I.define('WAWebMsgKey', MsgKey);

  I.define('WAWebWidFactory', {
    createWid(value) {
      if (value instanceof Wid) return value;
      // A string to parse; an object that merely looks like a Wid (one that went through CDP)
      // is refused, so a library path that passes one shows up.
      if (typeof value !== 'string') throw new TypeError('createWid expects a wid string');
      return new Wid(value);
    },
    createWidFromWidLike: (like) => (like instanceof Wid ? like : new Wid(like._serialized ?? `${like.user}@${like.server}`)),
    createUserWid: (user, server = 'c.us') => new Wid(`${user}@${server}`),
    asUserWidOrThrow(wid) {
      const w = I.wid(wid);
      if (!w.isUser()) throw new Error(`asUserWidOrThrow: ${w._serialized} is not a user`);
      return w;
    },
    toUserWid: (wid) => new Wid(`${I.wid(wid).user}@${I.wid(wid).server}`),
  });
})(window.__imitation);
