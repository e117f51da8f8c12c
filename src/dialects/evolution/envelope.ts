import type { Context } from 'hono';
import type { z } from '@hono/zod-openapi';
import { AppError, type ErrorCode } from '../../errors.js';
import type { AppEnv } from '../../http/context.js';
import { paramsOf } from '../kit.js';

/**
 * Evolution API's error answer: `{ status, error: <reason phrase>, response: { message } }`, where
 * `message` is a list of what went wrong; a body that fails the schema nests the list once more
 * (`[["instance requires property \"text\""]]`), as Evolution's JSON-schema validation does.
 * Statuses are Hatline's (409 not connected, 501 not supported, ...) with their reason phrases.
 */
const PHRASE: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  507: 'Insufficient Storage',
};

/** An error whose `response.message` is Evolution's own (a nested list, a number check's result). */
export class EvolutionError extends AppError {
  constructor(
    code: ErrorCode,
    message: string,
    readonly response: unknown,
  ) {
    super(code, message);
  }
}

export function errorAnswer(c: Context<AppEnv>, err: AppError): Response {
  const message = err instanceof EvolutionError ? err.response : [err.message];
  return c.json({ status: err.status, error: PHRASE[err.status] ?? 'Error', response: { message } }, err.status);
}

/** The value at a path of the parameters (undefined when any step is missing). */
function valueAt(params: unknown, path: readonly PropertyKey[]): unknown {
  let at = params;
  for (const step of path) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<PropertyKey, unknown>)[step];
  }
  return at;
}

/** Evolution's words for a schema failure: `instance requires property "text"` for a missing field, else `field: why`. */
function issueText(issue: z.core.$ZodIssue, params: unknown): string {
  const field = issue.path.map(String).join('.');
  if (field && valueAt(params, issue.path) === undefined && issue.code !== 'custom') return `instance requires property "${field}"`;
  return `${field || 'body'}: ${issue.message}`;
}

/** The request's parameters (query, then the JSON or form body) checked against a schema; a nested 400 otherwise. */
export async function evolutionParams<S extends z.ZodType>(c: Context<AppEnv>, schema: S): Promise<z.output<S>> {
  const params = await paramsOf(c);
  const result = schema.safeParse(params);
  if (!result.success) {
    const messages = result.error.issues.slice(0, 10).map((issue) => issueText(issue, params));
    throw new EvolutionError('bad_request', messages.join('; '), [messages]);
  }
  return result.data;
}
