import { AppError } from '../../errors.js';

/**
 * What a refused client is told to wait before trying again. Not 5: Node closes an idle keep-alive
 * connection after 5 s, and a client coming back at that very moment on the same connection would
 * see it closed under its new body (EPIPE) instead of an answer.
 */
export const LARGE_BODY_RETRY_AFTER_SECONDS = 10;

/**
 * How many large request bodies may be held in memory at once. A JSON body carrying media as
 * base64 is read whole, parsed and decoded (about three times its size in memory at its peak);
 * a few 85 MB ones in parallel would take the process past a gigabyte. Past `slots` large bodies,
 * the next one is refused at once (503 with Retry-After) instead of being read.
 */
export class LargeBodyGate {
  private inUse = 0;

  constructor(
    /** A body larger than this many bytes is large. */
    readonly thresholdBytes: number,
    /** Large bodies admitted at once; 0 admits every one (no gate). */
    readonly slots: number,
  ) {}

  /** A slot for one large body, or the 503 to answer; call the answer to give the slot back. */
  enter(): () => void {
    if (this.slots > 0 && this.inUse >= this.slots) throw this.busy();
    this.inUse++;
    let left = false;
    return () => {
      if (left) return;
      left = true;
      this.inUse--;
    };
  }

  /** Large bodies being read or handled now (tests, diagnostics). */
  get active(): number {
    return this.inUse;
  }

  private busy(): AppError {
    const mb = Math.round((this.thresholdBytes / 1024 / 1024) * 10) / 10;
    return new AppError(
      'unavailable',
      `The server is busy with other large requests (over ${mb} MB, ${this.slots} at a time): retry in ${LARGE_BODY_RETRY_AFTER_SECONDS} seconds, or upload the file with media/upload and send its url`,
      { 'Retry-After': String(LARGE_BODY_RETRY_AFTER_SECONDS) },
    );
  }
}
