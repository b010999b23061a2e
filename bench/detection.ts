// Detection power of the property suites: for each reference defect, the runs and seconds
// until the property that targets it first fails, over several seeds; prints a table with
// the medians. Timing is measured here and only printed, never asserted.
//
//   npx tsx bench/detection.ts [--seeds 5] [--max-runs 300] [--limit-s 60] [--only seq-race,...]
import { parseArgs } from 'node:util';
import { DETECTION_PLAN, OUT_OF_SCOPE, detect, namesTheDefect } from '../suites/properties/testing/detection.ts';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '5' },
    'max-runs': { type: 'string', default: '300' },
    'limit-s': { type: 'string', default: '60' },
    only: { type: 'string', default: '' },
  },
});

function positive(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`--${name} must be a positive integer (got ${JSON.stringify(text)})`);
    process.exit(2);
  }
  return n;
}

const seeds = positive('seeds', values.seeds);
const maxRuns = positive('max-runs', values['max-runs']);
const limitMs = positive('limit-s', values['limit-s']) * 1000;
const only = values.only.split(',').filter(Boolean);
const cases = DETECTION_PLAN.filter((c) => only.length === 0 || only.includes(c.defect));

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

const rows: string[][] = [['defect', 'property', 'detected', 'median runs', 'median s', 'runs per seed', 'violated']];
for (const c of cases) {
  const runs: number[] = [];
  const secs: number[] = [];
  const violated = new Set<string>();
  let detected = 0;
  for (let k = 1; k <= seeds; k++) {
    const outcome = await detect(c, { seed: k * 7919, runs: maxRuns, timeLimitMs: limitMs });
    const failure = outcome.failure;
    // Only a failure naming a requirement the defect breaks counts as catching it.
    if (failure === undefined || !namesTheDefect(c, outcome)) {
      if (failure !== undefined) for (const v of failure.violations) violated.add(`${v.requirement}(other)`);
      runs.push(Number.POSITIVE_INFINITY);
      secs.push(Number.POSITIVE_INFINITY);
      continue;
    }
    detected += 1;
    runs.push(failure.runsToFailure);
    secs.push(failure.msToFailure / 1000);
    for (const v of failure.violations) violated.add(v.requirement);
  }
  const show = (n: number, digits: number) => (Number.isFinite(n) ? n.toFixed(digits) : 'missed');
  rows.push([c.defect, c.property, `${detected}/${seeds}`, show(median(runs), 1), show(median(secs), 2), runs.map((r) => show(r, 0)).join(' '), [...violated].sort().join(' ')]);
  console.error(`${c.defect}: ${detected}/${seeds} detected`);
}

const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
for (const [i, row] of rows.entries()) {
  console.log(row.map((cell, j) => cell.padEnd(widths[j] ?? 0)).join('  ').trimEnd());
  if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
}
for (const [defect, reason] of Object.entries(OUT_OF_SCOPE)) console.log(`not targeted: ${defect}: ${reason}`);
console.log(`(${seeds} seeds, at most ${maxRuns} runs or ${limitMs / 1000} s per seed; seconds from the property's start, reference start excluded)`);
