import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * WAL checkpoints off the main thread. With SQLite's automatic checkpoints, the commit that
 * crosses the threshold copies the WAL back into the database file on the thread that committed:
 * on a busy server that is the event loop, held 40-100 ms at a time (and a million deleted rows
 * took three times as long, each checkpoint rewriting pages the next batch changes again).
 * Here the server's connection never checkpoints (wal_autocheckpoint = 0); a worker thread with its
 * own connection runs a PASSIVE checkpoint every `intervalMs`, which never blocks the writer, so
 * the WAL is copied back and restarted from its beginning between writes.
 */
export interface Checkpointer {
  /**
   * Resolves once a checkpoint has copied the whole WAL back (the next write then starts the WAL
   * over), or after `maxMs`. A long run of writes (a batched purge) waits for it now and then, so
   * the WAL does not grow while the worker can never finish behind a writer that never pauses.
   */
  catchUp(maxMs?: number): Promise<boolean>;
  stop(): Promise<void>;
}

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 1000');
let running = false;
let probe = 0; // the last catchUp() this worker has heard of: its checkpoints see those writes
const timer = setInterval(() => {
  if (running) return;
  running = true;
  try {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ log: r.log, checkpointed: r.checkpointed, probe });
  } catch (err) {
    parentPort.postMessage({ error: String(err && err.message || err) });
  } finally {
    running = false;
  }
}, workerData.intervalMs);
parentPort.on('message', (m) => {
  if (typeof m === 'object' && m.probe) probe = m.probe;
  if (m !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort.postMessage({ stopped: true });
});
`;

export interface CheckpointerOptions {
  intervalMs?: number;
  /** Told when the WAL has this many frames not copied back (writes never paused for long). */
  behindFrames?: number;
  onBehind?: () => void;
  onError?: (message: string) => void;
}

export function startCheckpointer(file: string, opts: CheckpointerOptions = {}): Checkpointer {
  const { intervalMs = 200, behindFrames = 65_536, onBehind = () => undefined, onError = () => undefined } = opts;
  const module = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER, { eval: true, workerData: { module, file, intervalMs } });
  worker.unref();
  // A report already on its way when catchUp() was called may predate the writes it waits for:
  // each catchUp() sends the worker a number, and only a checkpoint run after the worker heard it
  // (reports carry the last number heard) counts.
  let probes = 0;
  let waiters: { probe: number; done: () => void }[] = [];
  worker.on('message', (m: { error?: string; log?: number; checkpointed?: number; probe?: number }) => {
    if (m.error) onError(m.error);
    if (m.log !== undefined && m.checkpointed !== undefined && m.log - m.checkpointed > behindFrames) onBehind();
    if (m.log !== undefined && m.log === m.checkpointed) {
      const heard = m.probe ?? 0;
      const ready = waiters.filter((w) => w.probe <= heard);
      waiters = waiters.filter((w) => w.probe > heard);
      for (const w of ready) w.done();
    }
  });
  worker.on('error', (err) => onError(err.message));
  return {
    catchUp: (maxMs = 2000) =>
      new Promise<boolean>((resolve) => {
        const waiter = {
          probe: ++probes,
          done: () => {
            clearTimeout(timer);
            resolve(true);
          },
        };
        const timer = setTimeout(() => {
          waiters = waiters.filter((w) => w !== waiter);
          resolve(false);
        }, maxMs);
        waiters.push(waiter);
        worker.postMessage({ probe: waiter.probe });
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        worker.ref(); // the process waits for the worker to end (it is unref'd while it only ticks)
        worker.once('exit', () => resolve());
        // The worker closes its connection, says so, and is then ended (a report may come first).
        worker.on('message', (m: { stopped?: boolean }) => {
          if (m.stopped) void worker.terminate();
        });
        worker.postMessage('stop');
      }),
  };
}
