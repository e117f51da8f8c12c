import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadClusterConfig, type ClusterConfig } from './config-cluster.js';
import { ENGINE_NAMES, type EngineName } from './engines/registry.js';
import type { LogLevel } from './logger.js';
import { isLoopbackHost } from './net/address-rules.js';
import { URL_TARGETS, type UrlTarget } from './net/url-guard.js';

export type { EngineName };

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly mediaDir: string;
  /**
   * DATABASE_URL: a `postgres://` (or `postgresql://`) URL to keep the data in that PostgreSQL
   * database; null (unset): SQLite, in DATA_DIR/hatline.db.
   */
  readonly databaseUrl: string | null;
  readonly publicUrl: string;
  /** The admin token from API_TOKEN, or null when it is to be generated/kept in DATA_DIR. */
  readonly apiToken: string | null;
  /** Set when ALLOW_WEAK_TOKEN let a weak API_TOKEN through on a non-loopback HOST: the warning to log at start. */
  readonly weakTokenWarning: string | null;
  /** The kinds of URL the admin token and global keys may point at non-public addresses (ALLOW_PRIVATE_URLS). */
  readonly allowPrivateUrls: readonly UrlTarget[];
  readonly defaultEngine: EngineName;
  /** 0 turns the limit off. */
  readonly rateLimitPerMinute: number;
  /** Failed authentications per minute from one address before it gets 429; 0 turns the throttle off. */
  readonly authFailuresPerMinute: number;
  /** Requests per rolling hour of an API key on the conwp dialect when the key has no hourly limit of its own; 0: none. */
  readonly conwpHourlyLimit: number;
  /** How long the event log keeps events for streams to resume from (EVENT_RETENTION_HOURS). */
  readonly eventRetentionHours: number;
  /** A request body over this many bytes is large (LARGE_BODY_THRESHOLD_MB). */
  readonly largeBodyBytes: number;
  /** Large request bodies read at once; past it 503 with Retry-After; 0 turns the gate off (LARGE_BODY_CONCURRENCY). */
  readonly largeBodyConcurrency: number;
  /** An explicit browser path, or null to auto-detect. */
  readonly chromiumPath: string | null;
  readonly logLevel: LogLevel;
  /** WWEBJS_WEB_VERSION: a WhatsApp Web build recorded under DATA_DIR/wwebjs-web-versions to load instead of the live page. */
  readonly wwebjsWebVersion: string | null;
  /** METRICS_TOKEN: a token that may read /metrics (and nothing else); null: only the admin token may. */
  readonly metricsToken: string | null;
  /** EVOLUTION_PREFIX: where Evolution API's own paths are served (`/evolution`; '' is the root). */
  readonly evolutionPrefix: string;
  /** EMBED_ALLOWED_ORIGINS: the origins whose pages may show the embed page in a frame (`*`: any); empty: only Hatline's own. */
  readonly embedAllowedOrigins: readonly string[];
  /** LIVENESS_INTERVAL_MS: how often open instances are checked for deafness; 0 turns it off. */
  readonly livenessIntervalMs: number;
  /** LIVENESS_GRACE_MS: how long the engine may hold a message Hatline was not told of before the instance counts as deaf. */
  readonly livenessGraceMs: number;
  /** BACKFILL_CHATS: chats read after each reconnect, the most recently active first; 0 turns backfill off. */
  readonly backfillChats: number;
  /** BACKFILL_MESSAGES_PER_CHAT: messages read per chat (the newest). */
  readonly backfillMessagesPerChat: number;
  /** SERVER_ACK_TIMEOUT_MS: a send WhatsApp's server has not confirmed after this long ends `failed`; 0: never. */
  readonly serverAckTimeoutMs: number;
  /** NODE_ID, NODE_URL, NODE_SECRET and the lease timings: several nodes on one PostgreSQL (config-cluster.ts). */
  readonly cluster: ClusterConfig;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function value(env: Env, name: string): string | undefined {
  const raw = env[name];
  if (raw === undefined) return undefined;
  const trimmed = raw.trim();
  return trimmed === '' ? undefined : trimmed;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = value(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `expected a whole number, got "${raw}"`);
  const n = Number(raw);
  if (n < min || n > max) throw new ConfigError(name, `expected a number from ${min} to ${max}, got ${n}`);
  return n;
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = value(env, name);
  if (raw === undefined) return fallback;
  const lower = raw.toLowerCase();
  if (!(allowed as readonly string[]).includes(lower)) {
    throw new ConfigError(name, `expected one of ${allowed.join(', ')}, got "${raw}"`);
  }
  return lower as T;
}

