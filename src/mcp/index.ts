import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { dialectHandlerFactory, dialectRouter } from '../dialects/kit.js';
import type { AppError } from '../errors.js';
import type { AppEnv } from '../http/context.js';
import type { Services } from '../http/deps.js';
import type { Gates } from '../http/gates.js';
import type { Logger } from '../logger.js';
import { MCP_TOOLS } from './tools.js';

export { MCP_ACCESS, MCP_TOOLS, RECENT_CHATS } from './tools.js';

/**
 * The MCP SDK (and the JSON-schema and validation libraries it brings) is loaded on the first call
 * to /mcp, not at start-up: about 150 modules that a server nobody asks over MCP never needs.
 */
interface McpSdk {
  buildMcpServer: typeof import('./server.js').buildMcpServer;
  Transport: typeof import('@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js').WebStandardStreamableHTTPServerTransport;
}
let sdk: Promise<McpSdk> | null = null;

function loadSdk(): Promise<McpSdk> {
  sdk ??= Promise.all([import('./server.js'), import('@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js')]).then(
    ([server, transport]) => ({ buildMcpServer: server.buildMcpServer, Transport: transport.WebStandardStreamableHTTPServerTransport }),
    (err: unknown) => {
      sdk = null; // tried again on the next call
      throw err;
    },
  );
  return sdk;
}

export const MCP_PATH = '/mcp';

/** An error before MCP itself answers (401, 429, 413, ...): a JSON-RPC error with the HTTP status, as the SDK's transport answers. */
function jsonRpcError(c: Context<AppEnv>, err: AppError): Response {
  if (err.code === 'unauthorized') c.header('WWW-Authenticate', 'Bearer realm="hatline"');
  return c.json({ jsonrpc: '2.0', error: { code: -32000, message: err.message, data: { code: err.code, requestId: c.get('requestId') } }, id: null }, err.status);
}

/**
 * The MCP server at /mcp (streamable HTTP, stateless): every POST carries its token, passes the
 * same gates as the API (failed-auth throttle, rate limits, usage meter, body limit) and is
 * answered by a server built for its principal, in JSON. There is no server-initiated stream and
 * no session to end: GET and DELETE answer 405, which MCP clients take as "not offered".
 */
export function mcpRouter(services: Services, opts: { gates: Gates; logger: Logger }) {
  const r = dialectRouter();
  const handle = dialectHandlerFactory({ gates: opts.gates, logger: opts.logger, errorAnswer: jsonRpcError });

  r.post(
    MCP_PATH,
    handle('POST /mcp', null, async (c) => {
      const { buildMcpServer, Transport } = await loadSdk();
      const server = buildMcpServer(services, c.get('principal'), opts.logger);
      const transport = new Transport({ sessionIdGenerator: undefined, enableJsonResponse: true });
      try {
        await server.connect(transport);
        return await transport.handleRequest(c.req.raw);
      } finally {
        // The answer is complete (JSON mode): nothing of this request stays open.
        await server.close();
      }
    }),
  );

  r.on(
    ['GET', 'DELETE'],
    MCP_PATH,
    handle('GET /mcp', null, (c) => {
      c.header('Allow', 'POST');
      return c.json({ jsonrpc: '2.0', error: { code: -32000, message: 'Method not allowed: this MCP server is stateless, send JSON-RPC with POST' }, id: null }, 405);
    }),
  );

  documentIn(r);
  return r;
}

const JsonRpcError = z
  .object({
    jsonrpc: z.literal('2.0'),
    error: z.object({ code: z.number(), message: z.string(), data: z.object({ code: z.string(), requestId: z.string().optional() }).optional() }),
    id: z.null(),
  })
  .openapi('JsonRpcError');

/** POST /mcp in /openapi.json: what it takes and answers (the tools are listed by MCP itself, tools/list). */
function documentIn(r: ReturnType<typeof dialectRouter>) {
  const errorOf = (description: string) => ({ description, content: { 'application/json': { schema: JsonRpcError } } });
  r.openAPIRegistry.registerPath({
    method: 'post',
    path: MCP_PATH,
    tags: ['MCP'],
    summary: 'The MCP server (streamable HTTP, stateless, JSON answers) for AI assistants',
    description: `JSON-RPC 2.0 messages of the Model Context Protocol, with the same token, scope, permissions and limits as the API (Accept: application/json, text/event-stream). Tools: ${MCP_TOOLS.map((t) => t.name).join(', ')}; a token is offered those its permissions allow. Resource template: hatline://instances/{instanceId}/chats.`,
    request: {
      body: {
        required: true,
        content: { 'application/json': { schema: z.object({ jsonrpc: z.literal('2.0'), id: z.union([z.string(), z.number()]).optional(), method: z.string(), params: z.record(z.string(), z.unknown()).optional() }).openapi('JsonRpcMessage') } },
      },
    },
    responses: {
      200: { description: 'The JSON-RPC answer', content: { 'application/json': { schema: z.record(z.string(), z.unknown()) } } },
      202: { description: 'A notification was taken' },
      401: errorOf('Missing or wrong token'),
      405: errorOf('GET or DELETE: no server-initiated stream and no session to end'),
      413: errorOf('Body too large'),
      429: errorOf('Rate limited (Retry-After)'),
    },
  });
}
