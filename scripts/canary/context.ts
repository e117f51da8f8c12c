/** What every check shares: the client, the two sides, the run's files and what was sent so far. */
import type { Api } from './api.js';
import type { CanaryConfig } from './config.js';
import type { CanaryMedia } from './media.js';
import { waitFor } from './runner.js';

export interface Account {
  id: string;
  name: string;
  phone: string;
}

/** One of the two instances; `account` is known once it is linked. */
export interface Side {
  label: 'A' | 'B';
  id: string;
  account: Account | null;
  /** The number it was linked to in this run (kept after a logout, for the report). */
  linkedPhone: string | null;
}

/** A message as GET .../messages answers it. */
export interface Message {
  id: string;
  chatId: string;
  from: string;
  to: string;
  fromMe: boolean;
  type: string;
  body: string;
  caption?: string;
  status: string;
  timestamp: number;
  media?: { url: string; mimetype: string; filename: string | null; size: number | null };
  location?: { lat: number; lng: number; name?: string; address?: string };
  poll?: { name: string; values: string[]; selectableCount: number };
  vcard?: string;
}

export interface Ctx {
  cfg: CanaryConfig;
  api: Api;
  signal: AbortSignal;
  /** This run's id, in every text it sends. */
  tag: string;
  media: CanaryMedia;
  a: Side;
  b: Side;
  /** Messages A sent to B in this run, for the ack checks. */
  sentByA: { kind: string; id: string }[];
  /** B's text reply, for the reaction checks. */
  replyId: string | null;
  /** Prints a line for the operator. */
  say(line: string): void;
}

export function account(side: Side): Account {
  if (!side.account) throw new Error(`instance ${side.id} (${side.label}) is not linked`);
  return side.account;
}

export function path(side: Side, rest: string): string {
  return `/api/instance/${encodeURIComponent(side.id)}/${rest}`;
}

/** The newest messages of an instance (at most 100), newest first. */
export async function recentMessages(ctx: Ctx, side: Side): Promise<Message[]> {
  const page = await ctx.api.ok<{ items: Message[] }>('GET', path(side, 'messages?limit=100'));
  return page.items;
}

export async function findMessage(ctx: Ctx, side: Side, id: string): Promise<Message | undefined> {
  return (await recentMessages(ctx, side)).find((m) => m.id === id);
}

/** Waits (CANARY_TIMEOUT_MS) until `probe` answers something. */
export function wait<T>(ctx: Ctx, what: string, probe: () => Promise<T | undefined | null | false>, lastSeen?: () => string | undefined, timeoutMs = ctx.cfg.timeoutMs): Promise<T> {
  return waitFor(what, probe, { timeoutMs, pollMs: ctx.cfg.pollMs, signal: ctx.signal, ...(lastSeen ? { lastSeen } : {}) });
}

/** Waits until `side` has message `id`; answers it. */
export function waitForMessage(ctx: Ctx, side: Side, id: string, what: string): Promise<Message> {
  return wait(ctx, `${side.label} (${side.id}) to receive ${what} ${id}`, () => findMessage(ctx, side, id));
}

/** How far a status is along pending -> sent -> delivered -> read -> played. */
export function ackRank(status: string): number {
  return ['pending', 'sent', 'delivered', 'read', 'played'].indexOf(status);
}
