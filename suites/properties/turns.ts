// Turn-taking for one session's wire interactions (see Turns).

/**
 * A session's wire interactions take turns. A turn is taken the moment an action's trigger
 * fires, so actions fire in trigger order (plan order when triggers fire together), and run
 * when every earlier turn is done.
 */
export class Turns {
  #tail: Promise<void> = Promise.resolve();

  take(): Turn {
    const previous = this.#tail;
    let release!: () => void;
    this.#tail = new Promise<void>((resolve) => {
      release = resolve;
    });
    return new Turn(previous, release);
  }
}

export class Turn {
  readonly #previous: Promise<void>;
  readonly #release: () => void;

  constructor(previous: Promise<void>, release: () => void) {
    this.#previous = previous;
    this.#release = release;
  }

  /** Runs `fn` once every earlier turn is done, then ends this turn. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    await this.#previous;
    try {
      return await fn();
    } finally {
      this.#release();
    }
  }

  /** Ends the turn without running (idempotent). */
  release(): void {
    this.#release();
  }
}
