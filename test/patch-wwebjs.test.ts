/**
 * scripts/patch-wwebjs.mjs, run as postinstall does, on copies of the pristine whatsapp-web.js in
 * a scratch project: it patches once, is idempotent, keeps a pristine copy, and fails the install
 * loudly (naming patch and file) when an anchor or the version does not match.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { markerOf, PATCHES, planPatches, unpatchText } from '../scripts/patch-wwebjs.mjs';
import { wwebjsPatchStatus } from '../src/engines/wwebjs/index.js';
import { projectRoot } from '../src/paths.js';
import { closesServers, testServer } from './support/app.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pristineSource = path.join(root, 'node_modules', '.hatline', 'whatsapp-web.js-pristine');
const manifest = JSON.parse(readFileSync(path.join(root, 'scripts', 'wwebjs-patches.json'), 'utf8')) as {
  pristineCopy: string;
  patches: { id: string; files: string[] }[];
};

const test = suite('the install-time patches of whatsapp-web.js');

let project = '';
const lib = () => path.join(project, 'node_modules', 'whatsapp-web.js');

test.before.each(() => {
  // A project of its own: the script finds node_modules next to its own scripts/ folder.
  project = mkdtempSync(path.join(tmpdir(), 'hatline-patch-'));
  mkdirSync(path.join(project, 'scripts'));
  for (const file of ['patch-wwebjs.mjs', 'wwebjs-patches.json']) cpSync(path.join(root, 'scripts', file), path.join(project, 'scripts', file));
  cpSync(pristineSource, lib(), { recursive: true });
});
test.after.each(() => {
  rmSync(project, { recursive: true, force: true });
});

function runPatcher(...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(project, 'scripts', 'patch-wwebjs.mjs'), ...args], { encoding: 'utf8' });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

/** Every file of a library folder, as path -> text. */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (rel: string) => {
    for (const entry of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = path.join(rel, entry.name);
      if (entry.isDirectory()) walk(child);
      else out.set(child, readFileSync(path.join(dir, child), 'utf8'));
    }
  };
  walk('.');
  return out;
}

test('the patcher marks every file of the manifest, keeps an unpatched copy, and changes nothing when run again', () => {
  const before = snapshot(lib());
  const first = runPatcher();
  assert.is(first.status, 0, first.out);
  for (const patch of manifest.patches) {
    for (const file of patch.files) assert.ok(readFileSync(path.join(lib(), file), 'utf8').includes(markerOf(patch.id)), `${patch.id} in ${file}`);
  }
  assert.equal(snapshot(path.join(project, manifest.pristineCopy)), before, 'the kept copy is the library as installed');
  const patched = snapshot(lib());
  const second = runPatcher();
  assert.is(second.status, 0, second.out);
  assert.match(second.out, /already patched/);
  assert.equal(snapshot(lib()), patched);
  assert.is(runPatcher('--check').status, 0);
});

test('a lost pristine copy is rebuilt by undoing the patches, byte for byte', () => {
  const before = snapshot(lib());
  assert.is(runPatcher().status, 0);
  rmSync(path.join(project, manifest.pristineCopy), { recursive: true });
  assert.is(runPatcher().status, 0);
  assert.equal(snapshot(path.join(project, manifest.pristineCopy)), before);
  for (const [file, text] of planPatches(pristineSource)) assert.is(unpatchText(text, file), before.get(file) ?? readFileSync(path.join(pristineSource, file), 'utf8'));
});

test('a missing anchor fails the install, naming the patch and the file, and writes nothing', () => {
  const file = path.join(lib(), 'src', 'structures', 'Message.js');
  writeFileSync(file, readFileSync(file, 'utf8').replace('type: msg.type,', 'type: msg.type ,'));
  const before = snapshot(lib());
  const r = runPatcher();
  assert.is(r.status, 1);
  assert.match(r.out, /patch-wwebjs FAILED: patch "media-mimetype": anchor not found in src\/structures\/Message\.js/);
  assert.equal(snapshot(lib()), before, 'no file was patched');
});

test('another version of whatsapp-web.js fails the install', () => {
  const pkg = path.join(lib(), 'package.json');
  writeFileSync(pkg, readFileSync(pkg, 'utf8').replace('"version": "1.34.7"', '"version": "1.34.8"'));
  const r = runPatcher();
  assert.is(r.status, 1);
  assert.match(r.out, /whatsapp-web\.js 1\.34\.8 is installed, but these patches are for 1\.34\.7 exactly/);
});

test('--check fails when a marker is missing', () => {
  const r = runPatcher('--check');
  assert.is(r.status, 1);
  assert.match(r.out, /missing patches: msgkey-dollar1 in src\/structures\/Base\.js/);
});

test('every patch backports an upstream issue or review finding named in its comment, and the manifest lists the same files', () => {
  const source = readFileSync(path.join(root, 'scripts', 'patch-wwebjs.mjs'), 'utf8');
  for (const patch of PATCHES) {
    const at = source.indexOf(`id: '${patch.id}'`);
    const comment = source.slice(source.lastIndexOf('{', at), at);
    assert.match(comment, /#\d{3,}|review D\d/, `${patch.id} cites what it backports`);
    const listed = manifest.patches.find((p) => p.id === patch.id);
    assert.equal([...(listed?.files ?? [])].sort(), [...new Set(patch.edits.map((e) => e.file))].sort());
  }
});

test.run();

const status = suite('the patch set at start');
closesServers(status);

status('GET /health says whether whatsapp-web.js carries its patch set; a library without it is named', async () => {
  const s = await testServer();
  const health = await s.json('GET', '/health');
  assert.is(health.status, 200);
  assert.equal(health.body.wwebjs, { library: 'whatsapp-web.js 1.34.7', patches: 'complete', applied: PATCHES.map((p) => p.id) });
  const pristine = wwebjsPatchStatus(path.join(projectRoot, 'node_modules', '.hatline', 'whatsapp-web.js-pristine'));
  assert.equal([pristine.complete, pristine.applied, pristine.missing], [false, [], PATCHES.map((p) => p.id)]);
  await s.close();
});

status.run();
