import type { Context } from 'hono';
import { Hono } from 'hono';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { dialectHandlerFactory } from '../dialects/kit.js';
import type { AppError } from '../errors.js';
import type { AppEnv } from '../http/context.js';
import type { Services } from '../http/deps.js';
import type { Gates } from '../http/gates.js';
import type { Logger } from '../logger.js';
import { buildMcpServer } from './server.js';

export { MCP_ACCESS, MCP_TOOLS, RECENT_CHATS } from './server.js';

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
  const r = new Hono<AppEnv>();
  const handle = dialectHandlerFactory({ gates: opts.gates, logger: opts.logger, errorAnswer: jsonRpcError });

  r.post(
    MCP_PATH,
    handle('POST /mcp', null, async (c) => {
      const server = buildMcpServer(services, c.get('principal'), opts.logger);
      const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
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

  return r;
}
