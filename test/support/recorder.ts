import type { AckUpdate, EngineListener, EngineMessage, StatusUpdate } from '../../src/engines/engine.js';

/** An EngineListener that records everything, with a way to wait for what is expected. */
export class RecordingListener implements EngineListener {
  readonly qrs: (string | null)[] = [];
  readonly statuses: StatusUpdate[] = [];
  readonly messages: EngineMessage[] = [];
  readonly acks: AckUpdate[] = [];
  private waiters: (() => void)[] = [];

  qr(qr: string | null): void {
    this.qrs.push(qr);
    this.wake();
  }
  status(update: StatusUpdate): void {
    this.statuses.push(update);
    this.wake();
  }
  message(message: EngineMessage): void {
    this.messages.push(message);
    this.wake();
  }
  ack(update: AckUpdate): void {
    this.acks.push(update);
    this.wake();
  }

  lastStatus(): StatusUpdate | undefined {
    return this.statuses[this.statuses.length - 1];
  }

  /** Resolves once `check` holds; rejects after `ms` with `what` in the message. */
  until(what: string, check: () => boolean, ms = 5000): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`timed out after ${ms} ms waiting for ${what}`));
      }, ms);
      const waiter = () => {
        if (!check()) return;
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve();
      };
      this.waiters.push(waiter);
    });
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }
}
