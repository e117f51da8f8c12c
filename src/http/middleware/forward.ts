import type { Context, MiddlewareHandler } from 'hono';
import { AppError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { ClusterMembership } from '../../services/cluster/membership.js';
import type { AppEnv } from '../context.js';
import { remoteAddress } from './auth.js';

/** Names the node that forwarded a request; a request that carries it is answered where it arrives, never forwarded again. */
export const FORWARDED_BY = 'x-hatline-forwarded-by';
/** The receiving node's secret: only a node can forward (the client's address it tells is trusted for that). */
export const NODE_SECRET = 'x-hatline-node-secret';
/** The address of the client that sent the request to the forwarding node (the failed-auth throttle counts by it). */
export const CLIENT_ADDRESS = 'x-hatline-client-address';

/** Headers of one connection that are not passed on (RFC 9110, 7.6.1), and those the relay sets itself. */
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host'];

/** The instance a request is for, when it names one (the path's :instanceId by default; a dialect's own place otherwise). */
export type InstanceOfRequest = (c: Context<AppEnv>) => string | undefined | Promise<string | undefined>;

/**
 * Any node answers (issue 20): a request under /api/instance/{id} or /api/sandbox/{id} (or a
 * dialect's request naming its instance: `instanceOf`) for an instance another live node serves
 * is sent to that node (its NODE_URL) with the same method, path, query, headers and body, and its answer is relayed as it comes (status, headers, body,
 * streamed both ways). The owner does everything a request needs there, auth included. A
 * forwarded request carries the node's id and the receiving node's secret; it is answered where
 * it arrives, so a request that reaches a node while its instance moves is never passed around.
 * On one machine this does nothing.
 */
export function forwardToOwner(
  cluster: Pick<ClusterMembership, 'clustered' | 'nodeId' | 'locate' | 'isNodeSecret'>,
  logger: Logger,
  instanceOf: InstanceOfRequest = (c) => c.req.param('instanceId'),
): MiddlewareHandler<AppEnv> {
  return async function forwardToOwner(c, next) {
    if (!cluster.clustered) return next();
    if (c.req.header(FORWARDED_BY) !== undefined) {
      if (!cluster.isNodeSecret(c.req.header(NODE_SECRET) ?? '')) {
        throw new AppError('forbidden', `a request forwarded by a node (${FORWARDED_BY}) must carry this cluster's node secret`);
      }
      const client = c.req.header(CLIENT_ADDRESS);
      if (client) c.set('clientAddress', client);
      return next();
    }
    const instanceId = await instanceOf(c);
    if (!instanceId) return next();
    const place = await cluster.locate(instanceId);
    if (place.at === 'here') return next();
    if (place.at === 'nowhere') {
      throw new AppError('unavailable', `instance ${instanceId} is moving between nodes; try again in a few seconds`, { 'Retry-After': '5' });
    }
    return relay(c, place.url, place.secret, instanceId, place.nodeId, cluster.nodeId, logger);
  };
}

async function relay(c: Context<AppEnv>, base: string, secret: string, instanceId: string, owner: string, self: string, logger: Logger): Promise<Response> {
  const incoming = c.req.raw;
  const target = new URL(incoming.url);
  const url = `${base}${target.pathname}${target.search}`;
  const headers = new Headers(incoming.headers);
  for (const name of HOP_BY_HOP) headers.delete(name);
  headers.set(FORWARDED_BY, self);
  headers.set(NODE_SECRET, secret);
  headers.set(CLIENT_ADDRESS, c.get('clientAddress') ?? remoteAddress(c));
  headers.set('x-request-id', c.get('requestId'));
  // The answer is relayed byte for byte: ask for it as the owner writes it.
  headers.set('accept-encoding', 'identity');
  let body: BodyInit | null = null;
  if (incoming.method !== 'GET' && incoming.method !== 'HEAD' && incoming.body !== null) {
    if (!incoming.bodyUsed) body = incoming.body; // streamed as it comes
    else {
      // A dialect read it to find the instance: what it read is sent (a form again as a form, with its own boundary).
      headers.delete('content-length');
      if (/^multipart\/form-data/i.test(headers.get('content-type') ?? '')) {
        headers.delete('content-type');
        body = await c.req.formData();
      } else body = await c.req.arrayBuffer();
    }
  }
  let answer: Response;
  try {
    answer = await fetch(url, {
      method: incoming.method,
      headers,
      redirect: 'manual',
      signal: incoming.signal,
      ...(body !== null ? { body, duplex: 'half' } : {}),
    } as RequestInit);
  } catch (err) {
    logger.warn('a request could not be forwarded to the node serving its instance', { instance: instanceId, node: owner, error: err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err) });
    throw new AppError('unavailable', `instance ${instanceId} is served by node ${owner}, which does not answer; a node that stops answering hands its instances over within 30 s`, { 'Retry-After': '5' });
  }
  const out = new Headers(answer.headers);
  for (const name of HOP_BY_HOP) out.delete(name);
  if (out.has('content-encoding')) {
    // fetch decoded it: what is relayed is the decoded body.
    out.delete('content-encoding');
    out.delete('content-length');
  }
  return new Response(answer.body, { status: answer.status, statusText: answer.statusText, headers: out });
}
