/**
 * Writes the typed client's schema (clients/typescript/src/schema.d.ts) from the server's own
 * /openapi.json: the app is built in-process (in-memory database, sandbox engines, no port) and
 * asked for its document, which openapi-typescript turns into `paths` and `components` types.
 *
 *   npm run client:generate            rewrite the checked-in schema
 *   npm run client:generate -- --check  fail (exit 1) when it differs from what the API says now
 *   npm run client:generate -- --out F  write it to F instead
 *
 * test/typed-client.test.ts regenerates it into a temp file and fails on any difference, so the
 * checked-in client never drifts from the API.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString, COMMENT_HEADER } from 'openapi-typescript';
import { loadConfig } from '../src/config.js';
import { silentLogger } from '../src/logger.js';
import { projectRoot } from '../src/paths.js';
import { buildHatline } from '../src/server.js';

export const SCHEMA_FILE = path.join(projectRoot, 'clients/typescript/src/schema.d.ts');

const HEADER = `${COMMENT_HEADER.trimEnd()}\n// Generated from Hatline's /openapi.json by scripts/generate-client.ts (npm run client:generate).\n\n`;

/** The server's OpenAPI document, from an app built in-process on a throwaway data folder. */
export async function openApiDocument(): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(path.join(tmpdir(), 'hatline-client-'));
  try {
    const config = loadConfig({
      DATA_DIR: path.join(dir, 'data'),
      MEDIA_DIR: path.join(dir, 'media'),
      API_TOKEN: 'client-generator-token',
      HOST: '127.0.0.1', // nothing listens; a local host lets the token be short
      DEFAULT_ENGINE: 'sandbox',
      PUBLIC_URL: 'http://localhost:3000',
    });
    const hatline = await buildHatline({ config, logger: silentLogger, dbFile: ':memory:', schedulerCron: null });
    try {
      const res = await hatline.app.request('/openapi.json');
      if (res.status !== 200) throw new Error(`/openapi.json answered ${res.status}`);
      return (await res.json()) as Record<string, unknown>;
    } finally {
      await hatline.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The schema file's text for the API as it is now. */
export async function clientSchema(): Promise<string> {
  const nodes = await openapiTS((await openApiDocument()) as never, { silent: true, alphabetize: true });
  return HEADER + astToString(nodes);
}

/** Writes the schema to `out`; answers whether the file changed. */
export async function generateClient(out = SCHEMA_FILE): Promise<boolean> {
  const text = await clientSchema();
  let before: string | null = null;
  try {
    before = readFileSync(out, 'utf8');
  } catch {
    // a new file
  }
  if (before === text) return false;
  writeFileSync(out, text);
  return true;
}

async function main(argv: string[]): Promise<number> {
  const at = argv.indexOf('--out');
  const out = at >= 0 && argv[at + 1] ? path.resolve(argv[at + 1]!) : SCHEMA_FILE;
  if (argv.includes('--check')) {
    const same = readFileSync(out, 'utf8') === (await clientSchema());
    console.log(same ? `${path.relative(process.cwd(), out)} matches /openapi.json` : `${path.relative(process.cwd(), out)} is out of date: run npm run client:generate`);
    return same ? 0 : 1;
  }
  const changed = await generateClient(out);
  console.log(`${path.relative(process.cwd(), out)} ${changed ? 'written' : 'unchanged'}`);
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
