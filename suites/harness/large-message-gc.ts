// After a message of many MiB, what parsing it made is mostly garbage: the receive buffers
// (outside V8's heap) and, for a welcome listing megabytes of agents, the parsed objects the
// session did not keep. V8 collects them only when its old generation passes a limit that
// grows with it: a heap snapshot of a worker in the 10 MiB welcome case (which collects
// first) held 40 MB live against 150-250 MB used. A full collection right after such a
// message frees them at once (that case: 859 -> 626 MB summed RSS). It needs `gc` (the kit's
// vitest workers run with --expose-gc, cli/vitest-runner.ts); without it this does nothing.

/** Messages at least this large are followed by a collection. */
export const LARGE_MESSAGE_BYTES = 4 * 1024 * 1024;

let scheduled = false;

/** Schedules one full collection after the current task (large messages arriving together share it). */
export function collectAfterLargeMessage(bytes: number): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (bytes < LARGE_MESSAGE_BYTES || gc === undefined || scheduled) return;
  scheduled = true;
  setImmediate(() => {
    scheduled = false;
    gc();
  }).unref();
}
