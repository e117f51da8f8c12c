import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from '../../http/context.js';
import type { Requirement } from '../../services/access/requirement.js';
import type { dialectRouter, DialectHandler } from '../kit.js';

/** GoWA's routes live under this base path (GoWA clients set it as their `APP_BASE_PATH`). */
export const GOWA_BASE = '/gowa';
const tag = ['GoWA (seed 002)'];

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export const read: Requirement = { need: 'permission', permission: 'read' };
export const send: Requirement = { need: 'permission', permission: 'send' };
export const manage: Requirement = { need: 'permission', permission: 'manage' };

/** Every GoWA operation with what it asks of the principal, filled as routes are added (tested beside ACCESS_TABLE). */
export const GOWA_ACCESS: Record<string, Requirement> = {};

const Envelope = z.object({ code: z.string(), message: z.string(), results: z.unknown().optional() });

export interface GowaRouteSpec {
  method: Method;
  /** Below the base path, with `:param`s. */
  path: string;
  summary: string;
  requirement: Requirement;
  /** The query (GET) or body (POST) fields, for /openapi.json; the handler validates them itself. */
  fields?: z.ZodObject;
  /** The body may be multipart (files). */
  multipart?: boolean;
  /** A success that is a CSV file rather than the envelope. */
  csv?: boolean;
  run: DialectHandler;
}

/** Registers GoWA operations on a dialect router through one handler factory. */
export function gowaRoutes(r: ReturnType<typeof dialectRouter>, handler: (operation: string, requirement: Requirement | null, run: DialectHandler) => (c: Context<AppEnv>) => Promise<Response>) {
  return (spec: GowaRouteSpec) => {
    const line = `${spec.method} ${spec.path}`;
    GOWA_ACCESS[line] = spec.requirement;
    r.on(spec.method, `${GOWA_BASE}${spec.path}`, handler(`GoWA ${line}`, spec.requirement, spec.run));
    const params = [...spec.path.matchAll(/:(\w+)/g)].map((m) => m[1]!);
    const type = spec.multipart ? 'multipart/form-data' : 'application/json';
    r.openAPIRegistry.registerPath({
      method: spec.method.toLowerCase() as 'get' | 'post' | 'patch' | 'delete',
      path: `${GOWA_BASE}${spec.path.replace(/:(\w+)/g, '{$1}')}`,
      tags: tag,
      summary: spec.summary,
      request: {
        headers: z.object({ 'X-Device-Id': z.string().optional().openapi({ description: 'The device: an instance id or its JID; optional when the key sees one instance' }) }),
        ...(params.length ? { params: z.object(Object.fromEntries(params.map((p) => [p, z.string()]))) } : {}),
        ...(spec.fields ? (spec.method === 'GET' ? { query: spec.fields } : { body: { content: { [type]: { schema: spec.fields } } } }) : {}),
      },
      responses: {
        200: spec.csv
          ? { description: 'A CSV file', content: { 'text/csv': { schema: z.string() } } }
          : { description: 'SUCCESS', content: { 'application/json': { schema: Envelope } } },
        400: { description: 'VALIDATION_ERROR, DEVICE_ID_REQUIRED, ...', content: { 'application/json': { schema: Envelope } } },
        404: { description: 'DEVICE_NOT_FOUND, NOT_FOUND', content: { 'application/json': { schema: Envelope } } },
        409: { description: 'AUTHENTICATION_ERROR: the device is not logged in', content: { 'application/json': { schema: Envelope } } },
      },
    });
  };
}
