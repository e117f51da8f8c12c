import type { ConnectionStatus, EngineContext, StatusUpdate } from '../engine.js';

/**
 * What a session tells Hatline about its connection: the status with its error, and the QR code
 * while one shows (hidden again exactly once, whatever ends it).
 */
export class SessionStatus {
  status: ConnectionStatus = 'disconnected';
  private lastError: string | null = null;
  private qrShowing = false;

  constructor(private readonly emit: EngineContext['emit']) {}

  report(status: ConnectionStatus, extra: Omit<StatusUpdate, 'status'> = {}): void {
    this.status = status;
    this.lastError = extra.error ?? null;
    this.emit({ type: 'status', update: { status, ...extra } });
  }

  showQr(qr: string): void {
    this.qrShowing = true;
    this.emit({ type: 'qr', qr });
  }

  hideQr(): void {
    if (!this.qrShowing) return;
    this.qrShowing = false;
    this.emit({ type: 'qr', qr: null });
  }

  /** Disconnected on purpose (stop, logout): no QR, and no error left from before. */
  settleDisconnected(): void {
    this.hideQr();
    // Also when already disconnected, to clear a "restarting in ..." error that no longer holds.
    if (this.status !== 'disconnected' || this.lastError) this.report('disconnected');
  }
}
