import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/** How nodes sharing one PostgreSQL database find each other and share the instances (issue 20). */
export interface ClusterConfig {
  /** NODE_ID: this node's name among the nodes; default the host name and a random suffix, drawn once per process. */
  readonly nodeId: string;
  /** Whether NODE_ID was given: a node started again under the same id takes back its own instances at once. */
  readonly nodeIdGiven: boolean;
  /** NODE_URL: where the other nodes reach this one to forward requests (default http://127.0.0.1:PORT). */
  readonly nodeUrl: string;
  /** NODE_SECRET: what forwarded requests carry; null: a random one drawn at start and told to the others through the database. */
  readonly nodeSecret: string | null;
  /** LEASE_RENEW_MS: how often a node renews its leases, claims instances nobody holds and refreshes what it knows of the others. */
  readonly leaseRenewMs: number;
  /** LEASE_TTL_MS: how long a lease holds without renewal: a node that stops renewing loses its instances after this. */
  readonly leaseTtlMs: number;
  /** LEASE_JOIN_MS: how long a node that finds no other live node waits before claiming (nodes started together share). */
  readonly leaseJoinMs: number;
}

type Env = Record<string, string | undefined>;
type Fail = (variable: string, message: string) => never;

const NODE_ID = /^[A-Za-z0-9._-]{1,100}$/;

function read(env: Env, name: string): string | undefined {
  const raw = env[name]?.trim();
  return raw ? raw : undefined;
}

function ms(env: Env, name: string, fallback: number, min: number, max: number, fail: Fail): number {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) fail(name, `expected a whole number of milliseconds, got "${raw}"`);
  const n = Number(raw);
  if (n < min || n > max) fail(name, `expected a number from ${min} to ${max}, got ${n}`);
  return n;
}

/** The cluster part of the configuration; `fail` throws the ConfigError naming the variable. */
export function loadClusterConfig(env: Env, port: number, fail: Fail): ClusterConfig {
  const givenId = read(env, 'NODE_ID');
  if (givenId !== undefined && !NODE_ID.test(givenId)) fail('NODE_ID', `expected 1 to 100 letters, digits, ".", "_" or "-", got "${givenId}"`);
  const host = hostname().replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 80) || 'node';
  const nodeId = givenId ?? `${host}-${randomBytes(3).toString('hex')}`;
  const rawUrl = read(env, 'NODE_URL');
  let nodeUrl = `http://127.0.0.1:${port}`;
  if (rawUrl !== undefined) {
    let url: URL | null = null;
    try {
      url = new URL(rawUrl);
    } catch {
      url = null;
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) fail('NODE_URL', `expected an http(s) URL such as http://10.0.0.5:3000, got "${rawUrl}"`);
    nodeUrl = rawUrl.replace(/\/+$/, '');
  }
  const nodeSecret = read(env, 'NODE_SECRET') ?? null;
  if (nodeSecret !== null && nodeSecret.length < 16) fail('NODE_SECRET', 'must be at least 16 characters long');
  const leaseRenewMs = ms(env, 'LEASE_RENEW_MS', 5000, 100, 60_000, fail);
  const leaseTtlMs = ms(env, 'LEASE_TTL_MS', 15_000, 300, 600_000, fail);
  if (leaseTtlMs < 2 * leaseRenewMs) fail('LEASE_TTL_MS', `must be at least twice LEASE_RENEW_MS (${leaseRenewMs}), so that one late renewal loses nothing; got ${leaseTtlMs}`);
  const leaseJoinMs = ms(env, 'LEASE_JOIN_MS', leaseRenewMs, 0, 600_000, fail);
  return Object.freeze({ nodeId, nodeIdGiven: givenId !== undefined, nodeUrl, nodeSecret, leaseRenewMs, leaseTtlMs, leaseJoinMs });
}
