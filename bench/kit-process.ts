// Runs the kit's command the way a user does (`node bin/arcp-conformance.js ...`) for the
// benches: wall time, exit, the last lines it printed, and the peak RSS of that process
// (its VmHWM, polled while it runs; Linux only). A bench that measures more (the kit's whole
// process tree) samples it through `onSample`. Every run is bounded: past it, it is killed.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const KIT_ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(KIT_ROOT, 'bin/arcp-conformance.js');
const POLL_MS = 20;

export interface KitRun {
  readonly ms: number;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly tail: readonly string[];
  readonly peakRssKb?: number;
  /** The bound, when the run hit it and was killed. */
  readonly killedAfterMs?: number;
}

function highWaterKb(pid: number): number | undefined {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

export interface RunOptions {
  /** Added to the clean environment (e.g. ARCP_TOKEN). */
  readonly env?: Readonly<Record<string, string>>;
  /** Called with the command's pid every `sampleMs` while it runs (e.g. to sum its process tree's RSS). */
  readonly onSample?: (pid: number) => void;
  readonly sampleMs?: number;
}

/** One run of the command in `cwd`, with a clean ARCP_* environment, killed after `boundMs`. */
export function runKitCommand(args: readonly string[], cwd: string, boundMs: number, options: RunOptions = {}): Promise<KitRun> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ARCP_')));
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...env, NO_COLOR: '1', ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    const keep = (d: Buffer) => {
      text = (text + d.toString()).slice(-20_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    let peakRssKb: number | undefined;
    const poll = setInterval(() => {
      if (child.pid === undefined) return;
      const kb = highWaterKb(child.pid);
      if (kb !== undefined) peakRssKb = Math.max(peakRssKb ?? 0, kb);
      options.onSample?.(child.pid);
    }, options.sampleMs ?? POLL_MS);
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, boundMs);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      clearInterval(poll);
      const lines = text.split(/\r?\n|\r/).map((l) => l.trimEnd()).filter((l) => l !== '');
      resolve({
        ms: performance.now() - started,
        code,
        signal,
        tail: lines.slice(-12),
        ...(peakRssKb === undefined ? {} : { peakRssKb }),
        ...(killed ? { killedAfterMs: boundMs } : {}),
      });
    });
  });
}
