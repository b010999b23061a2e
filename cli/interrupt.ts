// SIGINT and SIGTERM during `run`: the first one cancels the run, whose partial reports are
// still written, and the command then exits 128+signal. A terminal's Ctrl-C reaches the whole
// process group, and `npx` forwards the same signal to the kit once more: a repeat within
// DUPLICATE_MS is that copy, not a second request. A second request stops waiting for the
// cancelled tests to wind down (`hurry`): what finished is reported at once, and a server the
// kit started is stopped, as after the first. Whatever the timing, the process then ends
// within HURRY_BOUND_MS; later signals change nothing.
import type { CollectedProblem } from '../reporters/record.ts';

/** Signals closer than this to the previous one are one interrupt delivered twice. */
export const DUPLICATE_MS = 2000;
/** After a second request, the reports and the server's stop get this long before the process ends regardless. */
export const HURRY_BOUND_MS = 30_000;

const EXIT_CODES: Readonly<Record<string, number>> = { SIGINT: 130, SIGTERM: 143 };

export interface InterruptOptions {
  /** Ends the process (a test passes its own). */
  readonly quit?: (code: number) => void;
  /** Says what the second request does. */
  readonly onHurry?: (signal: NodeJS.Signals) => void;
  readonly hurryBoundMs?: number;
}

export class Interrupt {
  readonly #controller = new AbortController();
  readonly #hurry = new AbortController();
  readonly #onFirst: (signal: NodeJS.Signals) => void;
  readonly #options: InterruptOptions;
  #signal: NodeJS.Signals | undefined;
  #at = 0;
  readonly #listener = (signal: NodeJS.Signals): void => this.receive(signal);

  /** `onFirst` says what is happening. */
  constructor(onFirst: (signal: NodeJS.Signals) => void, options: InterruptOptions = {}) {
    this.#onFirst = onFirst;
    this.#options = options;
  }

  /** Aborted by the first signal: cancel the run. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Aborted by a second request: stop waiting for the cancelled tests, report what finished. */
  get hurry(): AbortSignal {
    return this.#hurry.signal;
  }

  /** 130 after SIGINT, 143 after SIGTERM; undefined while no signal came. */
  get exitCode(): number | undefined {
    return this.#signal === undefined ? undefined : (EXIT_CODES[this.#signal] ?? 130);
  }

  receive(signal: NodeJS.Signals, now = performance.now()): void {
    if (this.#signal === undefined) {
      this.#signal = signal;
      this.#at = now;
      this.#onFirst(signal);
      this.#controller.abort(signal);
      return;
    }
    if (now - this.#at < DUPLICATE_MS || this.#hurry.signal.aborted) return;
    this.#at = now;
    this.#options.onHurry?.(signal);
    this.#hurry.abort(signal);
    // Everything after a hurry is bounded; this bounds it against the kit's own bugs too.
    // A server the kit started is stopped on the way out (target-setup.ts: on process exit).
    const quit = this.#options.quit ?? ((code: number) => process.exit(code));
    setTimeout(() => quit(this.exitCode ?? 130), this.#options.hurryBoundMs ?? HURRY_BOUND_MS).unref();
  }

  /**
   * Listens for SIGINT and SIGTERM; returns the remover. After an interrupt the listener stays
   * until the process exits, so the forwarded copy of the signal, arriving once the reports
   * are written, cannot kill the process and lose its exit code (signal listeners do not keep
   * the process alive).
   */
  listen(): () => void {
    process.on('SIGINT', this.#listener);
    process.on('SIGTERM', this.#listener);
    return () => {
      if (this.#signal !== undefined) return;
      process.off('SIGINT', this.#listener);
      process.off('SIGTERM', this.#listener);
    };
  }
}

/** Resolves when `signal` is aborted (never, without one). */
export function aborted(signal: AbortSignal | undefined): Promise<void> {
  if (signal === undefined) return new Promise(() => undefined);
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

/**
 * vitest's complaint about a worker the signal killed (the terminal's signal reaches the
 * workers too): after an interrupt it says nothing about the server, and is no failure.
 */
export function isWorkerLoss(problem: CollectedProblem): boolean {
  return problem.origin === 'run-error' && /Worker (forks|threads) emitted error|Worker exited unexpectedly|Channel closed|\[vitest-pool\]/i.test(problem.message);
}
