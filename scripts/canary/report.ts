/** The canary's result: a table for the terminal and the same rows as JSON for a bug report. */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fmtSeconds, type Outcome, type Row } from './runner.js';

export interface CanaryResult {
  tool: 'hatline-canary';
  format: 1;
  ok: boolean;
  interrupted: boolean;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  /** The run's id, in every text message it sent. */
  tag: string;
  server: { url: string; hatlineVersion: string; waWebVersion: string; library: string };
  engine: string;
  instances: { a: { id: string; phone: string | null }; b: { id: string; phone: string | null } };
  settings: { timeoutMs: number; linkTimeoutMs: number; quietMs: number; pollMs: number; video: boolean; logout: boolean; phoneUnlink: boolean };
  counts: Record<Outcome, number>;
  checks: Row[];
}

const DETAIL_WIDTH = 96;

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

/** One row as a progress line while the run goes on. */
export function progressLine(row: Row): string {
  return `${pad(row.result, 4)}  ${row.check}  (${fmtSeconds(row.durationMs)})  ${row.detail}`;
}

export function table(result: CanaryResult): string {
  const head = [
    `Hatline canary ${result.tag}  ·  ${result.startedAt}`,
    `Server ${result.server.url}  ·  Hatline ${result.server.hatlineVersion}  ·  engine ${result.engine}  ·  WhatsApp Web version ${result.server.waWebVersion}  ·  ${result.server.library}`,
    `A: ${result.instances.a.id} (+${result.instances.a.phone ?? '?'})  ·  B: ${result.instances.b.id} (+${result.instances.b.phone ?? '?'})`,
  ];
  const cols = ['check', 'result', 'detail', 'duration'];
  const cells = result.checks.map((r) => [
    r.check,
    r.result,
    r.detail.length > DETAIL_WIDTH ? `${r.detail.slice(0, DETAIL_WIDTH - 1)}…` : r.detail,
    fmtSeconds(r.durationMs),
  ]);
  const widths = cols.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i]!.length)));
  const line = (row: string[]) => row.map((c, i) => pad(c, widths[i]!)).join('  ').trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  const failed = result.checks.filter((r) => r.result === 'FAIL' && r.detail.length > DETAIL_WIDTH);
  const c = result.counts;
  return [
    ...head,
    '',
    line(cols),
    rule,
    ...cells.map(line),
    rule,
    `${c.PASS} passed, ${c.FAIL} failed, ${c.SKIP} skipped in ${fmtSeconds(result.durationMs)}${result.interrupted ? ' (interrupted)' : ''}`,
    ...(failed.length ? ['', 'Failures in full:', ...failed.map((r) => `- ${r.check}: ${r.detail}`)] : []),
  ].join('\n');
}

/** Writes the JSON next to nothing half-written: a temp file renamed into place. */
export function writeResult(file: string, result: CanaryResult): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(result, null, 2)}\n`);
  renameSync(tmp, file);
}
