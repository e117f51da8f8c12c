import { createHmac } from 'node:crypto';

/**
 * Standard Webhooks signing (https://www.standardwebhooks.com): the HMAC-SHA256 of
 * `${id}.${timestamp}.${body}` with the secret's bytes (base64 after `whsec_`), as `v1,<base64>`.
 */
export function sign(secret: string, webhookId: string, timestampSeconds: number, body: string): string {
  const key = Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64');
  const mac = createHmac('sha256', key).update(`${webhookId}.${timestampSeconds}.${body}`).digest('base64');
  return `v1,${mac}`;
}

export function signedHeaders(secret: string, webhookId: string, body: string, now = Date.now()): Record<string, string> {
  const timestamp = Math.floor(now / 1000);
  return {
    'webhook-id': webhookId,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': sign(secret, webhookId, timestamp, body),
  };
}

/**
 * GoWA's signature (go-whatsapp-web-multidevice): `X-Hub-Signature-256: sha256=<hex>`, the
 * HMAC-SHA256 of the body keyed with the secret's own characters (UTF-8), as a GoWA receiver
 * checks it with the secret it was given.
 */
export function hubSignatureHeaders(secret: string, body: string): Record<string, string> {
  return { 'x-hub-signature-256': `sha256=${createHmac('sha256', Buffer.from(secret, 'utf8')).update(body).digest('hex')}` };
}
