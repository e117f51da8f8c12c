import { Session } from 'node:inspector';
import { performance } from 'node:perf_hooks';

/** How often the server looks whether it is quiet with a heap grown far past what it holds. */
const EVERY_MS = 5000;
/** Quiet: the event loop was busy less than this share of the last interval. */
const QUIET = 0.05;
/** Grown: the heap V8 keeps is over twice what was live after the last full collection, and 32 MB more. */
const SLACK_BYTES = 32 * 1024 * 1024;

/** Whether a full collection is worth it now: the loop was quiet and the heap kept is far over what was live. */
export function shouldTrim(busy: number, heapTotal: number, live: number): boolean {
  return busy < QUIET && heapTotal >= 2 * live && heapTotal - live >= SLACK_BYTES;
}

/**
 * One full garbage collection, through the inspector protocol of this process (`HeapProfiler.collectGarbage`):
 * Node's public API for it, which needs neither `--expose-gc` nor changing V8's flags after start. Resolves
 * false where the inspector is missing (a Node built without it).
 */
export function collectGarbage(): Promise<boolean> {
  let session: Session;
  try {
    session = new Session();
    session.connect();
  } catch {
    return Promise.resolve(false);
  }
  return new Promise((resolve) => {
    session.post('HeapProfiler.collectGarbage', (err) => {
      // Disconnecting inside the session's own callback hangs Node 20: leave the callback first.
      setImmediate(() => session.disconnect());
      resolve(!err);
    });
  });
}

/**
 * Gives back the memory a burst of work leaves behind, once the server is quiet. Under load, short
 * lived objects (requests and sends under way for a few milliseconds) outlive young-generation
 * collections and are moved to the old generation, which V8 grows to make room: after a send
 * benchmark the heap kept is several times what is live (BENCHMARKS.md, 4). V8's memory reducer
 * hands it back on its own, but only 30 to 60 s later, and not always all of it. One full collection
 * when the event loop has been quiet for a few seconds gives it back at once. The collection holds
 * the event loop for tens of milliseconds, which is why it waits for quiet.
 */
export function trimHeapWhenQuiet(onTrim?: (before: number, after: number) => void): { stop(): void } {
  let live = process.memoryUsage().heapUsed;
  let last = performance.eventLoopUtilization();
  let collecting = false;
  const timer = setInterval(() => {
    const busy = performance.eventLoopUtilization(last).utilization;
    last = performance.eventLoopUtilization();
    const { heapTotal } = process.memoryUsage();
    if (collecting || !shouldTrim(busy, heapTotal, live)) return;
    collecting = true;
    void collectGarbage().then((done) => {
      collecting = false;
      const after = process.memoryUsage();
      live = after.heapUsed;
      if (done) onTrim?.(heapTotal, after.heapTotal);
      else clearInterval(timer); // no inspector: V8's own reducer is all there is
    });
  }, EVERY_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
