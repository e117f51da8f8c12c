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
