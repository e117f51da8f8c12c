/**
 * One send at a time per instance, `delay` ms between the end of one send and the start of the
 * next. Each instance's queue is independent: a slow instance holds back only itself.
 */
export class SendQueue {
  private readonly lanes = new Map<string, { tail: Promise<unknown>; lastEnd: number; waiting: number }>();

  /** Runs `task` in the instance's lane; `delayMs` is read when the task's turn comes. */
  run<T>(instanceId: string, delayMs: () => number | Promise<number>, task: () => Promise<T>): Promise<T> {
    let lane = this.lanes.get(instanceId);
    if (!lane) {
      lane = { tail: Promise.resolve(), lastEnd: 0, waiting: 0 };
      this.lanes.set(instanceId, lane);
    }
    const l = lane;
    l.waiting++;
    const result = l.tail.then(async () => {
      const gap = await delayMs();
      const wait = l.lastEnd + gap - Date.now();
      if (gap > 0 && wait > 0) await new Promise((r) => setTimeout(r, wait));
      try {
        return await task();
      } finally {
        l.lastEnd = Date.now();
        l.waiting--;
      }
    });
    l.tail = result.catch(() => undefined);
    return result;
  }

  /** Forgets a deleted instance's lane. */
  drop(instanceId: string): void {
    this.lanes.delete(instanceId);
  }
}
