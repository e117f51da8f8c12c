import { McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { ACCESS_TABLE } from '../http/access-table.js';
import type { Services } from '../http/deps.js';
import { toAppError } from '../http/error-answer.js';
import type { Logger } from '../logger.js';
import { VERSION } from '../paths.js';
import type { Principal } from '../services/access/principal.js';
import type { WorkLease } from '../services/instances/instance-work.js';
import { refusal } from '../services/access/requirement.js';
import { forReader } from './read-tools.js';
import { isoOf, toolError, toolResult, type ToolContext } from './tool.js';
import { MCP_ACCESS, MCP_TOOLS, RECENT_CHATS } from './tools.js';

const RECENT_CHATS_LINE = 'GET /api/instance/:instanceId/chats';
const RECENT = 20;

const INSTRUCTIONS =
  'Hatline runs WhatsApp accounts ("instances"). Call list_instances first; every other tool takes its instanceId. ' +
  'People are named by phone number with country code (+905321234567) or chat id (905321234567@s.whatsapp.net); groups by ...@g.us. ' +
  'To answer someone: find them with search_contacts or list_chats, read the chat with read_messages, then send with send_text to the same chatId.';

/**
 * What one tool call runs with. Loading an instance applies the caller's scope and holds the
 * instance until the call is done (as a native request does): deleting it waits for the call.
 */
function callContext(services: Services, principal: Principal): { ctx: ToolContext; done(): void } {
  const leases: WorkLease[] = [];
  const instance = (id: string) => {
    const state = services.instances.get(id, principal);
    leases.push(services.instances.enter(id));
    return state;
  };
  return { ctx: { services, principal, instance }, done: () => leases.splice(0).forEach((lease) => lease.release()) };
}

/** What the caller reaches, said to the model: the tools it is not offered are missing for a reason. */
function reachOf(principal: Principal): string {
  if (principal.kind === 'admin') return 'This is the admin token: every tool and instance.';
  const scope = principal.scope === 'global' ? 'every instance' : `the instances ${principal.instanceIds.join(', ')}`;
  return `This ${principal.kind === 'key' ? 'API key' : 'embed token'} reaches ${scope} with the permissions ${principal.permissions.join(', ')}; tools that need more are not offered.`;
}

/**
 * The MCP server one request talks to, built for the principal that sent it: it lists and runs
 * only the tools the principal may call, and reaches only the instances in its scope. Stateless:
 * a new one per HTTP request (the request's token decides, every time).
 */
export function buildMcpServer(services: Services, principal: Principal, logger: Logger): McpServer {
  const server = new McpServer({ name: 'hatline', version: VERSION }, { instructions: `${INSTRUCTIONS} ${reachOf(principal)}` });

  for (const t of MCP_TOOLS) {
    // A tool the principal may not call is not registered: tools/list leaves it out, and a call
    // to it is refused ("Tool send_text not found") before anything runs.
    if (refusal(principal, MCP_ACCESS[t.name], t.name) !== null) continue;
    const annotations = { readOnlyHint: t.readOnly, destructiveHint: t.destructive ?? false, openWorldHint: !t.readOnly };
    server.registerTool(t.name, { title: t.title, description: t.description, inputSchema: t.input, annotations }, async (args: unknown) => {
      const call = callContext(services, principal);
      try {
        return toolResult(await t.run(args as never, call.ctx));
      } catch (err) {
        return toolError(err, logger, t.name);
      } finally {
        call.done();
      }
    });
  }

  if (refusal(principal, ACCESS_TABLE[RECENT_CHATS_LINE], 'resources') === null) {
    server.registerResource(
      'recent-chats',
      new ResourceTemplate(RECENT_CHATS, {
        list: () => ({
          resources: services.instances.list(principal).map((s) => ({
            uri: RECENT_CHATS.replace('{instanceId}', encodeURIComponent(s.id)),
            name: `${s.id}: recent chats`,
            description: `The ${RECENT} newest chats of ${s.id} (${s.account?.phone ?? s.status}), each with its last message`,
            mimeType: 'application/json',
          })),
        }),
      }),
      { title: "An instance's recent chats", description: `The ${RECENT} newest chats of an instance, each with its last message`, mimeType: 'application/json' },
      async (uri, variables) => {
        const call = callContext(services, principal);
        try {
          const instanceId = decodeURIComponent(String(variables.instanceId ?? ''));
          call.ctx.instance(instanceId);
          const chats = (await services.chats.page(instanceId, 1, RECENT)).items;
          const withLast = await Promise.all(
            chats.map(async (chat) => {
              const last = (await services.messages.historyPage(instanceId, { chatId: chat.id }, {}, 1)).items[0];
              return { ...chat, lastMessageTime: isoOf(chat.lastMessage), last: last ? forReader(last) : null };
            }),
          );
          return { contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify({ instanceId, chats: withLast }, null, 2) }] };
        } catch (err) {
          const known = toAppError(err);
          if (!known) throw err;
          // A client's mistake (404, 409, ...) is invalid params; WhatsApp failing (5xx) an internal error.
          throw new McpError(known.status < 500 ? ErrorCode.InvalidParams : ErrorCode.InternalError, known.message, { code: known.code });
        } finally {
          call.done();
        }
      },
    );
  }
  return server;
}
