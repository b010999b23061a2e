// A server too slow to test: when test after test fails only because a wait for the server
// ran out, the rest of the run would do the same for many minutes. After TOO_SLOW_STREAK such
// tests in a row (none passing or failing otherwise between them) the run stops with one
// verdict that says so, instead of ending at its bound.

/** Consecutive tests that failed only on a wait's timeout before the server is judged too slow. */
export const TOO_SLOW_STREAK = 8;

const TIMEOUT = /timed out after (\d+) ms\b/;

export class SlowServerWatch {
  #streak = 0;
  #waitMs = 0;
  #fired = false;

  constructor(
    private readonly onTooSlow: (reason: string) => void,
    private readonly streak = TOO_SLOW_STREAK,
  ) {}

  /** One finished test: its state and error messages. */
  observe(state: string, errors: readonly string[]): void {
    if (state === 'skipped' || state === 'pending') return;
    const waits = errors.map((e) => TIMEOUT.exec(e));
    if (state !== 'failed' || waits.length === 0 || waits.some((m) => m === null)) {
      this.#streak = 0;
      return;
    }
    this.#streak += 1;
    this.#waitMs = Math.max(this.#waitMs, ...waits.map((m) => Number((m as RegExpExecArray)[1])));
    if (this.#streak >= this.streak && !this.#fired) {
      this.#fired = true;
      this.onTooSlow(`too slow: over ${this.#waitMs} ms per reply (${this.#streak} tests in a row found no answer within the wait bound, --timeout)`);
    }
  }
}
