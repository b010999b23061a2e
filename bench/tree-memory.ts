// Memory of a process tree, sampled from /proc (Linux only), for the benches: the peak of the
// RSS summed over the tree (what the 500 MB target is stated in), the peak of the PSS
// summed over it (shared pages such as the node binary and its libraries divided among the
// processes that map them, so the sum counts them once), and each process's own peaks with
// the second of the run they happened in: which process, and which stage, a peak comes from.
import { readFileSync } from 'node:fs';
import { processTree } from '../suites/leak/server-process.ts';

const PAGE_KB = 4;

/** Resident set of one process in kB (statm: cheap enough to read every sample). */
function rssKb(pid: number): number {
  try {
    return Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]) * PAGE_KB;
  } catch {
    return 0;
  }
}

/** Proportional set size of one process in kB (smaps_rollup), 0 when unreadable. */
function pssKb(pid: number): number {
  try {
    const match = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/** What a process of the kit is, from its command line: the CLI, a vitest fork, or else its argv[1]. */
function roleOf(pid: number, root: number): string {
  if (pid === root) return 'CLI';
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    if (argv.some((a) => a.includes('vitest') && a.includes('forks'))) return 'worker';
    return argv[1]?.split('/').slice(-2).join('/') || argv[0] || 'process';
  } catch {
    return 'process';
  }
}

interface ProcessPeak {
  role: string;
  rssKb: number;
  atMs: number;
}

export class TreeMemory {
  /** Peak of the RSS summed over the tree, kB. */
  rssKb = 0;
  /** Peak of the PSS summed over the tree, kB (sampled at the same instants). */
  pssKb = 0;
  processes = 0;
  readonly perProcess = new Map<number, ProcessPeak>();
  private readonly started = performance.now();

  readonly sample = (root: number): void => {
    const tree = processTree(root);
    const atMs = performance.now() - this.started;
    this.processes = Math.max(this.processes, tree.length);
    let rss = 0;
    for (const pid of tree) {
      const kb = rssKb(pid);
      rss += kb;
      const peak = this.perProcess.get(pid) ?? { role: roleOf(pid, root), rssKb: 0, atMs: 0 };
      // Read again at each new peak: a fork seen before its exec shows its parent's command line.
      if (kb > peak.rssKb) Object.assign(peak, { rssKb: kb, atMs, role: roleOf(pid, root) });
      this.perProcess.set(pid, peak);
    }
    this.rssKb = Math.max(this.rssKb, rss);
    this.pssKb = Math.max(this.pssKb, tree.reduce((sum, pid) => sum + pssKb(pid), 0));
  };

  /** `CLI 250 MB @3s, worker 480 MB @41s, ...`: each process's RSS peak and when it happened. */
  describe(): string {
    return [...this.perProcess.values()]
      .filter((p) => p.rssKb > 0)
      .map((p) => `${p.role} ${(p.rssKb / 1024).toFixed(0)} MB @${(p.atMs / 1000).toFixed(0)}s`)
      .join(', ');
  }
}
