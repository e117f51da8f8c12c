import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { instanceMediaDir, isSafeFileName } from '../../../media/paths.js';
import { byEventUrl, EVOLUTION_EMITTED, subscribed } from '../../../services/evolution/events.js';
import { evolutionMessage, type EvolutionMessage } from '../../../services/evolution/message-shape.js';
import type { HatlineEvent } from '../../../services/events.js';
import { rowToMessage } from '../../../services/messages/message-view.js';
import type { InstanceSettings } from '../../../services/settings/settings-store.js';
import type { DbOrTrx } from '../../../storage/db.js';
import { findMessage } from '../../../storage/messages-repo.js';
import type { WebhookEventRow } from '../../../storage/schema.js';
import { evolutionEventsOf, factsOfReceived, type EvolutionEvent } from './evolution-data.js';

/** Media larger than this is not put inline (webhookBase64): the outbox keeps every payload until delivered. */
const MAX_INLINE_BYTES = 16 * 1024 * 1024;

export interface EvolutionFormatOptions {
  /** PUBLIC_URL: the envelope's `server_url`. */
  publicUrl: string;
  mediaDir: string;
  /** The linked account of an instance (the envelope's `sender`), or null. */
  senderOf: (instanceId: string) => string | null;
  now: () => number;
}

/** A payload ready for the outbox: the event's wire name and the exact JSON body. */
export interface FormattedEvent {
  event: string;
  payload: string;
}

/**
 * Evolution API's webhook format: its event names and its envelope `{ event, instance, data,
 * destination, date_time, sender, server_url, apikey }` (`apikey` is the instance token only when
 * the owner chose to expose it, else null), with the instance's Evolution subscription. Delivery
 * stays Hatline's: the same durable, ordered outbox and Standard Webhooks signature.
 */
export class EvolutionFormat {
  constructor(private readonly opts: EvolutionFormatOptions) {}

  /** The Evolution events a Hatline event makes, as the instance subscribed to them (in the event's transaction). */
  async format(trx: DbOrTrx, instanceId: string, s: InstanceSettings, e: HatlineEvent): Promise<FormattedEvent[]> {
    const events: EvolutionEvent[] = [];
    if (e.event === 'message_received') {
      if (subscribed(s.evolution.events, 'MESSAGES_UPSERT')) {
        const facts = factsOfReceived(e);
        events.push({ id: 'MESSAGES_UPSERT', data: await this.inline(s, instanceId, evolutionMessage(facts, instanceId), facts.media?.url) });
      }
    } else if (e.event === 'message_ack' && e.data.status === 'sent') {
      // A message sent through Hatline: send.message with the message as it was stored.
      const row = subscribed(s.evolution.events, 'SEND_MESSAGE') ? await findMessage(trx, instanceId, e.data.id) : undefined;
      if (row) events.push({ id: 'SEND_MESSAGE', data: evolutionMessage(rowToMessage(row, this.opts.publicUrl), instanceId, 'sent') });
    } else {
      events.push(...evolutionEventsOf(instanceId, e));
    }
    return events.filter((ev) => subscribed(s.evolution.events, ev.id)).map((ev) => this.envelope(instanceId, s, ev));
  }

  /** qrcode.updated for a new QR code (or pairing code), when subscribed. */
  qrcode(instanceId: string, s: InstanceSettings, qr: { code: string | null; base64: string | null; pairingCode: string | null }): FormattedEvent | null {
    if (!subscribed(s.evolution.events, 'QRCODE_UPDATED')) return null;
    return this.envelope(instanceId, s, { id: 'QRCODE_UPDATED', data: { qrcode: { instance: instanceId, pairingCode: qr.pairingCode, code: qr.code, base64: qr.base64 } } });
  }

  private envelope(instanceId: string, s: InstanceSettings, ev: EvolutionEvent): FormattedEvent {
    const event = EVOLUTION_EMITTED[ev.id];
    const body = {
      event,
      instance: instanceId,
      data: ev.data,
      destination: s.evolution.byEvents ? byEventUrl(s.webhookUrl, event) : s.webhookUrl,
      date_time: new Date(this.opts.now()).toISOString(),
      sender: this.opts.senderOf(instanceId),
      server_url: this.opts.publicUrl,
      apikey: s.evolution.apikey,
    };
    return { event, payload: JSON.stringify(body) };
  }

  /** With webhookBase64, the media of a message inline as `message.base64` (up to MAX_INLINE_BYTES). */
  private async inline(s: InstanceSettings, instanceId: string, m: EvolutionMessage, url: string | undefined): Promise<EvolutionMessage> {
    if (!s.evolution.base64 || !url) return m;
    const name = decodeURIComponent(url.split('/').pop() ?? '');
    if (!isSafeFileName(name)) return m;
    const file = path.join(instanceMediaDir(this.opts.mediaDir, instanceId), name);
    try {
      if ((await stat(file)).size > MAX_INLINE_BYTES) return m;
      return { ...m, message: { ...m.message, base64: (await readFile(file)).toString('base64') } };
    } catch {
      return m; // the file is gone (deleted from the media library): the message goes without it
    }
  }
}

/** Where an Evolution-format delivery goes (`<url>/<event-name>` with webhookByEvents) and its extra headers. */
export function evolutionTarget(s: InstanceSettings, row: Pick<WebhookEventRow, 'event'>): { url: string; headers: Record<string, string> } {
  return { url: s.evolution.byEvents ? byEventUrl(s.webhookUrl, row.event) : s.webhookUrl, headers: s.evolution.headers };
}
