// Sending: the modules WWebJS.sendMessage goes through (chat lookup, MsgKey, addAndSendMsgToChat,
// link and vCard parsing) and the media pipeline of processMediaData/processStickerData, with an
// upload to the imitation's CDN so tests can check the bytes that left.
(function (I) {
  'use strict';
  const { world, Model } = I;

  // --- finding the chat to send to -------------------------------------------------------------
  /**
   * WAWebFindChatAction.findOrCreateLatestChat. A 1:1 chat of a LID-migrated number lives under
   * its LID; without the LID locally WhatsApp Web throws `No LID for user` (wwebjs #145434,
   * OpenWA #156/#573: getNumberId teaches it). Unknown groups give no chat.
   */
  async function findOrCreateLatestChat(wid) {
    const w = I.wid(wid);
    const { Chat } = I.collections;
    if (w.isGroup()) return { chat: Chat.get(w) };
    if (w.isLid()) return { chat: Chat.get(w) ?? I.chatFor(w), created: !Chat.get(w) };
    const person = world.person(w);
    if (person?.migrated || !person) {
      const lid = I.lids.lidOf(w);
      if (lid) return { chat: I.chatFor(lid) };
      if (world.settings.lidStrict) throw new Error('No LID for user');
    }
    return { chat: I.chatFor(w) };
  }
  I.define('WAWebFindChatAction', { findOrCreateLatestChat });
  I.define('WAWebChatGetters', {
    getIsNewsletter: (chat) => I.wid(chat.id).isNewsletter(),
    getIsBroadcast: (chat) => I.wid(chat.id).isBroadcast(),
    getIsGroup: (chat) => I.wid(chat.id).isGroup(),
  });
  I.define('WAWebGetEphemeralFieldsMsgActionsUtils', { getEphemeralFields: () => ({ ephemeralDuration: 0 }) });

  // --- text helpers ------------------------------------------------------------------------------
  const URL_RE = /\bhttps?:\/\/[^\s<>"]+/gi;
  I.define('WALinkify', {
    findLinks: (text) => (typeof text === 'string' ? [...text.matchAll(URL_RE)].map((m) => ({ href: m[0], url: m[0], suspiciousCharacters: new Set() })) : []),
    findLink: (text) => (typeof text === 'string' && text.match(URL_RE) ? { href: text.match(URL_RE)[0], url: text.match(URL_RE)[0] } : null),
  });
  // WhatsApp Web asks WhatsApp's servers for a link's preview; the imitation's server answers one for
  // any http(s) link, a page titled after its host (what reached WhatsApp shows it in the outbox).
  I.define('WAWebLinkPreviewChatAction', {
    async getLinkPreview(link) {
      const href = link?.href ?? link?.url;
      let host;
      try {
        host = new URL(href).host;
      } catch {
        return null;
      }
      world.queries.linkPreview++;
      return { data: { title: `Imitation page at ${host}`, description: `What ${href} says`, canonicalUrl: href, matchedText: href, richPreviewType: 0, doNotPlayInline: true } };
    },
  });

  /** A small vCard 3.0/4.0 reader: the fields WhatsApp Web shows. */
  function parseVcard(text) {
    const unfolded = String(text).replace(/\r?\n[ \t]/g, '');
    if (!/^BEGIN:VCARD/i.test(unfolded) || !/END:VCARD\s*$/i.test(unfolded)) throw new Error('vcard: not a vCard');
    const fields = {};
    for (const line of unfolded.split(/\r?\n/)) {
      const at = line.indexOf(':');
      if (at < 0) continue;
      const name = line.slice(0, at).split(';')[0].toUpperCase();
      (fields[name] ??= []).push(line.slice(at + 1));
    }
    return fields;
  }
  I.define('WAWebVcardParsingUtils', { parseVcard });
  I.define('WAWebVcardGetNameFromParsed', {
    vcardGetNameFromParsed: (parsed) => parsed.FN?.[0] ?? parsed.N?.[0]?.split(';').filter(Boolean).reverse().join(' ') ?? '',
  });
  I.define('WAWebFrontendVcardUtils', {
    vcardFromContactModel: (contact) => ({
      vcard: `BEGIN:VCARD\nVERSION:3.0\nFN:${contact.name ?? contact.pushname ?? ''}\nTEL;type=CELL;waid=${contact.id.user}:+${contact.id.user}\nEND:VCARD`,
      displayName: contact.name ?? contact.pushname ?? '',
    }),
  });

  // --- sending -----------------------------------------------------------------------------------
  /** WAWebSendMsgChatAction.addAndSendMsgToChat: [the message once added, the send result]. */
  function addAndSendMsgToChat(chat, message) {
    const msg = new I.MsgModel(message); // throws for an undefined id (2026-09 media, see 04-store)
    if (msg.filehash && mediaObjects.has(msg.filehash)) msg.mediaObject = mediaObjects.get(msg.filehash);
    const added = Promise.resolve().then(() => {
      I.storeMessage(msg);
      world.log.outbox.push(outboxEntry(msg));
      return msg;
    });
    const sent = added.then(async () => {
      await I.delay(30);
      const person = world.person(chat.id);
      // A number that is not on WhatsApp never gets past the clock.
      if (!person && !I.wid(chat.id).isGroup()) return 'OK';
      msg.updateAck(1);
      if (world.settings.autoDeliver) setTimeout(() => msg.updateAck(2), 30);
      return 'OK';
    });
    return [added, sent];
  }
  I.define('WAWebSendMsgChatAction', { addAndSendMsgToChat });

  function outboxEntry(msg) {
    const pick = [
      'type', 'body', 'caption', 'mimetype', 'filename', 'size', 'directPath', 'isViewOnce', 'lat', 'lng', 'loc', 'vcardFormattedName', 'pollName', 'pollOptions',
      'pollSelectableOptionsCount', 'isGif', 'waveform', 'quotedStanzaID', 'quotedParticipant', 'mentionedJidList', 'title', 'matchedText', 'isForwarded', 'forwardingScore',
    ];
    const entry = { key: I.keyOf(msg.id), id: msg.id.id, to: I.keyOf(msg.to), from: I.keyOf(msg.from), t: msg.t };
    for (const name of pick) {
      const value = msg[name];
      if (value === undefined || (name === 'mentionedJidList' && !value.length)) continue;
      entry[name] = name === 'waveform' ? true : name === 'mentionedJidList' ? value.map(I.keyOf) : name === 'quotedParticipant' ? I.keyOf(value) : value;
    }
    return entry;
  }

  // --- media -------------------------------------------------------------------------------------
  class OpaqueData {
    constructor(blob) {
      I.hide(this, 'blob', blob);
      this.type = blob.type;
      this.size = blob.size;
    }

    static async createFromData(data, mimetype) {
      const blob = data instanceof Blob ? (data.type === mimetype ? data : new Blob([data], { type: mimetype })) : new Blob([data], { type: mimetype });
      return new OpaqueData(blob);
    }

    url() {
      return (this._url ??= URL.createObjectURL(this.blob));
    }

    autorelease() {}

    formData() {
      return this.blob;
    }
  }
  I.define('WAWebMediaOpaqueData', OpaqueData);

  /** The type WhatsApp Web gives a file, from its mimetype and the send options. */
  function mediaTypeOf(mimetype, { asSticker, isPtt, asDocument }) {
    if (asDocument) return 'document';
    if (mimetype.startsWith('image/')) return asSticker && mimetype === 'image/webp' ? 'sticker' : 'image';
    if (mimetype.startsWith('video/')) return 'video';
    if (mimetype.startsWith('audio/')) return isPtt ? 'ptt' : 'audio';
    return 'document';
  }

  async function imageFacts(blob) {
    try {
      const bitmap = await createImageBitmap(blob);
      const scale = Math.min(1, 100 / Math.max(bitmap.width, bitmap.height));
      const canvas = new OffscreenCanvas(Math.max(1, Math.round(bitmap.width * scale)), Math.max(1, Math.round(bitmap.height * scale)));
      canvas.getContext('2d').drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      const thumb = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.5 });
      return { fullWidth: bitmap.width, fullHeight: bitmap.height, preview: I.bytesToB64(await thumb.arrayBuffer()) };
    } catch {
      return {};
    }
  }

  const mediaObjects = new Map();
  I.define('WAWebMediaStorage', {
    getOrCreateMediaObject(filehash) {
      if (!mediaObjects.has(filehash)) {
        const object = new Model({ filehash, type: undefined, size: undefined });
        I.hide(object, 'contentInfo', { waveform: undefined });
        I.hide(object, 'blob', null);
        object.consolidate = (json) => {
          object.set({ type: json.type, size: json.size });
          if (json.mediaBlob) object.blob = json.mediaBlob.blob ?? json.mediaBlob;
        };
        mediaObjects.set(filehash, object);
      }
      return mediaObjects.get(filehash);
    },
  });

  I.define('WAWebPrepRawMedia', {
    prepRawMedia(opaqueData, params) {
      return {
        waitForPrep: async () => {
          const blob = opaqueData.blob;
          const bytes = await blob.arrayBuffer();
          const type = mediaTypeOf(blob.type, params);
          const facts = type === 'image' ? await imageFacts(blob) : {};
          const data = new I.MediaDataModel({
            type,
            mimetype: blob.type,
            filehash: await I.sha256B64(bytes),
            size: bytes.byteLength,
            mediaBlob: opaqueData,
            isGif: Boolean(params.asGif && type === 'video'),
            ...facts,
          });
          if (type === 'document' && blob.name) data.set('filename', blob.name);
          return data;
        },
      };
    },
  });
  I.define('WAWebMmsMediaTypes', {
    msgToMediaType: ({ type, isGif }) => (type === 'video' && isGif ? 'gif' : type),
    castToV4: (type) => type,
  });
  I.define('WAWebMediaDataUtils', { shouldUseMediaCache: () => false });
  I.define('WAWebMediaInMemoryBlobCache', { InMemoryMediaBlobCache: { put() {} } });

  async function upload(blob, mimetype) {
    const bytes = new Uint8Array(await blob.arrayBuffer());
    const directPath = world.putMedia(bytes, mimetype);
    return {
      url: `https://mmg.whatsapp.net${directPath}`,
      directPath,
      mediaKey: I.randomB64(32),
      mediaKeyTimestamp: I.now(),
      encFilehash: I.randomB64(32),
    };
  }

  I.define('WAWebMediaMmsV4Upload', {
    async uploadMedia({ mimetype, mediaObject }) {
      if (!mediaObject.blob) throw new Error('upload failed: no media data');
      const up = await upload(mediaObject.blob, mimetype);
      return {
        mediaEntry: {
          mmsUrl: up.url,
          deprecatedMms3Url: up.url,
          directPath: up.directPath,
          mediaKey: up.mediaKey,
          mediaKeyTimestamp: up.mediaKeyTimestamp,
          encFilehash: up.encFilehash,
          uploadHash: up.encFilehash,
          sidecar: undefined,
          firstFrameSidecar: undefined,
          handle: null,
        },
      };
    },
    uploadUnencryptedMedia: () => Promise.reject(new Error('channels are not imitated')),
  });

  /** The upload of a sticker; in the September 2026 shape the entry is a model with an `__x_id`. */
  I.define('WAWebUploadManager', {
    async encryptAndUpload({ blob, mediaKey }) {
      const up = await upload(blob, blob.type || 'image/webp');
      const entry = { ...up, mediaKey };
      return I.shape.mediaModelId ? new I.MediaDataModel(entry) : entry;
    },
  });
  I.define('WAWebStartMediaUploadQpl', { startMediaUploadQpl: () => ({ addPoint() {}, addAnnotations() {}, end() {} }) });

  /** A WebP sticker from an image, as WhatsApp Web draws it (512x512, kept in proportion). */
  I.define('WAWebImageUtils', {
    async toWebpSticker(file) {
      const bitmap = await createImageBitmap(file);
      const canvas = new OffscreenCanvas(512, 512);
      const scale = Math.min(512 / bitmap.width, 512 / bitmap.height);
      const w = Math.round(bitmap.width * scale);
      const h = Math.round(bitmap.height * scale);
      canvas.getContext('2d').drawImage(bitmap, (512 - w) / 2, (512 - h) / 2, w, h);
      return canvas.convertToBlob({ type: 'image/webp', quality: 0.8 });
    },
  });
})(window.__imitation);
