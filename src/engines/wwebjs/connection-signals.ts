/**
 * What each connection event of the library means for the session's current attempt: a QR to show
 * (and renew once it stops changing), a pairing code, progress that keeps the attempt alive, ready
 * (or connected without ready), a restore that failed, and the kinds of disconnect (failures.ts).
 * Events of a client that is no longer current (`live()` false) are ignored.
 */
import type { Logger } from '../../logger.js';
import type { Account } from '../engine.js';
import type { SessionSignals } from './client-events.js';
import { meaningOfDisconnect } from './failures.js';
import type { WwebjsClient } from './library-types.js';
import { isInjected } from './page-ops.js';
import type { SessionStatus } from './session-status.js';
import type { AttemptWatch } from './supervisor.js';

/** WhatsApp Web's states while a linked session reconnects by itself. */
const RECONNECTING = new Set(['OPENING', 'PAIRING', 'TIMEOUT']);

/** What the session lends its current attempt. */
export interface AttemptHost {
  client: WwebjsClient;
  watch: AttemptWatch;
  connection: SessionStatus;
  log: Logger;
  /** Whether this attempt is still the session's current one. */
  live(): boolean;
  account(): Account | null;
  /** WhatsApp Web is ready: the session opens (again, after a page reload). */
  open(): void;
  renewQr(): void;
  fail(reason: string): void;
  loggedOut(reason: string): void;
  terminal(error: string): void;
}

export function connectionSignals(host: AttemptHost): SessionSignals {
  const { client, watch, connection, live } = host;
  return {
    qr: (qr) => {
      if (!live()) return;
      watch.satisfied(); // a person has to scan now: no timeout while the QR shows ...
      watch.watchBrowser(client.pupBrowser);
      watch.qrShown(() => host.renewQr()); // ... but a QR that stopped changing is renewed
      connection.showQr(qr);
    },
    pairingCode: (code) => {
      if (!live()) return;
      watch.satisfied();
      watch.watchBrowser(client.pupBrowser);
      connection.report('connecting', { pairingCode: code.length === 8 ? `${code.slice(0, 4)}-${code.slice(4)}` : code });
    },
    authenticated: () => {
      if (!live()) return;
      connection.hideQr();
      watch.expect('become ready after authenticating');
      // The library's `ready` may never come although the session works (OpenWA #415).
      watch.reconcile(
        async () => (await client.getState()) === 'CONNECTED' && Boolean(client.info?.wid) && (await isInjected(client)),
        () => {
          host.log.warn('WhatsApp Web is connected but the library never said ready; going on without it');
          host.open();
        },
      );
    },
    loading: () => {
      // Sync progress comes after a scan (or while a saved session restores). The sync of a
      // large account takes minutes, so the timeout counts from the latest progress.
      if (!live() || connection.status === 'open') return;
      connection.hideQr();
      watch.expect('finish syncing the session');
    },
    ready: () => {
      if (!live()) return;
      watch.satisfied();
      watch.settled();
      watch.watchBrowser(client.pupBrowser);
      host.open();
    },
    authFailure: (message) => {
      if (!live()) return;
      host.log.warn('the saved WhatsApp session could not be restored', { error: message });
      connection.report('connecting', { error: `the saved session could not be restored (${message}); a new QR code is needed` });
    },
    disconnected: (reason) => {
      if (!live()) return;
      const meaning = meaningOfDisconnect(reason, host.account() !== null);
      if (meaning.kind === 'logged_out') host.loggedOut(reason);
      else if (meaning.kind === 'terminal') host.terminal(meaning.error);
      else host.fail(meaning.error);
    },
    stateChanged: (state) => {
      const account = host.account();
      if (!live() || !account) return;
      if (state === 'CONNECTED' && connection.status !== 'open') connection.report('open', { account });
      else if (RECONNECTING.has(state) && connection.status === 'open') {
        connection.report('connecting', { error: `the connection to WhatsApp was interrupted (${state}); WhatsApp Web is reconnecting` });
      }
    },
  };
}
