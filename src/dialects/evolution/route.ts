import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { AppError } from '../../errors.js';
import type { AppEnv } from '../../http/context.js';
import type { InstanceService } from '../../services/instances/instance-service.js';
import type { InstanceState } from '../../services/instances/instance-state.js';
import type { Requirement } from '../../services/access/requirement.js';
import type { dialectRouter, DialectHandler } from '../kit.js';

/** Seed 000's (WaFixer's) base of Evolution's paths; Evolution's own are under EVOLUTION_PREFIX. */
export const WAFIXER_BASE = '/api/wafixer';

export const read: Requirement = { need: 'permission', permission: 'read' };
export const send: Requirement = { need: 'permission', permission: 'send' };
export const manage: Requirement = { need: 'permission', permission: 'manage' };

/** Every Evolution operation (`POST message/sendText`) with what it asks of the principal, filled as routes are added. */
export const EVOLUTION_ACCESS: Record<string, Requirement> = {};

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface EvolutionRouteSpec {
  method: Method | Method[];
  /** `group/action`; `/:instanceName` follows unless `global`. */
  path: string;
  /** A route of the server, not of one instance (fetchInstances, create). */
  global?: boolean;
  /**
   * Whether the request holds its instance while it runs (default: every instance route), so that
   * deleting the instance waits for it; the deletion itself must not, or it would wait for itself.
   */
  holds?: boolean;
  summary: string;
  requirement: Requirement;
  /** Evolution's success status: 201 for sends, sets and creates, 200 for finds. */
  status: 200 | 201;
  /** The query (GET) or body fields, for /openapi.json; the handler validates them itself. */
  fields?: z.ZodObject;
  /** The answer's body. */
  run: (c: Context<AppEnv>) => Promise<unknown>;
}

const Failure = z.object({ status: z.number(), error: z.string(), response: z.object({ message: z.unknown() }) });

/** The instance a request names (404 after authentication, also for one outside the key's scope). */
export function instanceOf(c: Context<AppEnv>, instances: Pick<InstanceService, 'get'>): InstanceState {
  const name = c.req.param('instanceName') ?? '';
  try {
    return instances.get(name, c.get('principal'));
  } catch (err) {
    if (err instanceof AppError && err.code === 'not_found') throw new AppError('not_found', `The "${name}" instance does not exist`);
    throw err;
  }
}

type Handler = (operation: string, requirement: Requirement | null, run: DialectHandler) => (c: Context<AppEnv>) => Promise<Response>;

/** A pause that ends early when `signal` aborts (the instance is being deleted). */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Registers Evolution operations under each base, through one handler factory, and documents them. */
export function evolutionRoutes(r: ReturnType<typeof dialectRouter>, handler: Handler, instances: Pick<InstanceService, 'get' | 'enter'>, bases: { path: string; tag: string }[]) {
  return (spec: EvolutionRouteSpec) => {
    const methods = Array.isArray(spec.method) ? spec.method : [spec.method];
    for (const method of methods) {
      const line = `${method} ${spec.path}`;
      EVOLUTION_ACCESS[line] = spec.requirement;
      const answer = async (c: Context<AppEnv>) => c.json((await spec.run(c)) ?? null, spec.status);
      const run = handler(`Evolution ${line}`, spec.requirement, async (c) => {
        if (spec.global || spec.holds === false) return answer(c);
        const lease = instances.enter(instanceOf(c, instances).id); // 404 first, for unknown and out-of-scope alike
        c.set('work', lease);
        try {
          return await answer(c);
        } finally {
          lease.release();
        }
      });
      for (const base of bases) {
        const path = `${base.path}/${spec.path}${spec.global ? '' : '/:instanceName'}`;
        r.on(method, path, run);
        r.openAPIRegistry.registerPath({
          method: method.toLowerCase() as 'get' | 'post' | 'put' | 'delete',
          path: path.replace(/:(\w+)/g, '{$1}'),
          tags: [base.tag],
          summary: spec.summary,
          request: {
            headers: z.object({ apikey: z.string().openapi({ description: 'The admin token or a global key (Evolution\'s global key), or an instance key (the instance\'s token)' }) }),
            ...(spec.global ? {} : { params: z.object({ instanceName: z.string() }) }),
            ...(spec.fields ? (method === 'GET' || method === 'DELETE' ? { query: spec.fields } : { body: { content: { 'application/json': { schema: spec.fields } } } }) : {}),
          },
          responses: {
            [spec.status]: { description: spec.status === 201 ? 'Created / done' : 'Found', content: { 'application/json': { schema: z.unknown() } } },
            400: { description: 'Bad input: `response.message` lists what was wrong', content: { 'application/json': { schema: Failure } } },
            401: { description: 'Missing or wrong apikey', content: { 'application/json': { schema: Failure } } },
            404: { description: 'Unknown instance (after authentication)', content: { 'application/json': { schema: Failure } } },
          },
        });
      }
    }
  };
}
