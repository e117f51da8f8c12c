import { randomBytes } from 'node:crypto';
import { EngineError, type CallEvent } from '../engine.js';

/** How long a simulated call rings before the caller gives up (a missed call). */
export const RING_MS = 30_000;

interface Ringing {
  call: CallEvent;
  timer: NodeJS.Timeout;
}

/**
 * Calls ringing on one sandbox phone. A call rings until it is rejected, the caller hangs up (a
 * control), or RING_MS pass; the last two end it with a `call` event of status `ended`.
 */
export class SandboxCalls {
  private readonly ringing = new Map<string, Ringing>();

  constructor(
    private readonly emit: (call: CallEvent) => void,
    private readonly nowSeconds: () => number,
  ) {}

  /** Someone calls this phone: an `offer` now. Answers the call's id. */
  ring(from: string, isVideo: boolean, isGroup: boolean): string {
    const id = randomBytes(16).toString('hex').toUpperCase();
    const call: CallEvent = { id, from, isVideo, isGroup, timestamp: this.nowSeconds(), status: 'offer' };
    const timer = setTimeout(() => this.ringing.has(id) && this.end(id), RING_MS);
    timer.unref?.();
    this.ringing.set(id, { call, timer });
    this.emit(call);
    return id;
  }

  /** Declines a ringing call (the caller sees it declined; no event: Hatline reports its own rejection). */
  reject(id: string, from: string): void {
    const ringing = this.ringing.get(id);
    if (!ringing || ringing.call.from !== from) throw new EngineError('not_found', `no call ${id} from ${from} is ringing`);
    clearTimeout(ringing.timer);
    this.ringing.delete(id);
  }

  /** The caller hung up (or gave up): `ended`. */
  end(id: string): void {
    const ringing = this.ringing.get(id);
    if (!ringing) throw new EngineError('not_found', `no call ${id} is ringing`);
    clearTimeout(ringing.timer);
    this.ringing.delete(id);
    this.emit({ ...ringing.call, timestamp: this.nowSeconds(), status: 'ended' });
  }

  /** Drops every ringing call without an event (the phone went offline). */
  clear(): void {
    for (const r of this.ringing.values()) clearTimeout(r.timer);
    this.ringing.clear();
  }
}
