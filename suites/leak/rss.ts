// A server's resident memory over time: one sample from /proc/<pid>/status (Linux), a
// sampler that keeps every sample, and the least-squares slope of a run of samples.
import { readFileSync } from 'node:fs';

/** One reading: milliseconds on the sampler's monotonic clock, resident set size in KB. */
export interface RssSample {
  readonly tMs: number;
  readonly rssKb: number;
}

export class RssUnavailableError extends Error {
  override readonly name = 'RssUnavailableError';
}

/** VmRSS of process `pid` in KB, from /proc/<pid>/status. Linux only; a clear error elsewhere. */
export function sampleRss(pid: number): number {
  if (process.platform !== 'linux') {
    throw new RssUnavailableError(`sampling a server's memory needs Linux /proc (this is ${process.platform}); the leak check cannot run here`);
  }
  if (!Number.isSafeInteger(pid) || pid <= 0) throw new RssUnavailableError(`not a process id: ${String(pid)}`);
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new RssUnavailableError(
      code === 'ENOENT' ? `process ${pid} is gone (no /proc/${pid}/status)` : `cannot read /proc/${pid}/status (${code ?? String(error)})`,
    );
  }
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  if (match === null) throw new RssUnavailableError(`/proc/${pid}/status has no VmRSS line (a zombie or kernel thread?)`);
  return Number(match[1]);
}

/** Least-squares slope of RSS over time, in KB/s; 0 for fewer than two distinct times. */
export function slopeKbPerSec(samples: readonly RssSample[]): number {
  const n = samples.length;
  if (n < 2) return 0;
  let meanT = 0;
  let meanR = 0;
  for (const s of samples) {
    meanT += s.tMs;
    meanR += s.rssKb;
  }
  meanT /= n;
  meanR /= n;
  let num = 0;
  let den = 0;
  for (const s of samples) {
    num += (s.tMs - meanT) * (s.rssKb - meanR);
    den += (s.tMs - meanT) ** 2;
  }
  return den === 0 ? 0 : (num / den) * 1000;
}

/** Samples in [fromMs, toMs] (inclusive). */
export function samplesBetween(samples: readonly RssSample[], fromMs: number, toMs: number): RssSample[] {
  return samples.filter((s) => s.tMs >= fromMs && s.tMs <= toMs);
}

/** Samples a process's RSS every `intervalMs` until stopped; keeps every sample. */
export class RssSampler {
  readonly samples: RssSample[] = [];
  readonly #pid: number;
  readonly #start = performance.now();
  #timer: NodeJS.Timeout | undefined;
  #error: RssUnavailableError | undefined;

  /** Takes the first sample at once, so a bad pid fails here. */
  constructor(pid: number, intervalMs = 100) {
    this.#pid = pid;
    this.sample();
    this.#timer = setInterval(() => {
      try {
        this.sample();
      } catch (error) {
        this.#error = error as RssUnavailableError;
        this.stop();
      }
    }, intervalMs);
  }

  /** Milliseconds on the sampler's clock. */
  now(): number {
    return performance.now() - this.#start;
  }

  sample(): RssSample {
    const s = { tMs: this.now(), rssKb: sampleRss(this.#pid) };
    this.samples.push(s);
    return s;
  }

  /** Why sampling stopped early (the process went away), if it did. */
  get error(): RssUnavailableError | undefined {
    return this.#error;
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
