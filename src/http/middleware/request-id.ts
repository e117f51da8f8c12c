import type { MiddlewareHandler } from 'hono';
import { randomHex } from '../../ids.js';
import type { AppEnv } from '../context.js';

/** A client's own id is kept when it is a short token; anything else gets a fresh one. */
const ACCEPTABLE = /^[\w.:-]{1,128}$/;

/** Gives every request an id: the X-Request-Id answer header, the log line, and error bodies carry it. */
export function requestId(): MiddlewareHandler<AppEnv> {
  return async function assignRequestId(c, next) {
    const given = c.req.header('x-request-id');
    const id = given && ACCEPTABLE.test(given) ? given : `req_${randomHex(8)}`;
    c.set('requestId', id);
    c.header('X-Request-Id', id);
    await next();
  };
}
