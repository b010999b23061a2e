// Wall time of the whole default run against the embedded reference runtime, the way a new
// user runs it: `node bin/arcp-conformance.js run --out <tmp>`. Prints the wall time, the
// CLI's exit code and the summary lines it printed. Timing only; nothing is asserted.
//
//   npx tsx bench/full-run.ts [--runs 1] [-- extra CLI flags...]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const KIT_ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(KIT_ROOT, 'bin/arcp-conformance.js');
/** A run that takes longer than this is stopped (and reported as such). */
const BOUND_MS = 15 * 60 * 1000;

const { values, positionals } = parseArgs({ options: { runs: { type: 'string', default: '1' } }, allowPositionals: true });
const RUNS = Number(values.runs);

interface RunOutcome {
  readonly ms: number;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly tail: string[];
}

function fullRun(out: string): Promise<RunOutcome> {
  // A clean ARCP_* environment: the default run starts its own reference runtime.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ARCP_')));
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [BIN, 'run', '--out', out, ...positionals], { cwd: out, env: { ...env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    const keep = (d: Buffer) => {
      text = (text + d.toString()).slice(-20_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => child.kill('SIGKILL'), BOUND_MS);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const lines = text.split(/\r?\n|\r/).map((l) => l.trimEnd()).filter((l) => l !== '');
      resolve({ ms: performance.now() - started, code, signal, tail: lines.slice(-12) });
    });
  });
}

console.log(`node ${process.version}; ${cpus().length} CPUs, load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
for (let k = 1; k <= RUNS; k += 1) {
  const out = mkdtempSync(join(tmpdir(), 'arcp-full-run-'));
  try {
    const r = await fullRun(out);
    const how = r.signal === null ? `exit code ${r.code}` : `killed by ${r.signal} after the ${BOUND_MS / 60_000} min bound`;
    console.log(`\nrun ${k}: arcp-conformance run: ${(r.ms / 1000).toFixed(1)} s wall, ${how}`);
    console.log(`  last lines:\n    ${r.tail.join('\n    ')}`);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
