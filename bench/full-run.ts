// Wall time of the whole default run against the embedded reference runtime, the way a new
// user runs it: `node bin/arcp-conformance.js run --out <tmp>`. Prints the wall time, the
// CLI's exit code and the summary lines it printed. Timing only; nothing is asserted.
//
//   npx tsx bench/full-run.ts [--runs 1] [-- extra CLI flags...]
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runKitCommand } from './kit-process.ts';

/** A run that takes longer than this is stopped (and reported as such). */
const BOUND_MS = 15 * 60 * 1000;

const { values, positionals } = parseArgs({ options: { runs: { type: 'string', default: '1' } }, allowPositionals: true });
const RUNS = Number(values.runs);

console.log(`node ${process.version}; ${cpus().length} CPUs, load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
for (let k = 1; k <= RUNS; k += 1) {
  const out = mkdtempSync(join(tmpdir(), 'arcp-full-run-'));
  try {
    const r = await runKitCommand(['run', '--out', out, ...positionals], out, BOUND_MS);
    const how = r.killedAfterMs === undefined ? `exit code ${r.code}` : `killed after the ${BOUND_MS / 60_000} min bound`;
    const rss = r.peakRssKb === undefined ? '' : `, peak RSS ${(r.peakRssKb / 1024).toFixed(0)} MB`;
    console.log(`\nrun ${k}: arcp-conformance run: ${(r.ms / 1000).toFixed(1)} s wall${rss}, ${how}`);
    console.log(`  last lines:\n    ${r.tail.join('\n    ')}`);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
