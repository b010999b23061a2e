// SIGINT and SIGTERM during `run`: the first one cancels the run, whose partial reports are
// still written, and the command then exits 128+signal. A terminal's Ctrl-C reaches the whole
// process group, and `npx` forwards the same signal to the kit once more: a repeat within
// DUPLICATE_MS is that copy, not a second request. A later one quits at once.
import type { CollectedProblem } from '../reporters/record.ts';

/** Signals closer than this to the first are one interrupt delivered twice. */
export const DUPLICATE_MS = 2000;

const EXIT_CODES: Readonly<Record<string, number>> = { SIGINT: 130, SIGTERM: 143 };

export class Interrupt {
  readonly #controller = new AbortController();
  readonly #onFirst: (signal: NodeJS.Signals) => void;
  readonly #quit: (code: number) => void;
  #signal: NodeJS.Signals | undefined;
  #at = 0;
  readonly #listener = (signal: NodeJS.Signals): void => this.receive(signal);

  /** `onFirst` says what is happening; `quit` ends the process (a test passes its own). */
  constructor(onFirst: (signal: NodeJS.Signals) => void, quit: (code: number) => void = (code) => process.exit(code)) {
    this.#onFirst = onFirst;
    this.#quit = quit;
  }

  /** Aborted by the first signal. */
  get signal(): AbortSignal {
    return this.#controller.signal;
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
    if (now - this.#at < DUPLICATE_MS) return;
    this.#quit(EXIT_CODES[signal] ?? 130);
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

/**
 * vitest's complaint about a worker the signal killed (the terminal's signal reaches the
 * workers too): after an interrupt it says nothing about the server, and is no failure.
 */
export function isWorkerLoss(problem: CollectedProblem): boolean {
  return problem.origin === 'run-error' && /Worker (forks|threads) emitted error|Worker exited unexpectedly|Channel closed|\[vitest-pool\]/i.test(problem.message);
}
