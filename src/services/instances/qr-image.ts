// qrcode (and its PNG encoder) is loaded when the first QR is drawn, not at start-up.
let qrcode: Promise<typeof import('qrcode')> | null = null;
const loadQrcode = () => (qrcode ??= import('qrcode').then((m) => (m as { default?: typeof import('qrcode') }).default ?? m));

/** Renders QR strings to PNG, remembering the last one per instance (clients poll the same QR). */
export class QrImages {
  private readonly cache = new Map<string, { qr: string; png: Promise<Buffer> }>();

  png(instanceId: string, qr: string): Promise<Buffer> {
    const hit = this.cache.get(instanceId);
    if (hit && hit.qr === qr) return hit.png;
    const png = loadQrcode().then((QRCode) => QRCode.toBuffer(qr, { type: 'png', errorCorrectionLevel: 'M', margin: 2, width: 300 }));
    this.cache.set(instanceId, { qr, png });
    png.catch(() => this.cache.delete(instanceId));
    return png;
  }

  async dataUri(instanceId: string, qr: string): Promise<string> {
    return `data:image/png;base64,${(await this.png(instanceId, qr)).toString('base64')}`;
  }

  forget(instanceId: string): void {
    this.cache.delete(instanceId);
  }
}
