import type { Context, MiddlewareHandler } from 'hono';
import { OpenAPIHono, type z } from '@hono/zod-openapi';
import { AppError, describeError } from '../errors.js';
import type { AppEnv } from '../http/context.js';
import { abortedAnswer, clientAborted, toAppError } from '../http/error-answer.js';
import type { Gates } from '../http/gates.js';
import { describeIssues } from '../http/openapi.js';
import type { Logger } from '../logger.js';
import { refusal, type Requirement } from '../services/access/requirement.js';

/**
 * What every dialect shares: the gates in order (token, usage meter, rate limits, body limit), one
 * error answer in the dialect's own shape for anything thrown (by a gate, a service or the
 * dialect), and the permission check by operation. A dialect holds no rule: it maps a request onto
 * services and their answers (or AppErrors) onto its shapes.
 */
export interface DialectOptions {
  gates: Gates;
  logger: Logger;
  /** Where this dialect's clients put the token; the native places are always looked at too. */
  tokenOf?: Parameters<Gates['authenticate']>[0];
  /** The dialect's error answer for an AppError (status, body and the error's headers). */
  errorAnswer(c: Context<AppEnv>, err: AppError): Response;
  /** Extra gates after the shared ones (a dialect's own hourly default, say). */
  extraGates?: MiddlewareHandler<AppEnv>[];
  /** Before everything: a request for an instance another node serves is answered there (http/middleware/forward.ts). */
  forward?: MiddlewareHandler<AppEnv>;
  /** Once the token is known: a request naming no instance, for the key's only one, served by another node, is answered there. */
  forwardAfterAuth?: MiddlewareHandler<AppEnv>;
}

export type DialectHandler = (c: Context<AppEnv>) => Response | Promise<Response>;

/** A dialect's router; its routes are registered before the native middleware (see createApp). */
export function dialectRouter() {
  return new OpenAPIHono<AppEnv>();
}

/**
 * Wraps a dialect operation into one Hono handler that runs the gates and the operation, and
 * answers every error in the dialect's shape: the native middleware never sees these requests.
 */
export function dialectHandlerFactory(opts: DialectOptions) {
  const answerError = (c: Context<AppEnv>, err: unknown): Response => {
    if (clientAborted(c, err)) return abortedAnswer(opts.logger, c, err);
    const known = toAppError(err);
    if (known) {
      for (const [name, value] of Object.entries(known.headers)) c.header(name, value);
      return opts.errorAnswer(c, known);
    }
    opts.logger.error('unhandled error', { requestId: c.get('requestId'), method: c.req.method, path: c.req.path, error: describeError(err), stack: (err as Error)?.stack });
    return opts.errorAnswer(c, new AppError('internal', 'Internal server error'));
  };
  const steps: MiddlewareHandler<AppEnv>[] = [
    ...(opts.forward ? [opts.forward] : []),
    opts.gates.authenticate(opts.tokenOf),
    ...(opts.forwardAfterAuth ? [opts.forwardAfterAuth] : []),
    opts.gates.meter,
    opts.gates.rate,
    opts.gates.hourly,
    ...(opts.extraGates ?? []),
  ];
  return (operation: string, requirement: Requirement | null, handler: DialectHandler) => {
    const final: MiddlewareHandler<AppEnv> = async (c) => {
      const why = requirement ? refusal(c.get('principal'), requirement, operation) : null;
      if (why) throw new AppError('forbidden', why);
      c.res = await handler(c);
    };
    const chain = [...steps, final];
    return async (c: Context<AppEnv>): Promise<Response> => {
      // Like Hono's compose: an error becomes this dialect's answer at the step that threw, so
      // the steps around it (the usage meter) see the status it answered.
      const dispatch = async (i: number): Promise<void> => {
        const step = chain[i];
        if (!step) return;
        try {
          const returned = await step(c, () => dispatch(i + 1));
          if (returned instanceof Response) c.res = returned;
        } catch (err) {
          c.res = answerError(c, err);
        }
      };
      try {
        await opts.gates.bodyLimit(c, async () => {
          await opts.gates.formLimit(c, () => dispatch(0));
        });
      } catch (err) {
        c.res = answerError(c, err);
      }
      return c.res;
    };
  };
}

const isJson = (type: string) => /^application\/([\w.-]+\+)?json\b/i.test(type);
const isForm = (type: string) => /^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i.test(type);

/**
 * The request's parameters as these APIs take them: the query string, and over it the body (a JSON
 * object, a urlencoded or a multipart form; a form field given more than once is a list). Parsed
 * once per request and kept on the request.
 */
export async function paramsOf(c: Context<AppEnv>): Promise<Record<string, unknown>> {
  const cached = PARAMS.get(c.req.raw);
  if (cached) return cached;
  const params: Record<string, unknown> = { ...c.req.query() };
  const type = c.req.header('content-type') ?? '';
  const hasBody = c.req.raw.body !== null && c.req.header('content-length') !== '0';
  if (hasBody && c.req.method !== 'GET') {
    if (isJson(type) || type === '') {
      const text = await c.req.text();
      if (text.trim() !== '') {
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          throw new AppError('bad_request', 'Malformed JSON in request body');
        }
        if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new AppError('bad_request', 'The body must be a JSON object');
        Object.assign(params, body);
      }
    } else if (isForm(type)) {
      Object.assign(params, await c.req.parseBody({ all: true }));
    } else {
      throw new AppError('bad_request', `Content-Type ${type.split(';')[0]} is not accepted: send JSON, a urlencoded or a multipart form, or query parameters`);
    }
  }
  PARAMS.set(c.req.raw, params);
  return params;
}
const PARAMS = new WeakMap<Request, Record<string, unknown>>();

/** The parameters checked against a zod schema: a 400 naming each bad field. */
export async function validParams<S extends z.ZodType>(c: Context<AppEnv>, schema: S): Promise<z.output<S>> {
  const result = schema.safeParse(await paramsOf(c));
  if (!result.success) throw new AppError('bad_request', describeIssues(result.error.issues));
  return result.data;
}

/** A field given as a string or a number (form and query values are strings). */
export function stringParam(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() || undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}
