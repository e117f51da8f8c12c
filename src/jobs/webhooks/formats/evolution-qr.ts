import { describeError } from '../../../errors.js';
import type { Logger } from '../../../logger.js';
import type { InstanceRegistry } from '../../../services/instances/instance-registry.js';
import type { QrImages } from '../../../services/instances/qr-image.js';
import type { SettingsStore } from '../../../services/settings/settings-store.js';
import type { Db } from '../../../storage/db.js';
import { transact } from '../../../storage/transact.js';
import type { WebhookOutbox } from '../outbox.js';
import type { EvolutionFormat } from './evolution.js';

export interface EvolutionQrOptions {
  registry: InstanceRegistry;
  db: Db;
  settings: SettingsStore;
  outbox: Pick<WebhookOutbox, 'insert'>;
  format: EvolutionFormat;
  qr: QrImages;
  logger: Logger;
}

/**
 * Evolution's qrcode.updated: each new QR code of an instance whose webhook speaks Evolution's
 * format, with its image, into the outbox (Hatline's own events have no QR event: the seed's
 * webhooks never carried one). In order per instance.
 */
export function recordEvolutionQrCodes(opts: EvolutionQrOptions): void {
  const chains = new Map<string, Promise<void>>();
  opts.registry.onEngineEvent('qr', (instanceId, e) => {
    if (!e.qr) return;
    const code = e.qr;
    const write = async () => {
      const s = await opts.settings.get(instanceId);
      if (!s || s.webhookFormat !== 'evolution' || !s.webhookEnabled || !s.webhookUrl || !opts.registry.has(instanceId)) return;
      const base64 = await opts.qr.dataUri(instanceId, code);
      const pairingCode = opts.registry.get(instanceId).pairingCode;
      const formatted = opts.format.qrcode(instanceId, s, { code, base64, pairingCode });
      if (formatted) await transact(opts.db, (trx) => opts.outbox.insert(trx, instanceId, 'evolution', formatted.event, formatted.payload));
    };
    const next = (chains.get(instanceId) ?? Promise.resolve())
      .then(write)
      .catch((err) => opts.logger.warn('could not record a QR code for the webhook', { instance: instanceId, error: describeError(err) }))
      .finally(() => {
        if (chains.get(instanceId) === next) chains.delete(instanceId);
      });
    chains.set(instanceId, next);
  });
}
