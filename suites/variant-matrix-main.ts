// Measures the variant matrix: the example suites against the reference with every legal
// variant on at once, then each variant alone on the suites it touches, and rewrites
// suites/variant-matrix.json with each run's non-PASS verdicts and why the variant gives
// them. Exits 1 when a run has a verdict no variant explains (the kit fails a legal server).
//   npm run variant-matrix [-- NAME ...]   (only the named rows, `all` for the all-at-once one; the rest kept)
import { existsSync, writeFileSync } from 'node:fs';
import { VARIANT_NAMES, type VariantName, isVariantName } from '../reference/variants.ts';
import { EXAMPLE_SUITES, runKit } from './defect-matrix.ts';
import { VARIANT_EXPECTATIONS } from './variant-expectations.ts';
import {
  ALL_VARIANTS,
  VARIANT_MATRIX_FILE,
  type VariantMatrix,
  type VariantRun,
  describeNonPass,
  explain,
  nonPassOf,
  readVariantMatrix,
  unexplained,
} from './variant-matrix.ts';

const RUN_TIMEOUT_MS = 10 * 60_000;

async function measure(variants: readonly VariantName[], only: readonly string[]): Promise<VariantRun> {
  const run = await runKit(['--only', only.join(',')], [], RUN_TIMEOUT_MS, variants);
  return { variants, only, exit: run.code, tests: run.tests.length, nonPass: explain(nonPassOf(run), variants) };
}

function report(name: string, run: VariantRun): boolean {
  const bad = unexplained(run.nonPass);
  console.log(`${name}: exit ${run.exit}, ${run.tests} tests, ${run.nonPass.length} non-PASS, ${bad.length} unexplained`);
  for (const n of bad) console.log(`  UNEXPLAINED ${describeNonPass(n)}`);
  return run.exit === 0 && run.tests > 0 && bad.length === 0;
}

async function main(): Promise<void> {
  const asked = process.argv.slice(2);
  const named = asked.filter((a) => a !== 'all');
  for (const name of named) if (!isVariantName(name)) throw new Error(`unknown variant ${name}; known: all, ${VARIANT_NAMES.join(', ')}`);
  const names = asked.length > 0 ? (named as VariantName[]) : VARIANT_NAMES;
  const runs: Record<string, VariantRun> = existsSync(VARIANT_MATRIX_FILE) ? { ...readVariantMatrix().runs } : {};
  let ok = true;
  if (asked.length === 0 || asked.includes('all')) {
    runs[ALL_VARIANTS] = await measure(VARIANT_NAMES, EXAMPLE_SUITES);
    ok = report(ALL_VARIANTS, runs[ALL_VARIANTS]) && ok;
  }
  for (const name of names) {
    runs[name] = await measure([name], VARIANT_EXPECTATIONS[name].suites);
    ok = report(name, runs[name]) && ok;
  }
  const matrix: VariantMatrix = {
    note:
      'Measured by `npm run variant-matrix`: the example suites against the reference runtime with every legal variant ' +
      'on at once, then each variant alone on the suites it touches. Every non-PASS verdict carries the reason the variant ' +
      'gives it (suites/variant-expectations.ts); suites/variant-matrix.test.ts re-checks the rows.',
    runs,
  };
  writeFileSync(VARIANT_MATRIX_FILE, `${JSON.stringify(matrix, null, 2)}\n`);
  if (!ok) process.exitCode = 1;
}

await main();
