// The kit against the reference runtime with its legal variants on (DESIGN §5, §8): exit 0,
// and every non-PASS verdict one the variants explain. A variant that makes the kit FAIL (or
// UNTESTABLE) a legal server fails here. Kept affordable for CI: the all-at-once run in
// full, then each variant alone on just the requirements it should not PASS; the per-variant
// runs on their whole suites are measured by `npm run variant-matrix` and re-checked here
// from suites/variant-matrix.json.
import { describe, expect, it } from 'vitest';
import { VARIANT_NAMES } from '../reference/variants.ts';
import { EXAMPLE_SUITES, queuedRunTimeout, runKit } from './defect-matrix.ts';
import { VARIANT_EXPECTATIONS } from './variant-expectations.ts';
import { ALL_VARIANTS, describeNonPass, explain, nonPassOf, readVariantMatrix, unexplained } from './variant-matrix.ts';

const RUN_TIMEOUT_MS = 5 * 60_000;
const matrix = readVariantMatrix();

// The kit runs are independent subprocesses: they run concurrently, one per CPU (runKit).
describe.concurrent('the variant matrix', () => {
  it('has a row for every legal variant and for all of them at once', () => {
    expect(Object.keys(matrix.runs).sort()).toEqual([ALL_VARIANTS, ...VARIANT_NAMES].sort());
  });

  for (const [name, run] of Object.entries(matrix.runs)) {
    it(`${name}: the measured run exited 0 and every non-PASS verdict is explained by the variant`, () => {
      expect(unexplained(run.nonPass).map(describeNonPass)).toEqual([]);
      expect(run.exit).toBe(0);
      expect(run.tests, 'the run judged nothing').toBeGreaterThan(0);
    });
  }

  it('with every variant on, the example suites pass, and each non-PASS verdict is one a variant explains', async () => {
    const run = await runKit(['--only', EXAMPLE_SUITES.join(',')], [], RUN_TIMEOUT_MS, VARIANT_NAMES);
    expect(unexplained(explain(nonPassOf(run), VARIANT_NAMES)).map(describeNonPass)).toEqual([]);
    expect(run.code, run.stdout.slice(-2000)).toBe(0);
    expect(run.tests.length).toBeGreaterThanOrEqual(90);
  }, queuedRunTimeout(RUN_TIMEOUT_MS));

  for (const name of VARIANT_NAMES.filter((v) => VARIANT_EXPECTATIONS[v].gives.length > 0)) {
    const gives = VARIANT_EXPECTATIONS[name].gives;
    it(`${name} alone gives ${gives.map((g) => `${g.verdict} ${g.requirement}`).join(', ')}, and exits 0`, async () => {
      const run = await runKit(['--only', gives.map((g) => g.requirement).join(',')], [], RUN_TIMEOUT_MS, [name]);
      const found = explain(nonPassOf(run), [name]);
      expect(unexplained(found).map(describeNonPass)).toEqual([]);
      for (const g of gives) expect(found.some((n) => n.requirement === g.requirement && n.verdict === g.verdict), `${g.verdict} ${g.requirement}`).toBe(true);
      expect(run.code).toBe(0);
    }, queuedRunTimeout(RUN_TIMEOUT_MS));
  }
});