function httpUrl(env: Env, name: string, fallback: string): string {
  const raw = value(env, name);
  if (raw === undefined) return fallback;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(name, `expected an absolute http(s) URL, got "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(name, `expected an http(s) URL, got "${raw}"`);
  }
  return raw.replace(/\/+$/, '');
}

function flag(env: Env, name: string): boolean {
  const raw = value(env, name);
  if (raw === undefined) return false;
  const lower = raw.toLowerCase();
  if (['1', 'true', 'yes'].includes(lower)) return true;
  if (['0', 'false', 'no'].includes(lower)) return false;
  throw new ConfigError(name, `expected 1 or 0 (true or false), got "${raw}"`);
}

/** A PostgreSQL connection URL (what node-postgres accepts); unset: null. */
function postgresUrl(env: Env, name: string): string | null {
  const raw = value(env, name);
  if (raw === undefined) return null;
  let url: URL | null = null;
  try {
    url = new URL(raw);
  } catch {
    url = null;
  }
  if (!url || (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:')) {
    // The URL may carry a password: it is not repeated.
    throw new ConfigError(name, 'expected a PostgreSQL URL such as postgres://user:password@host:5432/hatline (unset: SQLite in DATA_DIR)');
  }
  return raw;
}

/** A comma list of URL kinds; `all` and `none` as well. */
function urlTargets(env: Env, name: string): readonly UrlTarget[] {
  const raw = value(env, name);
  if (raw === undefined) return Object.freeze([]);
  const found = new Set<UrlTarget>();
  for (const part of raw.split(',').map((p) => p.trim().toLowerCase()).filter(Boolean)) {
    if (part === 'all') URL_TARGETS.forEach((t) => found.add(t));
    else if (part === 'none') continue;
    else if ((URL_TARGETS as readonly string[]).includes(part)) found.add(part as UrlTarget);
    else throw new ConfigError(name, `expected a comma list of ${URL_TARGETS.join(', ')} (or all, none), got "${part}"`);
  }
  return Object.freeze([...found]);
}

/** First path segments the server answers itself: Evolution's paths may not live under them. */
const TAKEN_SEGMENTS = ['api', 'gowa', 'media', 'whatsapp_api', 'yonetim', 'health', 'metrics', 'docs', 'openapi.json', 'js', 'embed', 'mcp'];

/**
 * EVOLUTION_PREFIX: a path like `/evolution` or `/wa/evolution` (no trailing slash); '' or '/'
 * serves Evolution's paths at the root, as Evolution itself does. Unset: `/evolution`.
 */
function evolutionPrefix(env: Env): string {
  const raw = env.EVOLUTION_PREFIX;
  if (raw === undefined) return '/evolution';
  const prefix = raw.trim().replace(/\/+$/, '');
  if (prefix === '') return '';
  if (!/^(\/[A-Za-z0-9._~-]+)+$/.test(prefix)) {
    throw new ConfigError('EVOLUTION_PREFIX', `expected a path like /evolution (letters, digits, . _ ~ -), or '' for the root, got "${raw}"`);
  }
  const first = prefix.split('/')[1]!;
  if (TAKEN_SEGMENTS.includes(first.toLowerCase())) {
    throw new ConfigError('EVOLUTION_PREFIX', `"${prefix}" is under /${first}, which the server answers itself; choose another path`);
  }
  return prefix;
}

/** A comma list of web origins (`https://shop.example`, `http://localhost:8080`), or `*` alone. */
function origins(env: Env, name: string): readonly string[] {
  const raw = value(env, name);
  if (raw === undefined) return Object.freeze([]);
  const parts = raw.split(',').map((p) => p.trim()).filter(Boolean);
  if (parts.includes('*')) {
    if (parts.length > 1) throw new ConfigError(name, '`*` (any origin) stands alone');
    return Object.freeze(['*']);
  }
  const found = new Set<string>();
  for (const part of parts) {
    let url: URL | null = null;
    try {
      url = new URL(part);
    } catch {
      url = null;
    }
    // An origin only: scheme, host and port, which is what frame-ancestors compares.
    const originOnly = url && url.pathname === '/' && !url.username && !url.password && !/[?#]/.test(part);
    if (!url || !originOnly || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      throw new ConfigError(name, `expected a comma list of origins such as https://shop.example (scheme, host and port, no path), got "${part}"`);
    }
    found.add(url.origin);
  }
  return Object.freeze([...found]);
}

/** The fewest characters, and the fewest different characters, of an API_TOKEN on a reachable HOST. */
export const STRONG_TOKEN_LENGTH = 32;
const STRONG_TOKEN_DISTINCT = 10;

/**
 * API_TOKEN is the admin token: whoever guesses it owns every instance. Under 8 characters it is
 * refused everywhere. On a HOST other than loopback (the default 0.0.0.0 listens on every
 * interface) it must also be strong: at least 32 characters with at least 10 different ones (a
 * random token: `openssl rand -hex 32`). ALLOW_WEAK_TOKEN=1 accepts a weak one anyway, with a
 * warning at every start; answers that warning, or null.
 */
function checkToken(token: string | null, host: string, allowWeak: boolean): string | null {
  if (token === null) return null;
  if (token.length < 8) throw new ConfigError('API_TOKEN', 'must be at least 8 characters long');
  const strong = token.length >= STRONG_TOKEN_LENGTH && new Set(token).size >= STRONG_TOKEN_DISTINCT;
  if (strong || isLoopbackHost(host)) return null;
  const why =
    `is weak (${token.length} characters, ${new Set(token).size} different) while the server listens on ${host}, ` +
    'so anyone who can reach the port can try to guess it';
  if (!allowWeak) {
    throw new ConfigError(
      'API_TOKEN',
      `${why}. Use at least ${STRONG_TOKEN_LENGTH} random characters (openssl rand -hex 32), or leave API_TOKEN unset to have one generated, ` +
        'or listen on 127.0.0.1 only (HOST=127.0.0.1), or set ALLOW_WEAK_TOKEN=1 to accept the risk',
    );
  }
  return `API_TOKEN ${why}; ALLOW_WEAK_TOKEN=1 accepts it. Use at least ${STRONG_TOKEN_LENGTH} random characters (openssl rand -hex 32)`;
}

/** Reads the environment once; a bad value throws a ConfigError naming the variable. */
export function loadConfig(env: Env = process.env): Config {
  const port = integer(env, 'PORT', 3000, 0, 65535);
  const host = value(env, 'HOST') ?? '0.0.0.0';
  const dataDir = path.resolve(value(env, 'DATA_DIR') ?? './data');
  const mediaDir = path.resolve(value(env, 'MEDIA_DIR') ?? './media');
  const databaseUrl = postgresUrl(env, 'DATABASE_URL');
  const publicUrl = httpUrl(env, 'PUBLIC_URL', `http://localhost:${port}`);
  const apiToken = value(env, 'API_TOKEN') ?? null;
  const weakTokenWarning = checkToken(apiToken, host, flag(env, 'ALLOW_WEAK_TOKEN'));
  const allowPrivateUrls = urlTargets(env, 'ALLOW_PRIVATE_URLS');
  const defaultEngine = oneOf(env, 'DEFAULT_ENGINE', ENGINE_NAMES, 'wwebjs');
  const rateLimitPerMinute = integer(env, 'RATE_LIMIT_PER_MINUTE', 200, 0, 10_000_000);
  const authFailuresPerMinute = integer(env, 'AUTH_FAILURES_PER_MINUTE', 10, 0, 1_000_000);
  const conwpHourlyLimit = integer(env, 'CONWP_HOURLY_LIMIT', 1000, 0, 100_000_000);
  const eventRetentionHours = integer(env, 'EVENT_RETENTION_HOURS', 24, 1, 24 * 365);
  const largeBodyBytes = integer(env, 'LARGE_BODY_THRESHOLD_MB', 8, 1, 90) * 1024 * 1024;
  const largeBodyConcurrency = integer(env, 'LARGE_BODY_CONCURRENCY', 2, 0, 1000);
  const chromiumPath = value(env, 'CHROMIUM_PATH') ?? null;
  if (chromiumPath !== null && !existsSync(chromiumPath)) {
    throw new ConfigError('CHROMIUM_PATH', `no file at "${chromiumPath}"`);
  }
  const wwebjsWebVersion = value(env, 'WWEBJS_WEB_VERSION') ?? null;
  if (wwebjsWebVersion !== null && !/^\d+\.\d+\.\d+(?:-[A-Za-z0-9.]+)?$/.test(wwebjsWebVersion)) {
    throw new ConfigError('WWEBJS_WEB_VERSION', `expected a WhatsApp Web build such as 2.3000.1043220887, got "${wwebjsWebVersion}"`);
  }
  const metricsToken = value(env, 'METRICS_TOKEN') ?? null;
  if (metricsToken !== null && metricsToken.length < 16) {
    throw new ConfigError('METRICS_TOKEN', 'must be at least 16 characters long');
  }
  const embedAllowedOrigins = origins(env, 'EMBED_ALLOWED_ORIGINS');
  const livenessIntervalMs = integer(env, 'LIVENESS_INTERVAL_MS', 30_000, 0, 3_600_000);
  const livenessGraceMs = integer(env, 'LIVENESS_GRACE_MS', 30_000, 1000, 3_600_000);
  const backfillChats = integer(env, 'BACKFILL_CHATS', 50, 0, 1000);
  const backfillMessagesPerChat = integer(env, 'BACKFILL_MESSAGES_PER_CHAT', 100, 1, 10_000);
  const serverAckTimeoutMs = integer(env, 'SERVER_ACK_TIMEOUT_MS', 60_000, 0, 7 * 24 * 3_600_000);
  if (serverAckTimeoutMs > 0 && serverAckTimeoutMs < 1000) {
    throw new ConfigError('SERVER_ACK_TIMEOUT_MS', `expected 0 (no bound) or at least 1000 (message times are whole seconds), got ${serverAckTimeoutMs}`);
  }
  const logLevel = oneOf(env, 'LOG_LEVEL', ['debug', 'info', 'warn', 'error', 'silent'] as const, 'info');

  return Object.freeze({
    port,
    host,
    dataDir,
    mediaDir,
    databaseUrl,
    publicUrl,
    apiToken,
    weakTokenWarning,
    allowPrivateUrls,
    defaultEngine,
    rateLimitPerMinute,
    authFailuresPerMinute,
    conwpHourlyLimit,
    eventRetentionHours,
    largeBodyBytes,
    largeBodyConcurrency,
    chromiumPath,
    logLevel,
    wwebjsWebVersion,
    metricsToken,
    embedAllowedOrigins,
    evolutionPrefix: evolutionPrefix(env),
    livenessIntervalMs,
    livenessGraceMs,
    backfillChats,
    backfillMessagesPerChat,
    serverAckTimeoutMs,
    cluster: loadClusterConfig(env, port, (variable, message) => {
      throw new ConfigError(variable, message);
    }),
  });
}
