import { ACCESS_TABLE } from '../http/access-table.js';
import type { Requirement } from '../services/access/requirement.js';
import { GROUP_TOOLS } from './group-tools.js';
import { READ_TOOLS } from './read-tools.js';
import { SEND_TOOLS } from './send-tools.js';
import type { McpTool } from './tool.js';

// The tools as data, apart from the MCP SDK (server.ts), which is loaded on the first call to /mcp.

/** Every tool of the MCP server, in the order tools/list shows them. */
export const MCP_TOOLS: readonly McpTool[] = [...READ_TOOLS, ...SEND_TOOLS, ...GROUP_TOOLS];

/**
 * What each tool asks of the caller, by tool name: the line of ACCESS_TABLE of the native
 * endpoint it stands for (test/access-table.test.ts checks both tables together). A key gets the
 * same answer over MCP as over the API: a read-only key lists and calls no tool that sends.
 */
export const MCP_ACCESS: Readonly<Record<string, Requirement>> = Object.freeze(
  Object.fromEntries(
    MCP_TOOLS.map((t) => {
      const line = ACCESS_TABLE[t.endpoint];
      if (!line) throw new Error(`MCP tool ${t.name}: ${t.endpoint} has no line in ACCESS_TABLE`);
      return [t.name, line];
    }),
  ),
);

/** The resource of an instance's recent chats. */
export const RECENT_CHATS = 'hatline://instances/{instanceId}/chats';
