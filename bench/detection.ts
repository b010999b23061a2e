// Detection power of the kit, for every reference defect (reference/defects.ts): over several
// seeds, whether a default run (`arcp-conformance run`) and a `run --only properties` against
// the embedded reference with the defect on reports it (a FAIL on a requirement the defect
// names; a WARN too for a defect that breaks only SHOULDs), and how many seconds after the
// run's start that verdict came in. Each run is the kit's own, stopped by `--bail-on` at that
// first verdict, so a defect costs its detection time rather than a whole run; a run that does
// not catch it within the bound is "not detected within N s". Prints progress lines, one
// table, and the defects whose median exceeds 5 s. Timing is measured here, never asserted.
//
//   npx tsx bench/detection.ts [--seeds 5] [--default-seeds N] [--mode default|properties|both]
//                              [--only defectA,defectB] [--limit-s 120] [--jobs 1]
//
// Cost: each run is its detection time plus a few seconds (a miss: the whole run, about 35 s
// for --only properties and a minute or more for a default run when idle), so all defects x 5
// seeds x both modes take hours; --mode, --only, --seeds and --default-seeds narrow it, and
// --jobs N runs N at once (each run is then slower: its times are measured on a loaded machine,
// which the table's footer says). A mode whose suites judge none of a defect's requirements is
// not run at all. A miss of a defect the defect matrix says only a project test can see
// (suites/defect-matrix.json "elsewhere") names that test and why.
import { parseArgs } from 'node:util';
import { DEFECTS } from '../reference/defects.ts';
import { readSuiteMap } from '../cli/suite-map.ts';
import { readMatrix } from '../suites/defect-matrix.ts';
import { slots } from '../cli/testing/slots.ts';
import { type DefectInfo, judgedIn, type MeasuredRun, type Mode, measure } from './detection-run.ts';

const SLOW_S = 5;

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '5' },
    'default-seeds': { type: 'string' },
    mode: { type: 'string', default: 'both' },
    only: { type: 'string', default: '' },
    'limit-s': { type: 'string', default: '120' },
    jobs: { type: 'string', default: '1' },
  },
});

function fail(message: string): never {
  console.error(`bench/detection: ${message}`);
  process.exit(2);
}

function positive(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) fail(`--${name} must be a positive integer (got ${JSON.stringify(text)})`);
  return n;
}

const seeds = positive('seeds', values.seeds);
const seedsFor: Record<Mode, number> = { properties: seeds, default: values['default-seeds'] === undefined ? seeds : positive('default-seeds', values['default-seeds']) };
const limitS = positive('limit-s', values['limit-s']);
const jobs = positive('jobs', values.jobs);
if (!['default', 'properties', 'both'].includes(values.mode)) fail(`--mode must be default, properties or both (got ${JSON.stringify(values.mode)})`);
const modes: Mode[] = values.mode === 'both' ? ['properties', 'default'] : [values.mode as Mode];
const only = values.only.split(',').map((s) => s.trim()).filter(Boolean);
const unknown = only.filter((name) => !DEFECTS.some((d) => d.name === name));
if (unknown.length > 0) fail(`unknown defect(s) ${unknown.join(', ')} (known: ${DEFECTS.map((d) => d.name).join(', ')})`);
const defects: DefectInfo[] = DEFECTS.filter((d) => only.length === 0 || only.includes(d.name));

/** The k-th seed of the kit's --seed (the same in every mode, so the modes compare). */
const seedOf = (k: number): number => k * 7919;

