import { createHash } from 'node:crypto';
import { AppError } from '../../errors.js';
import type { Services } from '../../http/deps.js';
import { chatIdOrThrow, phoneOrThrow } from '../../ids.js';
import { keyOf } from '../../services/evolution/message-shape.js';
import { renderInteractive, type InteractiveText } from '../../services/messages/interactive-text.js';
import { buildVCard } from '../../services/messages/vcard.js';
import { evolutionParams } from './envelope.js';
import { instanceOf, send, type evolutionRoutes } from './route.js';
import * as bodies from './send-bodies.js';
import { evolutionSender, mediaInput } from './sender.js';

/** What the answer of a list or buttons send adds: WhatsApp shows neither when a linked device sends it. */
const AS_TEXT = {
  renderedAs: 'text',
  note: 'Sent as text: WhatsApp does not show list and button messages sent from a linked device (WhatsApp Web) to most users, so the rows or buttons are numbered options in the text',
};

/** One emoji (a single grapheme that is a pictograph or a flag), or '' to remove a reaction. */
function isReaction(text: string): boolean {
  if (text === '') return true;
  const graphemes = [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)];
  return graphemes.length === 1 && /\p{Extended_Pictographic}|\p{Regional_Indicator}/u.test(text);
}

export function sendRoutes(route: ReturnType<typeof evolutionRoutes>, services: Services) {
  const { instances, media, messageActions } = services;
  const sender = evolutionSender(services);
  const post = (path: string, summary: string, fields: typeof bodies.Metadata | typeof bodies.SendReaction, run: Parameters<typeof route>[0]['run']) =>
    route({ method: 'POST', path: `message/${path}`, summary, requirement: send, status: 201, fields, run });

  post('sendText', 'Send a text', bodies.SendText, async (c) => {
    const id = instanceOf(c, instances).id;
    const b = await evolutionParams(c, bodies.SendText);
    return sender.send(c, id, b, async (to) => ({ to, content: { kind: 'chat', body: b.text } }));
  });

  post('sendMedia', 'Send an image, a video, a document or an audio file (URL, base64 or multipart `file`)', bodies.SendMedia, async (c) => {
    const id = instanceOf(c, instances).id;
    const b = await evolutionParams(c, bodies.SendMedia);
    const input = await mediaInput('media', b.media, b.file, b.mimetype, b.fileName);
    if (b.mediatype === 'document' && input.startsWith('data:') && !b.fileName && !(b.file instanceof File)) {
      throw new AppError('bad_request', 'fileName: is required for a document sent as base64');
    }
    return sender.send(c, id, b, async (to) => {
      const loaded = await media.forSend(id, 'media', input, sender.trust(c));
      const kind = b.mediatype;
      const filename = b.fileName ?? (b.file instanceof File ? b.file.name : undefined) ?? loaded.media.filename;
      const m = { ...loaded.media, ...(filename ? { filename } : {}), ...(b.mimetype ? { mimetype: b.mimetype } : {}) };
      const caption = b.caption && kind !== 'audio' ? { caption: b.caption } : {};
      return { to, content: { kind, media: m, ...caption }, ...(loaded.libraryFile ? { libraryFile: loaded.libraryFile } : {}) };
    });
  });

  for (const [path, field, kind, summary] of [
    ['sendWhatsAppAudio', 'audio', 'ptt', 'Send a voice note (push-to-talk)'],
    ['sendSticker', 'sticker', 'sticker', 'Send a sticker'],
  ] as const) {
    const schema = field === 'audio' ? bodies.SendAudio : bodies.SendSticker;
    post(path, summary, schema, async (c) => {
      const id = instanceOf(c, instances).id;
      const b = (await evolutionParams(c, schema)) as bodies.MetadataInput & { audio?: string; sticker?: string; file?: unknown };
      const input = await mediaInput(field, b[field], b.file);
      return sender.send(c, id, b, async (to) => {
        const loaded = await media.forSend(id, field, input, sender.trust(c));
        return { to, content: { kind, media: loaded.media }, ...(loaded.libraryFile ? { libraryFile: loaded.libraryFile } : {}) };
      });
    });
  }

  post('sendLocation', 'Send a location', bodies.SendLocation, async (c) => {
    const id = instanceOf(c, instances).id;
    const b = await evolutionParams(c, bodies.SendLocation);
    return sender.send(c, id, b, async (to) => ({ to, content: { kind: 'location', location: { lat: b.latitude, lng: b.longitude, name: b.name, address: b.address } } }));
  });

  post('sendContact', 'Send contact cards (several contacts go as one card each; the answer is the first)', bodies.SendContact, async (c) => {
    const id = instanceOf(c, instances).id;
    const b = await evolutionParams(c, bodies.SendContact);
    const cards = b.contact.map((x, i) => {
      const phone = phoneOrThrow(`contact.${i}.phoneNumber`, x.wuid?.split('@')[0] ?? x.phoneNumber);
      return { name: x.fullName, vcard: buildVCard(x.fullName, phone, { organization: x.organization, email: x.email, url: x.url }) };
    });
    const [first, ...rest] = cards;
    const answer = await sender.send(c, id, b, async (to) => ({ to, content: { kind: 'vcard', vcard: first!.vcard, displayName: first!.name } }));
    for (const card of rest) await sender.send(c, id, { ...b, delay: undefined }, async (to) => ({ to, content: { kind: 'vcard', vcard: card.vcard, displayName: card.name } }));
    return answer;
  });

  post('sendReaction', 'React to a message with one emoji ("" removes the reaction)', bodies.SendReaction, async (c) => {
    const id = instanceOf(c, instances).id;
    const b = await evolutionParams(c, bodies.SendReaction);
    if (!isReaction(b.reaction)) throw new AppError('bad_request', 'reaction: expected one emoji, or "" to remove the reaction');
    const chatId = chatIdOrThrow('key.remoteJid', b.key.remoteJid);
    await messageActions.react(id, chatId, b.key.id, b.reaction);
    const target = { remoteJid: chatId, fromMe: b.key.fromMe, id: b.key.id };
    const account = instances.get(id).account;
    // WhatsApp does not tell a linked device the id of its reaction: this one is made from what it reacts to.
    const reactionId = `HLR${createHash('sha256').update(`${id}\0${b.key.id}\0${b.reaction}`).digest('hex').slice(0, 20).toUpperCase()}`;
    return {
      key: keyOf({ id: reactionId, chatId, from: account?.id ?? '', fromMe: true }),
      pushName: account?.name ?? '',
      status: 'SERVER_ACK',
      message: { reactionMessage: { key: target, text: b.reaction, senderTimestampMs: Date.now() } },
      contextInfo: null,
      messageType: 'reactionMessage',
      messageTimestamp: Math.floor(Date.now() / 1000),
      instanceId: id,
      source: 'web',
    };
  });

  post('sendPoll', 'Send a poll (selectableCount 1: one answer; otherwise several)', bodies.SendPoll, async (c) => {
    const id = instanceOf(c, instances).id;
    const b = await evolutionParams(c, bodies.SendPoll);
    return sender.send(c, id, b, async (to) => ({ to, content: { kind: 'poll_creation', poll: { name: b.name, values: b.values, selectableCount: b.selectableCount === 1 ? 1 : 0 } } }));
  });

  const asText = (c: Parameters<Parameters<typeof route>[0]['run']>[0], id: string, b: bodies.MetadataInput, text: InteractiveText) =>
    sender.send(c, id, b, async (to) => ({ to, content: { kind: 'chat', body: renderInteractive(text) } }), AS_TEXT);

  post('sendList', 'Send a list (as text with numbered rows: see the answer)', bodies.SendList, async (c) => {
    const id = instanceOf(c, instances).id;
    const b = await evolutionParams(c, bodies.SendList);
    return asText(c, id, b, {
      title: b.title,
      text: b.description ?? '',
      footer: b.footerText,
      buttonText: b.buttonText,
      sections: b.sections.map((s) => ({ title: s.title, options: s.rows.map((r) => ({ label: r.title, detail: r.description })) })),
    });
  });

  post('sendButtons', 'Send buttons (as text with numbered options: see the answer)', bodies.SendButtons, async (c) => {
    const id = instanceOf(c, instances).id;
    const b = await evolutionParams(c, bodies.SendButtons);
    const options = b.buttons.map((x, i) => {
      const need = (field: keyof typeof x) => {
        if (!x[field]) throw new AppError('bad_request', `buttons.${i}.${field}: is required for a ${x.type} button`);
        return x[field];
      };
      switch (x.type) {
        case 'reply':
          need('id');
          return { label: need('displayText')! };
        case 'url':
          return { label: need('displayText')!, detail: need('url') };
        case 'call':
          return { label: need('displayText')!, detail: need('phoneNumber') };
        case 'copy':
          return { label: need('displayText')!, detail: need('copyCode') };
        case 'pix':
          return { label: `PIX ${need('name')}`, detail: `${need('keyType')}: ${need('key')}` };
      }
    });
    return asText(c, id, b, { title: b.title, text: b.description ?? '', footer: b.footer, sections: [{ options }] });
  });

  post('sendTemplate', 'Meta templates need the WhatsApp Cloud API: answers as Evolution does for a WhatsApp Web instance', bodies.SendTemplate, async (c) => {
    instanceOf(c, instances);
    await evolutionParams(c, bodies.SendTemplate);
    throw metaOnly();
  });
}

/**
 * Evolution's answer to a Meta (Cloud API) template operation on a WhatsApp Web instance: a 500
 * with "Method not available in the Baileys service", said here with what it means.
 */
export function metaOnly(): AppError {
  return new AppError(
    'internal',
    'Method not available in the Baileys service: message templates exist only on the WhatsApp Cloud API (WHATSAPP-BUSINESS); this instance is a WhatsApp Web session. Send the text instead (message/sendText)',
  );
}
