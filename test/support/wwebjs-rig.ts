/** A wwebjs engine over the fake client, in its own session folder, for the engine's tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Engine } from '../../src/engines/engine.js';
import { createWwebjsEngine, type WwebjsEngineOptions } from '../../src/engines/wwebjs/index.js';
import { fakeClientFactory, type FakeBehaviour, type FakeWwebjsClient } from './fake-wwebjs-client.js';
import { RecordingListener } from './recorder.js';

export interface WwebjsRig {
  engine: Engine;
  events: RecordingListener;
  fakes: ReturnType<typeof fakeClientFactory>;
  fake(): FakeWwebjsClient;
  dir: string;
}

const rigs: WwebjsRig[] = [];

export function wwebjsRig(behaviour: (attempt: number) => FakeBehaviour = () => ({}), options: Partial<WwebjsEngineOptions> = {}): WwebjsRig {
  const dir = mkdtempSync(path.join(tmpdir(), 'hatline-wwebjs-'));
  const events = new RecordingListener();
  const fakes = fakeClientFactory(behaviour);
  const engine = createWwebjsEngine(
    { instanceId: 'w1', sessionDir: dir, emit: events.emit },
    { chromiumPath: null, ffmpegPath: null, ...options, clientFactory: fakes.factory },
  );
  const rig = { engine, events, fakes, fake: () => fakes.current(), dir };
  rigs.push(rig);
  return rig;
}

/** Started, QR scanned, open. */
export async function linkedRig(behaviour: (attempt: number) => FakeBehaviour = () => ({}), options: Partial<WwebjsEngineOptions> = {}): Promise<WwebjsRig> {
  const rig = wwebjsRig(behaviour, options);
  await rig.engine.start();
  await rig.events.until('a QR code', () => rig.events.qrs.some((q) => typeof q === 'string'));
  rig.fake().scan('905550001111', 'Fake Phone');
  await rig.events.until('open', () => rig.events.lastStatus()?.status === 'open');
  return rig;
}

/** For test.after.each: disposes every rig built since. */
export async function disposeRigs(): Promise<void> {
  for (const rig of rigs.splice(0)) {
    await rig.engine.dispose();
    rmSync(rig.dir, { recursive: true, force: true });
  }
}

/** The EngineError (or other error) an operation fails with; fails the test when it succeeds. */
export async function failureOf(work: () => Promise<unknown>): Promise<Error & { reason?: string }> {
  try {
    await work();
  } catch (err) {
    return err as Error & { reason?: string };
  }
  throw new Error('expected the operation to fail, and it succeeded');
}
