// The progress line while the suites run. On a TTY: one line rewritten in place,
// `  37/120 tests  PASS 30  FAIL 2  WARN 1  N/A 4  (12.3s)`. Elsewhere (CI logs): a plain
// line when a suite file finishes, at most every few seconds, plus a heartbeat line
// when nothing finishes for a while, so a log shows the run is alive. No ANSI off a TTY.
import { VERDICT_LABEL, VERDICTS, emptyCounts, type Verdict } from './verdicts.ts';

export interface ProgressSnapshot {
  /** Tests collected so far (grows as files load). */
  readonly total: number;
  readonly done: number;
  readonly counts: Readonly<Record<Verdict, number>>;
  readonly filesDone: number;
  readonly files: number;
}

export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export function progressText(p: ProgressSnapshot, elapsedMs: number): string {
  const counts = VERDICTS.filter((v) => v !== 'UNTESTABLE' || p.counts.UNTESTABLE > 0)
    .map((v) => `${VERDICT_LABEL[v]} ${p.counts[v]}`)
    .join('  ');
  return `  ${p.done}/${p.total} tests  ${counts}  (${(elapsedMs / 1000).toFixed(1)}s)`;
}

export interface ProgressOptions {
  /** Rewrite one line in place (TTY) or print plain lines. */
  readonly interactive: boolean;
  /** Minimum gap between plain lines. */
  readonly plainIntervalMs?: number;
  /** Print a plain line after this long without one. */
  readonly heartbeatMs?: number;
  readonly now?: () => number;
}

export class ProgressDisplay {
  readonly #stream: ProgressStream;
  readonly #interactive: boolean;
  readonly #plainIntervalMs: number;
  readonly #heartbeatMs: number;
  readonly #now: () => number;
  readonly #start: number;
  #snapshot: ProgressSnapshot = { total: 0, done: 0, counts: emptyCounts(), filesDone: 0, files: 0 };
  #lastPlain = -Infinity;
  #lastPaint = -Infinity;
  #timer: NodeJS.Timeout | undefined;
  #painted = false;

  constructor(stream: ProgressStream, options: ProgressOptions) {
    this.#stream = stream;
    this.#interactive = options.interactive;
    this.#plainIntervalMs = options.plainIntervalMs ?? 3000;
    this.#heartbeatMs = options.heartbeatMs ?? 30_000;
    this.#now = options.now ?? (() => performance.now());
    this.#start = this.#now();
    this.#lastPlain = this.#start;
    // Keeps the elapsed time moving on a TTY, and the heartbeat going in a log.
    this.#timer = setInterval(() => this.#tick(), this.#interactive ? 500 : 1000);
    this.#timer.unref();
  }

  /** A test finished or a file was collected. */
  update(snapshot: ProgressSnapshot, event: 'test' | 'file'): void {
    this.#snapshot = snapshot;
    const now = this.#now();
    if (this.#interactive) {
      if (now - this.#lastPaint >= 80 || event === 'file') this.#paint(now);
    } else if (event === 'file' && now - this.#lastPlain >= this.#plainIntervalMs) {
      this.#plain(now);
    }
  }

  /** Prints a message above the progress line without garbling it. */
  log(text: string): void {
    if (this.#interactive && this.#painted) this.#stream.write('\r\u001b[2K');
    this.#stream.write(text.endsWith('\n') ? text : `${text}\n`);
    if (this.#interactive && this.#painted) this.#paint(this.#now());
  }

  /** Stops the timer; on a TTY clears the line, elsewhere prints the final count. */
  finish(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    const now = this.#now();
    if (this.#interactive) {
      if (this.#painted) this.#stream.write('\r\u001b[2K');
    } else if (this.#snapshot.done > 0) {
      this.#plain(now);
    }
  }

  #tick(): void {
    const now = this.#now();
    if (this.#interactive) this.#paint(now);
    else if (now - this.#lastPlain >= this.#heartbeatMs) this.#plain(now);
  }

  #paint(now: number): void {
    const width = Math.max(20, (this.#stream.columns || 100) - 1);
    const text = progressText(this.#snapshot, now - this.#start);
    this.#stream.write(`\r\u001b[2K${text.length > width ? text.slice(0, width) : text}`);
    this.#lastPaint = now;
    this.#painted = true;
  }

  #plain(now: number): void {
    const files = this.#snapshot.files > 0 ? `  [${this.#snapshot.filesDone}/${this.#snapshot.files} files]` : '';
    this.#stream.write(`${progressText(this.#snapshot, now - this.#start)}${files}\n`);
    this.#lastPlain = now;
  }
}