/** Median with misses as +Infinity: a defect missed in most seeds has no finite median. */
function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** The catching test named most often over the seeds. */
function mostCommon(names: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const n of names) counts.set(n, (counts.get(n) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '';
}

interface Row {
  readonly defect: string;
  readonly mode: Mode;
  readonly runs: readonly MeasuredRun[];
  /** Set when no test of the mode judges the defect's requirements (nothing was run). */
  readonly unjudged?: string;
}

const suiteMap = readSuiteMap();

const total = modes.reduce((n, m) => n + seedsFor[m] * defects.length, 0);
const started = performance.now();
let done = 0;
const minutes = () => ((performance.now() - started) / 60_000).toFixed(1);

interface Planned {
  readonly defect: DefectInfo;
  readonly mode: Mode;
  readonly unjudged?: string;
  readonly runs: Promise<MeasuredRun>[];
}

/** At most `jobs` kit runs at a time, started in the order asked for. */
const inSlot = slots(jobs);

const planned: Planned[] = [];
for (const mode of modes) {
  for (const defect of defects) {
    if (judgedIn(mode, defect, suiteMap).length === 0) {
      const unjudged = `no test of this mode judges ${defect.requirements.join(', ')} (suites/suite-map.json): not run`;
      done += seedsFor[mode];
      console.error(`[${done}/${total}] ${defect.name} ${mode}: ${unjudged}`);
      planned.push({ defect, mode, unjudged, runs: [] });
      continue;
    }
    const runs = Array.from({ length: seedsFor[mode] }, (_, i) =>
      inSlot(async () => {
        const seed = seedOf(i + 1);
        const run = await measure(defect, mode, seed, limitS * 1000);
        done += 1;
        const what = run.detection === undefined ? run.miss : `detected at ${run.detection.seconds.toFixed(1)} s by ${run.detection.caughtBy}`;
        console.error(`[${done}/${total}] ${defect.name} ${mode} seed ${seed}: ${what} (${run.wallSeconds.toFixed(0)} s wall; ${minutes()} min so far)`);
        return run;
      }),
    );
    planned.push({ defect, mode, runs });
  }
}
const rows: Row[] = [];
for (const p of planned) rows.push({ defect: p.defect.name, mode: p.mode, runs: await Promise.all(p.runs), ...(p.unjudged === undefined ? {} : { unjudged: p.unjudged }) });

/** Where the defect matrix says a defect no example run can see is caught instead. */
const elsewhere = new Map(Object.entries(readMatrix().defects).flatMap(([name, e]) => (e.elsewhere === undefined ? [] : [[name, e.elsewhere] as const])));

const show = (s: number) => (Number.isFinite(s) ? s.toFixed(1) : '-');
const table: string[][] = [['defect', 'mode', 'detected', 'median s', 'startup s', 'per seed s', 'caught by (test [requirement])']];
const slow: { readonly median: number; readonly text: string }[] = [];
for (const row of rows) {
  if (row.unjudged !== undefined) {
    table.push([row.defect, row.mode, `0/${seedsFor[row.mode]}`, 'missed', '', '', row.unjudged]);
    continue;
  }
  const secs = row.runs.map((r) => r.detection?.seconds ?? Number.POSITIVE_INFINITY);
  const hits = row.runs.filter((r) => r.detection !== undefined);
  const med = median(secs);
  // One of each kind of miss: the same miss after 34 s and after 36 s reads as one.
  const byKind = new Map(row.runs.flatMap((r) => (r.miss === undefined ? [] : [[r.miss.replace(/\d+/g, '#'), r.miss] as const])));
  const misses = [...byKind.values()];
  const other = elsewhere.get(row.defect);
  const missed = other === undefined ? misses.join('; ') : `${misses.join('; ')}; caught by ${other.test} instead: ${other.why}`;
  const caught = hits.length > 0 ? mostCommon(hits.map((r) => r.detection?.caughtBy ?? '')) : missed;
  const startups = row.runs.flatMap((r) => (r.startupSeconds === undefined ? [] : [r.startupSeconds]));
  const startup = startups.length === 0 ? '' : median(startups).toFixed(1);
  table.push([row.defect, row.mode, `${hits.length}/${row.runs.length}`, Number.isFinite(med) ? med.toFixed(1) : 'missed', startup, secs.map(show).join(' '), caught]);
  if (Number.isFinite(med) && med > SLOW_S) slow.push({ median: med, text: `${row.defect} (${row.mode}): median ${med.toFixed(1)} s, by ${caught}` });
}
slow.sort((a, b) => b.median - a.median);

const widths = table[0]?.map((_, i) => Math.max(...table.map((r) => (r[i] ?? '').length))) ?? [];
for (const [i, row] of table.entries()) {
  console.log(row.map((cell, j) => cell.padEnd(widths[j] ?? 0)).join('  ').trimEnd());
  if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
}
console.log(`\nDetected, with a median over ${SLOW_S} s from the run's start (slowest first; "startup s" is the part before the first test started): ${slow.length === 0 ? 'none' : ''}`);
for (const { text } of slow) console.log(`  ${text}`);
const missed = table.slice(1).filter((r) => r[3] === 'missed').map((r) => `${r[0]} (${r[1]})`);
console.log(`\nMissed in most seeds: ${missed.length === 0 ? 'none' : missed.join(', ')}`);
const seedsText = modes.map((m) => `${m}: ${seedsFor[m]} seed(s)`).join(', ');
console.log(
  `\n(${defects.length} defects; ${seedsText} (the kit's --seed ${seedOf(1)}, ${seedOf(2)}, ...); a run is stopped at the first verdict naming the defect (--bail-on its requirements) or after --run-timeout ${limitS} s; ` +
    `seconds from the run's start (after the embedded reference answered the preflight; vitest's start included) until that verdict, from the run's record; ` +
    `'-' in "per seed" is a miss; ${jobs} run(s) at a time; ${minutes()} min wall in all)`,
);
