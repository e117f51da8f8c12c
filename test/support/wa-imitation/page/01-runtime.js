// The imitation's runtime: the shapes of WhatsApp Web, its event and model system, and the module
// registry behind `window.require`. Every page file shares `window.__imitation` (called I).
(function (I) {
  'use strict';

  /**
   * The WhatsApp Web builds the imitation can be, each with the version string it reports and
   * the behaviours that changed (see README.md for the evidence of each switch).
   *   msgKeyProp   where a MsgKey keeps its serialized form: `_serialized` up to
   *                2.3000.1042386815, `$1` from 2.3000.1042401057 (wa-js #3484, wwebjs #201830)
   *   mediaModelId media models declare an `id` attribute, so they carry a private `__x_id`
   *                (reported from 2026-09-17: wwebjs #201921, #201922, PR #201923)
   *   downloadNeedsMimetype downloadAndMaybeDecrypt defaults a missing mimetype to
   *                application/octet-stream and rejects it (wwebjs #201908, 2026-09-08)
   *   lidStrict    a 1:1 chat of a LID-migrated number needs its LID locally, else
   *                `No LID for user` (wwebjs #145434, OpenWA #156 on 1.34.7 in May 2026)
   */
  I.SHAPES = {
    '2026-06': { version: '2.3000.1040549582', msgKeyProp: '_serialized', mediaModelId: false, downloadNeedsMimetype: false, lidStrict: true },
    '2026-07': { version: '2.3000.1043220887', msgKeyProp: '$1', mediaModelId: false, downloadNeedsMimetype: false, lidStrict: true },
    '2026-09': { version: '2.3000.1047775310', msgKeyProp: '$1', mediaModelId: true, downloadNeedsMimetype: true, lidStrict: true },
  };

  const config = window.__imitationConfig || {};
  const nextShape = sessionStorage.getItem('__imitation.nextShape');
  I.shapeName = nextShape || config.shape || '2026-06';
  if (!I.SHAPES[I.shapeName]) throw new Error(`unknown imitation shape ${I.shapeName}`);
  I.shape = { ...I.SHAPES[I.shapeName] };
  I.config = config;

  /** Own properties that are not attributes: hidden from spreads, JSON and CDP serialisation. */
  I.hide = (obj, name, value) => Object.defineProperty(obj, name, { value, writable: true, configurable: true, enumerable: false });

  /** Throws an error in the page's event loop without breaking the caller (a listener failed). */
  I.reportLater = (err) => setTimeout(() => {
    throw err;
  });

  /** Backbone-like events; change events carry (model, value, previous) as WhatsApp Web's do. */
  class Emitter {
    on(names, fn, ctx) {
      if (!this._events) I.hide(this, '_events', new Map());
      for (const name of String(names).split(/\s+/).filter(Boolean)) {
        if (!this._events.has(name)) this._events.set(name, []);
        this._events.get(name).push({ fn, ctx });
        if (this.onListen) this.onListen(name);
      }
      return this;
    }

    once(name, fn, ctx) {
      const wrapper = (...args) => {
        this.off(name, wrapper);
        return fn.apply(ctx ?? this, args);
      };
      return this.on(name, wrapper);
    }

    off(names, fn) {
      if (!this._events) return this;
      if (names === undefined) {
        this._events.clear();
        return this;
      }
      for (const name of String(names).split(/\s+/).filter(Boolean)) {
        const list = this._events.get(name) ?? [];
        this._events.set(name, fn ? list.filter((l) => l.fn !== fn) : []);
      }
      return this;
    }

    trigger(name, ...args) {
      const listeners = [...(this._events?.get(name) ?? []), ...(this._events?.get('all') ?? []).map((l) => ({ ...l, all: true }))];
      for (const l of listeners) {
        try {
          const result = l.all ? l.fn.call(l.ctx ?? this, name, ...args) : l.fn.apply(l.ctx ?? this, args);
          if (result && typeof result.catch === 'function') result.catch(I.reportLater);
        } catch (err) {
          I.reportLater(err);
        }
      }
      return this;
    }

    listenerCount(name) {
      return this._events?.get(name)?.length ?? 0;
    }
  }
  I.Emitter = Emitter;

  /** Values CDP can hand to Node by value: model attributes that are not are left out of serialize(). */
  const serializable = (v) =>
    v === null || v === undefined || typeof v !== 'object' || Array.isArray(v) || v instanceof Uint8Array || v instanceof I.Wid || v instanceof I.MsgKey ||
    Object.getPrototypeOf(v) === Object.prototype;

  /**
   * A model like WhatsApp Web's: attribute `x` lives in the own, enumerable property `__x_x`
   * with an accessor `x`, so spreading a model copies its `__x_` properties (which is how the
   * September 2026 `__x_id` breakage happens). Constructor data may carry raw `__x_` keys; they
   * are taken as they are, after the public ones before them.
   */
  class Model extends Emitter {
    constructor(attrs = {}) {
      super();
      I.hide(this, '_collections', new Set());
      for (const name of this.constructor.declared ?? []) this.defineAttribute(name);
      for (const [key, value] of Object.entries(attrs)) {
        if (key.startsWith('__x_')) {
          this.defineAttribute(key.slice(4));
          this[key] = value;
        } else {
          this.defineAttribute(key);
          this[`__x_${key}`] = value;
        }
      }
    }

    defineAttribute(name) {
      if (Object.prototype.hasOwnProperty.call(this, `__x_${name}`)) return;
      if (name in this && !Object.prototype.hasOwnProperty.call(this, name)) {
        // A prototype getter of the same name (formattedTitle, isContactBlocked...) wins.
        this[`__x_${name}`] = undefined;
        return;
      }
      this[`__x_${name}`] = undefined;
      Object.defineProperty(this, name, {
        configurable: true,
        enumerable: false,
        get: () => this[`__x_${name}`],
        set: (value) => this.set(name, value),
      });
    }

    get attributeNames() {
      return Object.keys(this).filter((k) => k.startsWith('__x_')).map((k) => k.slice(4));
    }

    set(nameOrAttrs, value) {
      const attrs = typeof nameOrAttrs === 'string' ? { [nameOrAttrs]: value } : nameOrAttrs;
      const changed = [];
      for (const [name, next] of Object.entries(attrs)) {
        this.defineAttribute(name);
        const prev = this[`__x_${name}`];
        if (prev === next) continue;
        this[`__x_${name}`] = next;
        changed.push([name, next, prev]);
      }
      for (const [name, next, prev] of changed) this.trigger(`change:${name}`, this, next, prev);
      if (changed.length > 0) this.trigger('change', this);
      return this;
    }

    trigger(name, ...args) {
      super.trigger(name, ...args);
      for (const collection of this._collections) collection.trigger(name, ...args);
      return this;
    }

    serialize() {
      const out = {};
      for (const name of this.attributeNames) {
        const v = this[`__x_${name}`];
        if (serializable(v)) out[name] = v;
      }
      return out;
    }

    toJSON() {
      const out = {};
      for (const name of this.attributeNames) if (this[`__x_${name}`] !== undefined) out[name] = this[`__x_${name}`];
      return out;
    }
  }
  I.Model = Model;

  /** The string a model is filed under: a Wid's or MsgKey's serialized form (their toString). */
  I.keyOf = (key) => (key === null || key === undefined ? undefined : typeof key === 'string' ? key : key.toString());

  class Collection extends Emitter {
    constructor(modelClass = Model) {
      super();
      I.hide(this, '_byKey', new Map());
      I.hide(this, 'modelClass', modelClass);
    }

    get length() {
      return this._byKey.size;
    }

    get(key) {
      const k = I.keyOf(key);
      return k === undefined ? undefined : this._byKey.get(k);
    }

    add(modelOrAttrs, { silent = false } = {}) {
      const model = modelOrAttrs instanceof Model ? modelOrAttrs : new this.modelClass(modelOrAttrs);
      const key = I.keyOf(model.id);
      if (key === undefined) throw new Error('a model without an id cannot join a collection');
      const existing = this._byKey.get(key);
      if (existing) return existing;
      this._byKey.set(key, model);
      model._collections.add(this);
      if (!silent) this.trigger('add', model, this);
      return model;
    }

    remove(modelOrKey, { silent = false } = {}) {
      const model = modelOrKey instanceof Model ? modelOrKey : this.get(modelOrKey);
      if (!model || this._byKey.get(I.keyOf(model.id)) !== model) return undefined;
      this._byKey.delete(I.keyOf(model.id));
      if (!silent) this.trigger('remove', model, this);
      model._collections.delete(this);
      return model;
    }

    getModelsArray() {
      return [...this._byKey.values()];
    }

    forEach(fn) {
      this.getModelsArray().forEach(fn);
    }

    filter(fn) {
      return this.getModelsArray().filter(fn);
    }

    serialize() {
      return this.getModelsArray().map((m) => m.serialize());
    }

    toJSON() {
      return this.getModelsArray().map((m) => m.toJSON());
    }
  }
  I.Collection = Collection;

  /**
   * WhatsApp Web's module registry. Requiring a module the imitation lacks throws, as a real
   * `require` of an unknown module does, and is recorded (`__wa.missingModules()`): the list of
   * what to add when the library starts using something new.
   */
  const modules = new Map();
  I.required = new Set();
  I.missing = new Set();
  I.define = (name, exports) => {
    modules.set(name, exports);
    return exports;
  };
  /** A module as the imitation defined it, for the imitation's own use (not recorded as required). */
  I.module = (name) => modules.get(name);
  I.require = (name) => {
    I.required.add(name);
    if (!modules.has(name)) {
      I.missing.add(name);
      throw new Error(`Requiring unknown module "${name}"`);
    }
    return modules.get(name);
  };

  /**
   * The error WhatsApp Web's minified bundle throws where IndexedDB gets an undefined key: its
   * class is called `r`, so it crosses CDP as the opaque `r: r` (wwebjs #201833, #201848); the
   * DOMException it wraps is what an in-page try/catch sees (#201830).
   */
  class r extends Error {
    constructor(cause) {
      super('r', { cause });
    }
  }
  r.prototype.name = 'r';
  I.idbKeyError = () => {
    const err = new r(new DOMException("Failed to execute 'get' on 'IDBObjectStore': No key or key range specified.", 'DataError'));
    Error.captureStackTrace(err, I.idbKeyError);
    return err;
  };

  /**
   * WhatsApp Web's own error classes whose names the library or its users look at. Puppeteer
   * names a page error after its constructor, so each is a class of that name.
   */
  class InvalidMediaFileType extends Error {}
  class ServerStatusCodeError extends Error {}
  const ERRORS = { InvalidMediaFileType, ServerStatusCodeError };
  for (const [name, cls] of Object.entries(ERRORS)) cls.prototype.name = name;
  I.namedError = (name, message, extra = {}) => {
    const err = Object.assign(new ERRORS[name](message), extra);
    Error.captureStackTrace(err, I.namedError);
    return err;
  };

  I.randomHex = (n) => Array.from(crypto.getRandomValues(new Uint8Array(Math.ceil(n / 2))), (b) => b.toString(16).padStart(2, '0')).join('').slice(0, n).toUpperCase();
  I.randomB64 = (bytes) => btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(bytes))));
  I.now = () => Math.floor(Date.now() / 1000);
  I.delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  I.b64ToBytes = (b64) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  I.bytesToB64 = (bytes) => {
    let s = '';
    const view = new Uint8Array(bytes);
    for (let i = 0; i < view.length; i += 0x8000) s += String.fromCharCode(...view.subarray(i, i + 0x8000));
    return btoa(s);
  };
  I.sha256B64 = async (bytes) => I.bytesToB64(await crypto.subtle.digest('SHA-256', bytes));
})((window.__imitation = window.__imitation || {}));
