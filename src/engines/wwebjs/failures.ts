/**
 * Turning what whatsapp-web.js and puppeteer throw into messages a user can act on. The library
 * throws Errors, puppeteer ProtocolErrors, and sometimes bare strings ('auth timeout').
 */
import { EngineError } from '../engine.js';

export const WHATSAPP_WEB = 'https://web.whatsapp.com';

export function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err === 'string') return err;
  try {
    return JSON.stringify(err) ?? String(err);
  } catch {
    return String(err);
  }
}

/** Chromium's network errors: the page could not be fetched at all. */
const UNREACHABLE =
  /net::ERR_(?:NAME_NOT_RESOLVED|NAME_RESOLUTION_FAILED|INTERNET_DISCONNECTED|ADDRESS_UNREACHABLE|CONNECTION_\w+|TIMED_OUT|NETWORK_\w+|PROXY_\w+|TUNNEL_CONNECTION_FAILED|SOCKS_\w+|SSL_\w+|CERT_\w+|EMPTY_RESPONSE)/;

/** Signs that the browser or page went away under a call. */
const BROWSER_GONE =
  /Target closed|Session closed|browser has disconnected|Connection closed|Execution context was destroyed|detached Frame|Protocol error|Navigating frame was detached|Cannot read properties of null \(reading '(?:evaluate|exposeFunction)'\)/i;

/** WhatsApp's nack 463 (reach-out timelock), however the page words it. */
const REACHOUT_TIMELOCK = /\b463\b|reach-?out[ _-]?time-?lock/i;

/** Why `client.initialize()` failed, in words that say what to do about it. */
export function describeStartFailure(err: unknown): string {
  const message = messageOf(err);
  const unreachable = UNREACHABLE.exec(message);
  if (unreachable) return `cannot reach WhatsApp Web (${WHATSAPP_WEB}): ${unreachable[0]}`;
  if (/Navigation timeout|TimeoutError/i.test(message) || (err instanceof Error && err.name === 'TimeoutError')) {
    return `cannot reach WhatsApp Web (${WHATSAPP_WEB}): ${firstLine(message)}`;
  }
  if (message === 'auth timeout') return 'WhatsApp Web loaded but did not start within 30 s (auth timeout)';
  if (message === 'ready timeout') return 'WhatsApp Web did not finish loading its helpers within 30 s (ready timeout)';
  if (/Failed to launch the browser process/i.test(message)) {
    return `Chromium could not start: ${firstUsefulLine(message)}`;
  }
  if (BROWSER_GONE.test(message)) return `the browser closed while WhatsApp Web was starting: ${firstLine(message)}`;
  return `WhatsApp Web could not start: ${firstLine(message)}`;
}

/** An operation's failure as an EngineError: `not_connected` when the browser went away. */
export function operationError(what: string, err: unknown): EngineError {
  if (err instanceof EngineError) return err;
  const message = firstLine(messageOf(err));
  if (BROWSER_GONE.test(message)) {
    return new EngineError('not_connected', `${what} failed: WhatsApp Web is not available (${message})`);
  }
  if (REACHOUT_TIMELOCK.test(message)) {
    return new EngineError('reachout_timelock', `${what} failed: WhatsApp's reach-out timelock (463) refuses messages to new contacts for now (${message})`);
  }
  return new EngineError('failed', `${what} failed: ${message}`);
}

function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).trim();
}

/** Chromium's launch errors start with a generic line; the reason is further down. */
function firstUsefulLine(message: string): string {
  const lines = message.split('\n').map((l) => l.trim()).filter(Boolean);
  const reason = lines.find((l) => /error|cannot|unable|missing|not found|denied/i.test(l) && !/Failed to launch/i.test(l));
  return (reason ?? lines[0] ?? message).slice(0, 300);
}

/** What a `disconnected` reason of the library means for the session. */
export type DisconnectMeaning =
  | { kind: 'logged_out' }
  /** WhatsApp will not take this session back by itself: no restarts until someone connects again. */
  | { kind: 'terminal'; error: string }
  | { kind: 'restart'; error: string };

const TERMINAL: Record<string, string> = {
  TOS_BLOCK: 'WhatsApp banned this number (TOS_BLOCK): it can no longer use WhatsApp Web; the WhatsApp app on the phone says more',
  SMB_TOS_BLOCK: 'WhatsApp banned this business number (SMB_TOS_BLOCK): it can no longer use WhatsApp Web; the WhatsApp Business app on the phone says more',
  PROXYBLOCK: "WhatsApp refused connections from this server's network (PROXYBLOCK): change the network or proxy, then connect again",
  DEPRECATED_VERSION:
    'WhatsApp refused this WhatsApp Web build as too old (DEPRECATED_VERSION): unset WWEBJS_WEB_VERSION (or pin a newer build), then connect again',
};

/**
 * The library emits `disconnected` with `LOGOUT` or any WAState outside CONNECTED, OPENING,
 * PAIRING and TIMEOUT, then destroys itself (review D8). Bans, a refused network and an outdated
 * build never heal by restarting; an unlink (LOGOUT, UNPAIRED, and UNPAIRED_IDLE once linked)
 * needs a new QR; anything else (CONFLICT: the number opened WhatsApp Web elsewhere) restarts.
 */
export function meaningOfDisconnect(reason: string, linked: boolean): DisconnectMeaning {
  if (reason === 'LOGOUT' || reason === 'UNPAIRED' || (reason === 'UNPAIRED_IDLE' && linked)) return { kind: 'logged_out' };
  const terminal = TERMINAL[reason];
  if (terminal) return { kind: 'terminal', error: terminal };
  if (reason === 'CONFLICT') {
    return { kind: 'restart', error: 'WhatsApp Web was opened for this number elsewhere (CONFLICT); taking the session back' };
  }
  return { kind: 'restart', error: `WhatsApp Web disconnected (${reason})` };
}
