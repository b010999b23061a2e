// The variant matrix (DESIGN §8, precision): the kit against the reference runtime with each
// legal variant on, alone and all at once. Every verdict must be PASS or one the variant
// explains (suites/variant-expectations.ts); a FAIL or UNTESTABLE is the kit failing a legal
// server. `npm run variant-matrix` measures it into suites/variant-matrix.json;
// suites/variant-matrix.test.ts re-checks it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { observedVerdicts } from '../adapters/expectations.ts';
import { VARIANT_NAMES, type VariantName } from '../reference/variants.ts';
import { KIT_ROOT, type KitRun } from './defect-matrix.ts';
import { EMBEDDED_BASELINE, type ExpectedVerdict, VARIANT_EXPECTATIONS } from './variant-expectations.ts';

export const VARIANT_MATRIX_FILE = join(KIT_ROOT, 'suites', 'variant-matrix.json');

/** The row of the run with every variant on. */
export const ALL_VARIANTS = '(all at once)';

/** One requirement's non-PASS verdict in one test of a run. */
export interface NonPass {
  readonly test: string;
  /** The requirement id, or `(test)` when the test concluded no requirement (a harness error). */
  readonly requirement: string;
  readonly verdict: string;
  readonly detail?: string;
  /** Why the variant gives it (from the expectations); absent: unexplained. */
  readonly why?: string;
}

export interface VariantRun {
  readonly variants: readonly string[];
  /** The `--only` selectors of the run. */
  readonly only: readonly string[];
  readonly exit: number;
  /** How many tests ran (a run of none judged nothing). */
  readonly tests: number;
  readonly nonPass: readonly NonPass[];
}

export interface VariantMatrix {
  readonly note: string;
  readonly runs: Readonly<Record<string, VariantRun>>;
}

/**
 * Every non-PASS requirement verdict of a run, one per (test, requirement): the same reading
 * as a real server's committed expectations (adapters/expectations.ts).
 */
export function nonPassOf(run: KitRun): NonPass[] {
  const tests = run.tests.map((t) => ({ ...t, outcomes: t.outcomes ?? [] }));
  return observedVerdicts({ tests } as unknown as Parameters<typeof observedVerdicts>[0]).map((o) => ({
    test: o.test,
    requirement: o.requirement ?? '(test)',
    verdict: o.verdict,
    ...(o.detail ? { detail: o.detail } : {}),
  }));
}

/** What the embedded run with `variants` on may say besides PASS. */
export function expectedWith(variants: readonly VariantName[]): ExpectedVerdict[] {
  return [...EMBEDDED_BASELINE, ...variants.flatMap((v) => VARIANT_EXPECTATIONS[v].gives)];
}

/** Attaches the reason to each non-PASS verdict the variants explain; FAIL and UNTESTABLE never are. */
export function explain(found: readonly NonPass[], variants: readonly VariantName[]): NonPass[] {
  const expected = expectedWith(variants);
  return found.map((n) => {
    const why = expected.find((e) => e.requirement === n.requirement && e.verdict === n.verdict)?.why;
    return why === undefined ? n : { ...n, why };
  });
}

export function unexplained(found: readonly NonPass[]): NonPass[] {
  return found.filter((n) => n.why === undefined);
}

export function describeNonPass(n: NonPass): string {
  return `${n.verdict} ${n.requirement} in ${n.test}${n.detail ? `: ${n.detail.slice(0, 300)}` : ''}`;
}

export function readVariantMatrix(): VariantMatrix {
  return JSON.parse(readFileSync(VARIANT_MATRIX_FILE, 'utf8')) as VariantMatrix;
}

export { VARIANT_NAMES };
