/**
 * Who a request acts for, and what of Hatline it may see: the one rule of scope. The HTTP layer
 * puts a Principal on every /api request (auth middleware); lists, the instance loader, usage and
 * (later) the event stream all filter with `canSee`.
 */
import type { UrlTrust } from '../../net/url-guard.js';

export const PERMISSIONS = ['read', 'send', 'manage'] as const;
/** `read`: GETs; `send`: messages and chat actions; `manage`: lifecycle, settings, webhooks, chatbot, jobs. */
export type Permission = (typeof PERMISSIONS)[number];

export type PrincipalKind = 'admin' | 'key' | 'embed';
export type Scope = 'global' | 'instance';

export interface Principal {
  kind: PrincipalKind;
  /** `admin`, a key id (`key_...`) or an embed token id (`emb_...`). */
  id: string;
  /** The key's name or the embed token's customer label (for the audit log). */
  name: string;
  scope: Scope;
  /** The instances an instance-scoped principal reaches; empty for a global one. */
  instanceIds: readonly string[];
  permissions: readonly Permission[];
  /** Requests per rolling hour for a key; null: no hourly limit. */
  hourlyLimit: number | null;
}

/** Who did something, as the audit log records it. */
export type Actor = Pick<Principal, 'kind' | 'id' | 'name'> | { kind: 'system'; id: string; name: string };

export const ADMIN: Principal = Object.freeze({
  kind: 'admin',
  id: 'admin',
  name: 'admin token',
  scope: 'global',
  instanceIds: Object.freeze([]) as readonly string[],
  permissions: PERMISSIONS,
  hourlyLimit: null,
});

/** What the server does on its own (restores, jobs); also the actor of calls that name none. */
export const SYSTEM: Actor = Object.freeze({ kind: 'system', id: 'system', name: 'Hatline' });

/** Whether the principal may see this instance at all (outside its scope, an instance does not exist for it). */
export function canSee(principal: Principal, instanceId: string): boolean {
  return principal.scope === 'global' || principal.instanceIds.includes(instanceId);
}

/** The items of a list that the principal may see, by their instance id. */
export function visibleTo<T>(principal: Principal, items: readonly T[], instanceOf: (item: T) => string): T[] {
  return principal.scope === 'global' ? [...items] : items.filter((item) => canSee(principal, instanceOf(item)));
}

/** The instances whose rows a principal sees, for a query: 'all' for a global principal. */
export function instancesOf(principal: Principal): readonly string[] | 'all' {
  return principal.scope === 'global' ? 'all' : principal.instanceIds;
}

/**
 * The filter for events a principal's holder may receive (the event stream, and anything else
 * that forwards events to a key's holder): only events of instances it can see.
 */
export function eventFilterFor(principal: Principal): <E extends { instanceId: string } | { instance_id: string }>(event: E) => boolean {
  return (event) => canSee(principal, 'instanceId' in event ? event.instanceId : event.instance_id);
}

export function hasPermission(principal: Principal, permission: Permission): boolean {
  return principal.permissions.includes(permission);
}

export function actorOf(principal: Principal): Actor {
  return { kind: principal.kind, id: principal.id, name: principal.name };
}

/**
 * How far a URL this principal gives (media, webhook receiver) may reach: the admin token and global
 * keys are the operator's own (ALLOW_PRIVATE_URLS applies); an instance-scoped key or an embed token
 * is a tenant's, kept to public addresses whatever the operator allows.
 */
export function urlTrustOf(principal: Principal): UrlTrust {
  return principal.kind !== 'embed' && principal.scope === 'global' ? 'operator' : 'strict';
}
