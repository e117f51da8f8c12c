#!/usr/bin/env node
// `npm test`: typechecks, then runs every test/*.test.ts on both databases at once: SQLite (its
// output shown as it runs) and a throwaway PostgreSQL cluster (scripts/test-postgres.sh; its output
// shown when it ends). Ends with the totals of both, in uvu's own format, and one line per database.
//
//   TEST_DATABASES=sqlite npm test            SQLite only (no PostgreSQL needed)
//   TEST_DATABASES=postgres npm test          PostgreSQL only (what `npm run test:pg` runs)
//   npm test -- "^(chats|groups)\.test\.ts$"  some files only (a regex of file names)
//
// The suites run side by side because most of a test's time is spent waiting (timers, a browser,
// the other database), so two suites take far less than twice one.
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const pattern = process.argv[2] ?? '\\.test\\.ts$';
const wanted = (process.env.TEST_DATABASES ?? 'sqlite,postgres').split(',').map((s) => s.trim()).filter(Boolean);
for (const name of wanted) {
  if (name !== 'sqlite' && name !== 'postgres') {
    console.error(`test: unknown database "${name}" in TEST_DATABASES (sqlite, postgres)`);
    process.exit(2);
  }
}

const tsc = spawnSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json', '--noEmit'], { cwd: root, stdio: 'inherit' });
if (tsc.status !== 0) {
  console.error('test: the typecheck failed');
  process.exit(tsc.status ?? 1);
}

const uvu = [path.join(root, 'node_modules/tsx/dist/cli.mjs'), path.join(root, 'node_modules/uvu/bin.js'), 'test', pattern];
const scratch = mkdtempSync(path.join(tmpdir(), 'hatline-test-'));
const children = new Set();

/** Runs one suite; its output goes to the terminal as it comes (`live`) or to a file shown at the end. */
function suite(name, command, args, live) {
  const file = path.join(scratch, `${name}.log`);
  const out = createWriteStream(file);
  const env = { ...process.env, FORCE_COLOR: process.env.FORCE_COLOR ?? (process.stdout.isTTY ? '1' : '0') };
  // The SQLite suite never inherits a PostgreSQL URL set in the shell; the other gets its own cluster's.
  delete env.TEST_DATABASE_URL;
  const child = spawn(command, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  children.add(child);
  for (const stream of [child.stdout, child.stderr]) {
    stream.on('data', (chunk) => {
      out.write(chunk);
      if (live) process.stdout.write(chunk);
    });
  }
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      children.delete(child);
      out.end(() => resolve({ name, file, code: code ?? (signal ? 1 : 0), live }));
    });
  });
}

// Ctrl-C or a CI timeout: the suites and the PostgreSQL cluster go too.
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    for (const child of children) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {}
    }
    setTimeout(() => process.exit(130), 3000).unref();
  });
}

/**
 * The test files whose imports reach test/support/database.ts, the one place a test's database is
 * chosen: only those run differently on PostgreSQL. The others (engines over a fake library, the
 * library on the imitation of WhatsApp Web, pure functions, SQLite files of their own) never open
 * the run's database, so running them again there would only repeat the SQLite run.
 */
function filesUsingTheDatabase(files) {
  const target = path.join(root, 'test/support/database.ts');
  const reaches = new Map();
  const visit = (file) => {
    if (reaches.has(file)) return reaches.get(file);
    reaches.set(file, false); // a cycle does not reach it through itself
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return false;
    }
    const found =
      file === target ||
      [...text.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)]
        .map((m) => path.resolve(path.dirname(file), m[1].replace(/\.js$/, '.ts')))
        .filter((dep) => dep.startsWith(path.join(root, 'test') + path.sep))
        .some(visit);
    reaches.set(file, found);
    return found;
  };
  return files.filter((f) => visit(path.join(root, 'test', f)));
}

