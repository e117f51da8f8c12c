/**
 * The calls WhatsApp Web announced lately, by call id: declining one needs the caller's id exactly
 * as WhatsApp Web named it (`peerJid`, a LID for a migrated caller), while the API names callers by
 * phone.
 */
const MAX_CALLS = 200;

export class RecentCalls {
  private readonly peers = new Map<string, string>();

  remember(callId: string, peerJid: string): void {
    this.peers.delete(callId);
    this.peers.set(callId, peerJid);
    if (this.peers.size > MAX_CALLS) this.peers.delete(this.peers.keys().next().value!);
  }

  peerOf(callId: string): string | null {
    return this.peers.get(callId) ?? null;
  }

  clear(): void {
    this.peers.clear();
  }
}
