// What merging a sharded campaign costs: runs the property suites as N shards against the
// embedded reference runtime (`run --only properties --shard i/N`), then merges them with
// `arcp-conformance merge` a few times. Prints each shard's wall time, the blob sizes, and
// the merge's wall time and peak RSS. Timing only; nothing is asserted.
//
//   npx tsx bench/merge.ts [--shards 3] [--runs 200] [--merges 3]
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type KitRun, runKitCommand } from './kit-process.ts';

const BOUND_MS = 15 * 60 * 1000;
const { values } = parseArgs({
  options: { shards: { type: 'string', default: '3' }, runs: { type: 'string', default: '200' }, merges: { type: 'string', default: '3' } },
});
const SHARDS = Number(values.shards);
const RUNS = Number(values.runs);
const MERGES = Number(values.merges);

function describe(r: KitRun): string {
  const rss = r.peakRssKb === undefined ? '' : `, peak RSS ${(r.peakRssKb / 1024).toFixed(0)} MB`;
  const end = r.killedAfterMs === undefined ? `exit ${r.code}` : `killed after ${r.killedAfterMs / 1000} s`;
  return `${(r.ms / 1000).toFixed(2)} s wall${rss}, ${end}`;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

console.log(`node ${process.version}; ${cpus().length} CPUs, load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
console.log(`${SHARDS} shards of --only properties, --runs ${RUNS} per property`);
const work = mkdtempSync(join(tmpdir(), 'arcp-merge-bench-'));
try {
  for (let i = 1; i <= SHARDS; i += 1) {
    const shard = await runKitCommand(['run', '--only', 'properties', '--runs', String(RUNS), '--shard', `${i}/${SHARDS}`, '--out', `shard-${i}`], work, BOUND_MS);
    const blob = join(work, `shard-${i}`, `blob-${i}-${SHARDS}.json`);
    const size = readdirSync(join(work, `shard-${i}`)).includes(`blob-${i}-${SHARDS}.json`) ? `${(statSync(blob).size / 1024).toFixed(0)} KB blob` : 'no blob';
    console.log(`shard ${i}/${SHARDS}: ${describe(shard)}; ${size}`);
  }
  const merges: KitRun[] = [];
  for (let k = 1; k <= MERGES; k += 1) {
    const merged = await runKitCommand(['merge', '.', '--out', `merged-${k}`], work, BOUND_MS);
    merges.push(merged);
    console.log(`merge ${k}: ${describe(merged)}`);
  }
  console.log(`merge median: ${(median(merges.map((m) => m.ms)) / 1000).toFixed(2)} s wall, ${(median(merges.map((m) => m.peakRssKb ?? 0)) / 1024).toFixed(0)} MB peak RSS`);
  console.log(`  last lines of the last merge:\n    ${merges.at(-1)?.tail.join('\n    ')}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
