import { randomUUID } from 'node:crypto';

/**
 * QR images published at unguessable links for a short time, for APIs that answer a link to the
 * QR code rather than the image (GoWA's `qr_link`): whoever has the link can open it without a
 * token, as with GoWA, until it expires. Bounded: the oldest links go first.
 */
export class QrLinks {
  private readonly links = new Map<string, { png: Buffer; until: number }>();

  constructor(
    private readonly max = 256,
    private readonly now: () => number = Date.now,
  ) {}

  /** Publishes a PNG for `ttlMs`; answers its name (`scan-qr-<uuid>.png`). */
  publish(png: Buffer, ttlMs: number): string {
    this.sweep();
    while (this.links.size >= this.max) this.links.delete(this.links.keys().next().value!);
    const name = `scan-qr-${randomUUID()}.png`;
    this.links.set(name, { png, until: this.now() + ttlMs });
    return name;
  }

  /** The PNG behind a published name while it has not expired. */
  get(name: string): Buffer | null {
    const hit = this.links.get(name);
    if (!hit) return null;
    if (hit.until <= this.now()) {
      this.links.delete(name);
      return null;
    }
    return hit.png;
  }

  private sweep(): void {
    const t = this.now();
    for (const [name, hit] of this.links) if (hit.until <= t) this.links.delete(name);
  }
}
