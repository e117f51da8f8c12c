/**
 * Everything a test starts that must not outlive it (in-process servers, child servers): closed
 * after each test by the suites that register `closesServers`, so a failed assertion ends the
 * test without leaving a timer, a socket or a process behind (uvu then exits with the failure).
 */
const closers = new Set<() => Promise<void>>();

/** Remembers how to close something; answers how to forget it once it closed by itself. */
export function track(close: () => Promise<void>): () => void {
  closers.add(close);
  return () => closers.delete(close);
}

export async function closeTracked(): Promise<void> {
  const all = [...closers];
  closers.clear();
  await Promise.allSettled(all.map((close) => close()));
}

/** Registers closeTracked after each test of these suites. */
export function closesServers(...suites: { after: { each(fn: () => Promise<void>): void } }[]): void {
  for (const s of suites) s.after.each(closeTracked);
}
