/**
 * The house rules, checked with every test run: the layer rules of .dependency-cruiser.cjs
 * (docs/ARCHITECTURE.md) and the size of source files.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { cruise } from 'dependency-cruiser';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { projectRoot } from '../src/paths.js';

const require = createRequire(import.meta.url);

test('the layers point one way and nothing imports in a circle (dependency-cruiser)', async () => {
  const config = require(path.join(projectRoot, '.dependency-cruiser.cjs')) as { forbidden: unknown[]; options: Record<string, unknown> };
  assert.ok(config.forbidden.length >= 8, 'the rule set is there');
  const result = await cruise(['src', 'migrations'], { ...config.options, validate: true, ruleSet: { forbidden: config.forbidden } } as never);
  const output = result.output as { summary: { violations: { rule: { name: string }; from: string; to: string }[]; totalCruised: number } };
  assert.ok(output.summary.totalCruised > 100, `cruised ${output.summary.totalCruised} modules`);
  const violations = output.summary.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`);
  assert.equal(violations, []);
});

test('no source file is much over 300 lines (split along a seam that already exists)', () => {
  const long: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (/\.ts$/.test(name)) {
        const lines = readFileSync(full, 'utf8').split('\n').length;
        if (lines > 330) long.push(`${path.relative(projectRoot, full)}: ${lines} lines`);
      }
    }
  };
  walk(path.join(projectRoot, 'src'));
  walk(path.join(projectRoot, 'migrations'));
  assert.equal(long, []);
});

test.run();
