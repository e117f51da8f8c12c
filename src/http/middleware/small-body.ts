import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';

/** JSON bodies up to this size (declared by Content-Length) are read by readSmallJsonBody. */
export const SMALL_BODY_BYTES = 1024 * 1024;

const JSON_TYPE = /^application\/([\w.-]+\+)?json\b/i;

/** UTF-8, a leading BOM dropped and bad bytes replaced: what Request.text() does. */
const decoder = new TextDecoder();

type NodeRequest = IncomingMessage & { rawBody?: Buffer };

/**
 * Reads a small JSON body straight from Node's request into Hono's body cache, where the route's
 * validator (`c.req.json()`) finds it. Otherwise the Node adapter builds a whole web `Request`, a
 * web stream over the socket and an AbortSignal for it: a tenth of the send path's CPU. The bytes
 * are also kept as the adapter's `rawBody`, from which it builds the web body when something does
 * read the raw request (the MCP transport, an upload), so nothing sees an empty body.
 *
 * Answers false, having done nothing, when the request did not come through Node's HTTP server (a
 * test's `app.request`), is not JSON, or its body is being read already.
 */
export async function readSmallJsonBody(c: Context): Promise<boolean> {
  const incoming = (c.env as { incoming?: NodeRequest } | undefined)?.incoming;
  if (!incoming || typeof incoming.on !== 'function' || incoming.rawBody !== undefined) return false;
  if (incoming.readableFlowing !== null || incoming.readableDidRead || incoming.readableEnded) return false;
  if (Object.keys(c.req.bodyCache).length > 0 || !JSON_TYPE.test(c.req.header('content-type') ?? '')) return false;
  const body = await readAll(incoming);
  incoming.rawBody = body;
  (c.req.bodyCache as { text?: Promise<string> }).text = Promise.resolve(decoder.decode(body));
  return true;
}

/** Whether readSmallJsonBody took this request's body (it has one, then). */
export function tookSmallBody(c: Context): boolean {
  return (c.env as { incoming?: NodeRequest } | undefined)?.incoming?.rawBody !== undefined;
}

/**
 * The whole body (its length was declared and is small). When the client goes away first it
 * rejects with Node's own `aborted` error, which the error answer knows as the client's doing.
 */
function readAll(incoming: NodeRequest): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
    };
    const settle = (err?: unknown) => {
      incoming.off('data', onData);
      incoming.off('end', ended);
      incoming.off('error', settle);
      incoming.off('close', closed);
      if (err) reject(err);
      else resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    const ended = () => settle();
    const closed = () => settle(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
    incoming.on('data', onData);
    incoming.once('end', ended);
    incoming.once('error', settle);
    incoming.once('close', closed);
  });
}
