// What a narrow selection costs against the embedded reference runtime, the way a user runs
// it (`node bin/arcp-conformance.js run --only ... --out <tmp>`): wall time, the CPU time
// (user+sys) of the command and everything it started, the suite files vitest loaded and the
// tests that ran. Timing only; nothing is asserted. Each case runs once: on a busy machine the
// wall time says more about the other processes than about the kit; the CPU time less so.
//
//   npx tsx bench/selection.ts [--full]     (--full also times the whole run, ~30-60 s)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const KIT_ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(KIT_ROOT, 'bin/arcp-conformance.js');
const BOUND_MS = 10 * 60 * 1000;
const SEED = 1;

const { values } = parseArgs({ options: { full: { type: 'boolean', default: false } } });
// ENV-003 is judged by one example test only; SEQ-002 also by the three property campaigns.
const CASES: readonly (readonly string[])[] = [['--only', 'ENV-003'], ['--only', 'SEQ-002'], ['--only', 'CANCEL'], ...(values.full ? [[]] : [])];

interface Timed {
  readonly wallS: number;
  readonly cpuS: number;
  readonly code: number | null;
  readonly files: string;
  readonly tests: string;
}

/** One run under GNU time, which counts the CPU of every process the command waited for. */
function timeRun(args: readonly string[]): Timed {
  const out = mkdtempSync(join(tmpdir(), 'arcp-bench-selection-'));
  const timesFile = join(out, 'times.txt');
  try {
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ARCP_')));
    // One seed for every run: the property campaigns then generate the same scenarios each
    // time, so two runs (two versions of the kit) do the same work.
    const run = spawnSync('/usr/bin/time', ['-f', '%e %U %S', '-o', timesFile, process.execPath, BIN, 'run', ...args, '--seed', String(SEED), '--out', out], {
      cwd: out,
      env: { ...env, NO_COLOR: '1' },
      encoding: 'utf8',
      timeout: BOUND_MS,
      maxBuffer: 64 * 1024 * 1024,
    });
    const [wall = NaN, user = NaN, sys = NaN] = readFileSync(timesFile, 'utf8').trim().split(/\s+/).slice(-3).map(Number);
    const progress = `${run.stdout}\n${run.stderr}`.split('\n').filter((l) => /\[\d+\/\d+ files\]/.test(l)).pop() ?? '';
    return {
      wallS: wall,
      cpuS: user + sys,
      code: run.status,
      files: /\[(\d+\/\d+) files\]/.exec(progress)?.[1] ?? '?',
      tests: /^\s*(\d+\/\d+) tests/.exec(progress)?.[1] ?? '?',
    };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

console.log(`node ${process.version}; ${cpus().length} CPUs, load ${loadavg().map((l) => l.toFixed(1)).join(' ')} (wall times mean little unless the load is near 0)`);
for (const args of CASES) {
  const t = timeRun(args);
  const name = `run ${args.join(' ') || '(everything)'}`.padEnd(24);
  console.log(`${name} ${t.wallS.toFixed(1).padStart(6)} s wall  ${t.cpuS.toFixed(1).padStart(6)} s user+sys  ${t.files.padStart(5)} files  ${t.tests.padStart(7)} tests  exit ${t.code}`);
}
