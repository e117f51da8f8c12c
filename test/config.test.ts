import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ConfigError, loadConfig } from '../src/config.js';

test('defaults follow DESIGN.md', () => {
  const c = loadConfig({});
  assert.is(c.port, 3000);
  assert.is(c.host, '0.0.0.0');
  assert.is(c.publicUrl, 'http://localhost:3000');
  assert.is(c.defaultEngine, 'wwebjs');
  assert.is(c.rateLimitPerMinute, 200);
  assert.is(c.apiToken, null);
  assert.is(c.logLevel, 'info');
  assert.ok(Object.isFrozen(c));
});

test('AUTH_FAILURES_PER_MINUTE defaults to 10, takes 0 (off), and stops start-up naming it when it is not a whole number', () => {
  assert.is(loadConfig({}).authFailuresPerMinute, 10);
  assert.is(loadConfig({ AUTH_FAILURES_PER_MINUTE: '0' }).authFailuresPerMinute, 0);
  assert.throws(() => loadConfig({ AUTH_FAILURES_PER_MINUTE: 'many' }), (err: unknown) => err instanceof ConfigError && err.variable === 'AUTH_FAILURES_PER_MINUTE');
});

test('ALLOW_PRIVATE_URLS is none by default and takes a comma list of webhook and media (or all, none)', () => {
  assert.equal(loadConfig({}).allowPrivateUrls, []);
  assert.equal(loadConfig({ ALLOW_PRIVATE_URLS: 'webhook' }).allowPrivateUrls, ['webhook']);
  assert.equal(loadConfig({ ALLOW_PRIVATE_URLS: ' Webhook , media ' }).allowPrivateUrls, ['webhook', 'media']);
  assert.equal(loadConfig({ ALLOW_PRIVATE_URLS: 'all' }).allowPrivateUrls, ['webhook', 'media']);
  assert.equal(loadConfig({ ALLOW_PRIVATE_URLS: 'none' }).allowPrivateUrls, []);
});

test('DATABASE_URL is unset by default (SQLite in DATA_DIR), takes a postgres:// URL, and refuses anything else without repeating it', () => {
  assert.is(loadConfig({}).databaseUrl, null);
  assert.is(loadConfig({ DATABASE_URL: ' ' }).databaseUrl, null);
  assert.is(loadConfig({ DATABASE_URL: 'postgres://hatline:pw@db:5432/hatline' }).databaseUrl, 'postgres://hatline:pw@db:5432/hatline');
  assert.is(loadConfig({ DATABASE_URL: 'postgresql://db/hatline?sslmode=require' }).databaseUrl, 'postgresql://db/hatline?sslmode=require');
  for (const bad of ['mysql://root:s3cret@db/hatline', 'sqlite:///data/hatline.db', 'not a url']) {
    assert.throws(
      () => loadConfig({ DATABASE_URL: bad }),
      (err: unknown) => err instanceof ConfigError && err.variable === 'DATABASE_URL' && !err.message.includes('s3cret') && err.message.includes('postgres://'),
      bad,
    );
  }
});

test('PUBLIC_URL defaults to the port and loses a trailing slash', () => {
  assert.is(loadConfig({ PORT: '8080' }).publicUrl, 'http://localhost:8080');
  assert.is(loadConfig({ PUBLIC_URL: 'https://wa.example.com/' }).publicUrl, 'https://wa.example.com');
});

for (const [name, value] of [
  ['PORT', 'eighty'],
  ['PORT', '70000'],
  ['RATE_LIMIT_PER_MINUTE', '-1'],
  ['DEFAULT_ENGINE', 'baileys'],
  ['PUBLIC_URL', 'ftp://x'],
  ['LOG_LEVEL', 'loud'],
  ['API_TOKEN', 'short'],
  ['ALLOW_PRIVATE_URLS', 'webhooks'],
  ['CHROMIUM_PATH', '/no/such/browser'],
] as const) {
  test(`a bad ${name} (${value}) stops start-up with a message naming it`, () => {
    try {
      loadConfig({ [name]: value });
      assert.unreachable('should throw');
    } catch (err) {
      assert.instance(err, ConfigError);
      assert.is((err as ConfigError).variable, name);
      assert.match((err as Error).message, name);
    }
  });
}

test.run();
