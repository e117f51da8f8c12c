import type { z } from '@hono/zod-openapi';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { AppError, describeError } from '../errors.js';
import type { Services } from '../http/deps.js';
import { toAppError } from '../http/error-answer.js';
import type { Logger } from '../logger.js';
import type { Principal } from '../services/access/principal.js';
import type { InstanceState } from '../services/instances/instance-state.js';

/** What a tool runs with: the services, who calls, and the instance loader that applies their scope. */
export interface ToolContext {
  services: Services;
  principal: Principal;
  /** The instance; the same 404 for an unknown one and for one outside the caller's scope. */
  instance(instanceId: string): InstanceState;
}

/**
 * One MCP tool: a translation onto the services, like a dialect's operation. It needs what the
 * native endpoint it stands for needs (that endpoint's line of ACCESS_TABLE), so a key reaches
 * the same things over MCP as over the API.
 */
export interface McpTool<S extends z.ZodObject = z.ZodObject> {
  name: string;
  title: string;
  description: string;
  /** `METHOD /api/...` of the native endpoint whose permission line this tool follows. */
  endpoint: string;
  input: S;
  /** Changes nothing (the readOnlyHint clients show); a tool that sends or writes is not. */
  readOnly: boolean;
  /** Removes or undoes something (destructiveHint); sends and reads do not. */
  destructive?: boolean;
  run(args: z.output<S>, ctx: ToolContext): Promise<Record<string, unknown>>;
}

/** Declares a tool with its argument types inferred from its input schema. */
export function tool<S extends z.ZodObject>(definition: McpTool<S>): McpTool {
  return definition as unknown as McpTool;
}

/** A tool's answer: the JSON as text (what every client shows a model) and as structured content. */
export function toolResult(value: Record<string, unknown>): CallToolResult {
  return { content: [{ type: 'text', text: JSON.stringify(value, null, 2) }], structuredContent: value };
}

/**
 * A refusal or a failure as a tool error the model can read: the message names what was wrong,
 * as the API's error body does, with its code. Anything that is not an AppError is a bug: it is
 * logged and its text stays in the log.
 */
export function toolError(err: unknown, logger: Logger, toolName: string): CallToolResult {
  const known = toAppError(err);
  if (!known) logger.error('unhandled error in an MCP tool', { tool: toolName, error: describeError(err), stack: (err as Error)?.stack });
  const shown = known ?? new AppError('internal', 'Internal server error');
  return { content: [{ type: 'text', text: `${shown.message} (${shown.code}, HTTP ${shown.status})` }], structuredContent: { error: shown.message, code: shown.code }, isError: true };
}

/** Unix seconds as ISO 8601, for readers that are language models. */
export const isoOf = (seconds: number | null): string | null => (seconds === null ? null : new Date(seconds * 1000).toISOString());

/** Lower case without accents (İ/ı, ş, ç, ğ, ö, ü fold too), for searching names. */
export function folded(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').replace(/ı/g, 'i').toLowerCase();
}