const runs = [];
if (wanted.includes('sqlite')) runs.push(suite('sqlite', process.execPath, uvu, true));
if (wanted.includes('postgres')) {
  const matching = readdirSync(path.join(root, 'test')).filter((f) => new RegExp(pattern).test(f)).sort();
  const onPostgres = filesUsingTheDatabase(matching);
  const escaped = onPostgres.map((f) => f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  console.log(`test: on PostgreSQL, the ${onPostgres.length} of ${matching.length} files that open a database (the others run on SQLite only: ${matching.filter((f) => !onPostgres.includes(f)).join(', ') || 'none'})`);
  if (onPostgres.length > 0) {
    const args = [...uvu.slice(0, -1), `^(${escaped.join('|')})$`];
    runs.push(suite('postgres', 'bash', [path.join(root, 'scripts/test-postgres.sh'), 'run', '--', process.execPath, ...args], !wanted.includes('sqlite')));
  }
}
const results = await Promise.all(runs);

const strip = (s) => s.replace(/\x1B\[[0-9;]*[A-Za-z]/g, '');
/** The last `Label: N` line uvu printed, or undefined. */
const count = (text, label) => [...strip(text).matchAll(new RegExp(`^\\s*${label}:\\s+(\\d+)`, 'gm'))].map((m) => Number(m[1])).pop();
/**
 * uvu prints a failure right after its file's line, long before the totals; a CI log shown from its
 * tail would lose it. The failures are printed again at the end, each under its file's name.
 */
function failures(text) {
  const out = [];
  let file = '';
  let taking = 0;
  for (const line of strip(text).split('\n')) {
    if (/^\S+\.test\.ts$/.test(line.trim()) && !line.startsWith(' ')) file = line.trim();
    if (/^\s+FAIL\s/.test(line)) {
      out.push(`${file}:`);
      taking = 30;
    } else if (taking > 0 && (/^\s+(Total|Passed|Skipped|Duration):/.test(line) || /\(\d+ \/ \d+\)\s*$/.test(line) || /^\S+\.test\.ts$/.test(line.trim()))) {
      taking = 0; // the next suite's or file's line: the failure is over
    }
    if (taking > 0) {
      // A long diff's unchanged lines (uvu marks them ··) are left out: the changed ones are what tell.
      if (/^\s+··/.test(line) && out.length > 0 && /^\s+··|unchanged lines\)$/.test(out[out.length - 1])) {
        const last = out[out.length - 1];
        const m = last.match(/\((\d+) unchanged lines\)$/);
        out[out.length - 1] = m ? last.replace(/\(\d+ unchanged lines\)$/, `(${Number(m[1]) + 1} unchanged lines)`) : `        (2 unchanged lines)`;
        continue;
      }
      out.push(line);
      taking -= 1;
    }
  }
  return out;
}

let total = 0;
let passed = 0;
let skipped = 0;
const lines = [];
const failed = [];
let status = 0;
for (const r of results) {
  const text = readFileSync(r.file, 'utf8');
  if (!r.live) {
    console.log(`\n==================== ${r.name}: its suite's output ====================`);
    process.stdout.write(text);
  }
  for (const line of failures(text)) failed.push(`[${r.name}] ${line}`);
  const t = count(text, 'Total');
  const p = count(text, 'Passed');
  const s = count(text, 'Skipped') ?? 0;
  if (t === undefined || p === undefined) {
    // The suite printed no totals: it did not run (the cluster did not start, say). Count it as one failure.
    lines.push(`${r.name}: no totals (exit ${r.code}); see its output above`);
    total += 1;
    status = status || r.code || 1;
    continue;
  }
  total += t;
  passed += p;
  skipped += s;
  if (r.code !== 0) status = status || r.code;
  lines.push(`${r.name}: ${p} passed, ${t - p} failed, ${s} skipped (exit ${r.code})`);
}
rmSync(scratch, { recursive: true, force: true });
if (failed.length > 0) {
  console.log('\n==================== the failures again ====================');
  for (const line of failed) console.log(line);
}
console.log('\n==================== both databases ====================');
for (const line of lines) console.log(line);
console.log(`  Total:     ${total}`);
console.log(`  Passed:    ${passed}`);
console.log(`  Skipped:   ${skipped}`);
process.exit(status);
