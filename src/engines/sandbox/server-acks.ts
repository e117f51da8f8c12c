/**
 * WhatsApp's server as the sandbox simulates it, for the server-ack control: while its acks are
 * held, a send is taken by the phone (the send answers, `pending`) but goes no further: no server
 * ack, and no recipient gets it. Releasing lets each through in order: the server's ack, then the
 * usual delivery. What a phone whose link to WhatsApp's server is stuck does.
 */
export class SandboxServerAcks {
  private holding = false;
  private readonly waiting: (() => void)[] = [];

  /** Whether sends are held now. */
  get held(): boolean {
    return this.holding;
  }

  /** Keeps what happens once the server has a send (`arrive`) until the acks are released. */
  hold(arrive: () => void): void {
    this.waiting.push(arrive);
  }

  /** Holds the server's acks from now on, or (false) releases what was held, in order. */
  set(hold: boolean): void {
    this.holding = hold;
    if (!hold) for (const arrive of this.waiting.splice(0)) arrive();
  }

  /** Forgets what was held (the instance goes). */
  clear(): void {
    this.holding = false;
    this.waiting.length = 0;
  }
}
