/** The canary's settings, all from the environment (docs/CANARY.md lists them). */

export type CanaryEngine = 'wwebjs' | 'sandbox';

export interface CanaryConfig {
  url: string;
  token: string;
  engine: CanaryEngine;
  idA: string;
  idB: string;
  /** Pair by phone number instead of a QR (wwebjs), or the number to link (sandbox). */
  phoneA: string | null;
  phoneB: string | null;
  /** Every wait for something to happen (a delivery, an ack, a status), in ms. */
  timeoutMs: number;
  /** How long the operator has to link each phone, in ms. */
  linkTimeoutMs: number;
  /** How long to watch for something that must NOT happen (a blocked message arriving), in ms. */
  quietMs: number;
  /** How often a wait asks the server again, in ms. */
  pollMs: number;
  resultFile: string;
  logout: boolean;
  /** Ask the operator to unlink B on the phone and check the server sees the logout. */
  phoneUnlink: boolean;
  /** A sample video to send (no video is generated). */
  videoFile: string | null;
  /** A group both numbers are in (found by itself when left out). */
  groupId: string | null;
  /** A number that should not be on WhatsApp. */
  missingNumber: string | null;
}

export class ConfigError extends Error {}

function ms(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new ConfigError(`${name} must be a positive number of milliseconds (got "${raw}")`);
  return n;
}

function flag(env: NodeJS.ProcessEnv, name: string): boolean {
  const raw = (env[name] ?? '').trim().toLowerCase();
  return raw === '1' || raw === 'true' || raw === 'yes';
}

function digits(env: NodeJS.ProcessEnv, name: string): string | null {
  const raw = env[name]?.trim();
  if (!raw) return null;
  const d = raw.replace(/[\s()+-]/g, '');
  if (!/^\d{7,15}$/.test(d)) throw new ConfigError(`${name} must be a phone number with country code, digits only (got "${raw}")`);
  return d;
}

const ID = /^[A-Za-z0-9_-]{1,64}$/;

export function loadCanaryConfig(env: NodeJS.ProcessEnv): CanaryConfig {
  const url = env.HATLINE_URL?.trim().replace(/\/+$/, '');
  if (!url) throw new ConfigError('HATLINE_URL is required: the base URL of a running Hatline server, e.g. http://localhost:3000');
  if (!/^https?:\/\//.test(url)) throw new ConfigError(`HATLINE_URL must start with http:// or https:// (got "${url}")`);
  const token = env.HATLINE_TOKEN?.trim();
  if (!token) throw new ConfigError('HATLINE_TOKEN is required: the API token of that server');
  const engine = (env.CANARY_ENGINE?.trim() || 'wwebjs') as CanaryEngine;
  if (engine !== 'wwebjs' && engine !== 'sandbox') throw new ConfigError(`CANARY_ENGINE must be wwebjs or sandbox (got "${engine}")`);
  const idA = env.CANARY_ID_A?.trim() || 'canary-a';
  const idB = env.CANARY_ID_B?.trim() || 'canary-b';
  for (const [name, id] of [['CANARY_ID_A', idA], ['CANARY_ID_B', idB]] as const) {
    if (!ID.test(id)) throw new ConfigError(`${name} must be 1 to 64 letters, digits, "_" or "-" (got "${id}")`);
  }
  if (idA === idB) throw new ConfigError('CANARY_ID_A and CANARY_ID_B must differ');
  const timeoutMs = ms(env, 'CANARY_TIMEOUT_MS', 60_000);
  return {
    url,
    token,
    engine,
    idA,
    idB,
    phoneA: digits(env, 'CANARY_PHONE_A'),
    phoneB: digits(env, 'CANARY_PHONE_B'),
    timeoutMs,
    linkTimeoutMs: ms(env, 'CANARY_LINK_TIMEOUT_MS', 180_000),
    quietMs: ms(env, 'CANARY_QUIET_MS', 15_000),
    pollMs: ms(env, 'CANARY_POLL_MS', 1000),
    resultFile: env.CANARY_RESULT?.trim() || 'canary-result.json',
    logout: flag(env, 'CANARY_LOGOUT'),
    phoneUnlink: flag(env, 'CANARY_PHONE_UNLINK'),
    videoFile: env.CANARY_VIDEO?.trim() || null,
    groupId: env.CANARY_GROUP_ID?.trim() || null,
    missingNumber: digits(env, 'CANARY_MISSING_NUMBER'),
  };
}
