import { existsSync } from 'node:fs';
import path from 'node:path';
import { ENGINE_NAMES, type EngineName } from './engines/registry.js';
import type { LogLevel } from './logger.js';

export type { EngineName };

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly mediaDir: string;
  readonly publicUrl: string;
  /** The admin token from API_TOKEN, or null when it is to be generated/kept in DATA_DIR. */
  readonly apiToken: string | null;
  readonly defaultEngine: EngineName;
  /** 0 turns the limit off. */
  readonly rateLimitPerMinute: number;
  /** Failed authentications per minute from one address before it gets 429; 0 turns the throttle off. */
  readonly authFailuresPerMinute: number;
  /** An explicit browser path, or null to auto-detect. */
  readonly chromiumPath: string | null;
  readonly logLevel: LogLevel;
  /** WWEBJS_WEB_VERSION: a WhatsApp Web build recorded under DATA_DIR/wwebjs-web-versions to load instead of the live page. */
  readonly wwebjsWebVersion: string | null;
  /** METRICS_TOKEN: a token that may read /metrics (and nothing else); null: only the admin token may. */
  readonly metricsToken: string | null;
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

/** Reads the environment once; a bad value throws a ConfigError naming the variable. */
export function loadConfig(env: Env = process.env): Config {
  const port = integer(env, 'PORT', 3000, 0, 65535);
  const host = value(env, 'HOST') ?? '0.0.0.0';
  const dataDir = path.resolve(value(env, 'DATA_DIR') ?? './data');
  const mediaDir = path.resolve(value(env, 'MEDIA_DIR') ?? './media');
  const publicUrl = httpUrl(env, 'PUBLIC_URL', `http://localhost:${port}`);
  const apiToken = value(env, 'API_TOKEN') ?? null;
  if (apiToken !== null && apiToken.length < 8) {
    throw new ConfigError('API_TOKEN', 'must be at least 8 characters long');
  }
  const defaultEngine = oneOf(env, 'DEFAULT_ENGINE', ENGINE_NAMES, 'wwebjs');
  const rateLimitPerMinute = integer(env, 'RATE_LIMIT_PER_MINUTE', 200, 0, 10_000_000);
  const authFailuresPerMinute = integer(env, 'AUTH_FAILURES_PER_MINUTE', 10, 0, 1_000_000);
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
  const logLevel = oneOf(env, 'LOG_LEVEL', ['debug', 'info', 'warn', 'error', 'silent'] as const, 'info');

  return Object.freeze({
    port,
    host,
    dataDir,
    mediaDir,
    publicUrl,
    apiToken,
    defaultEngine,
    rateLimitPerMinute,
    authFailuresPerMinute,
    chromiumPath,
    logLevel,
    wwebjsWebVersion,
    metricsToken,
  });
}
