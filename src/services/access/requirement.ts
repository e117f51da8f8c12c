import { hasPermission, type Permission, type Principal } from './principal.js';

/**
 * What an endpoint asks of a principal. The admin token meets every requirement but `embed`.
 * - `permission`: a key with it (and, with `globalScope`, a global key); an embed token only on
 *   `embed` endpoints (the chats, messages, media and contacts of its instances), with `send`
 *   only when it is read_write.
 * - `admin`: the admin token only (managing keys, the audit log).
 * - `key`: any API key, whatever its permissions (its own usage figures).
 * - `embed`: embed tokens only (the embed status).
 */
export type Requirement =
  | { need: 'permission'; permission: Permission; globalScope?: true; embed?: true }
  | { need: 'admin' }
  | { need: 'key' }
  | { need: 'embed' };

const EMBED_SURFACE = 'Embed tokens reach only the chats, messages, media and contacts of their instances';

/**
 * Why `principal` may not call `endpoint` (a sentence naming what is missing), or null when it may.
 * Scope (which instances) is not decided here: an instance outside it answers 404 where the
 * instance is loaded. An endpoint without a requirement is open to the admin token only.
 */
export function refusal(principal: Principal, requirement: Requirement | undefined, endpoint: string): string | null {
  if (requirement?.need === 'embed') {
    return principal.kind === 'embed' ? null : `${endpoint} answers for embed tokens only (send one as x-embed-token or ?token=)`;
  }
  if (principal.kind === 'admin') return null;
  if (!requirement) return `${endpoint} is open to the admin token only`;
  switch (requirement.need) {
    case 'admin':
      return `${endpoint} is open to the admin token only`;
    case 'key':
      return principal.kind === 'key' ? null : `${endpoint} is open to API keys and the admin token, not to embed tokens`;
    case 'permission': {
      const { permission } = requirement;
      if (principal.kind === 'embed') {
        if (!requirement.embed) return `${EMBED_SURFACE}: ${endpoint} is not one of them`;
        if (!hasPermission(principal, permission)) return `This embed token is read-only: ${endpoint} needs a read_write token`;
        return null;
      }
      if (!hasPermission(principal, permission)) {
        return `This API key lacks the ${permission} permission that ${endpoint} needs (it has: ${principal.permissions.join(', ')})`;
      }
      if (requirement.globalScope && principal.scope !== 'global') {
        return `${endpoint} needs a global key: this key is scoped to instances (and may not create one)`;
      }
      return null;
    }
  }
}
