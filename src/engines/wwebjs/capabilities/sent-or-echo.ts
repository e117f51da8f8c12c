import { EngineError, type SentMessage } from '../../engine.js';
import { serializedKeyOf } from '../keys.js';
import type { LibMessage } from '../library-types.js';
import type { WwebjsOps } from './ops.js';

/** How long a send whose result names no message waits for its echo (see MessageIndex.expectEcho). */
export const ECHO_WAIT_MS = 10_000;

/**
 * Runs a send and answers the message it made: the library's answer, else the `message_create`
 * echo of the same type (and text, when known) in one of `chats`. On WhatsApp Web since July 2026
 * the unpatched library resolves undefined after sending (#201830), and a forward never says.
 */
export async function sentOrEcho(
  ops: WwebjsOps,
  chats: string[],
  shape: { type: string; body: string | null },
  what: string,
  send: () => Promise<LibMessage | undefined | void>,
): Promise<SentMessage> {
  const expectation = ops.session.index.expectEcho(chats, shape.type, shape.body, ECHO_WAIT_MS);
  const work = (async (): Promise<LibMessage | undefined> => {
    const sent = await send();
    if (sent) return sent;
    return (await expectation.echo) ?? undefined;
  })();
  let sent: LibMessage | undefined;
  try {
    sent = await ops.call(what, () => ops.session.index.send(work));
  } finally {
    expectation.cancel();
  }
  if (!sent) {
    throw new EngineError('failed', `${what}: WhatsApp Web did not say which message it sent; it may or may not have been sent`);
  }
  const nativeKey = serializedKeyOf(sent.id);
  return {
    id: sent.id.id,
    timestamp: sent.timestamp || Math.floor(Date.now() / 1000),
    ...(nativeKey ? { nativeKey } : {}),
    // The library answers once WhatsApp Web added the message, usually before its server took it
    // (ack 0, a clock in the chat); the server's ack 1 comes later as a message_ack, or never.
    status: Number(sent.ack) >= 1 ? 'sent' : 'pending',
  };
}
