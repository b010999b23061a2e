// Committed expectations of the kit's verdicts on a real server (an SDK behind a host in
// adapters/<sdk>/): every verdict that is not PASS, each with a human-written line on what
// the server does and the spec sentence it breaks (or why the requirement is UNTESTABLE or
// N/A). A run matches when its non-PASS verdicts are exactly these, in both directions.
// Unlike a baseline (reporters/baseline.ts: failures that do not fail a run) this pins
// WARN, N/A and UNTESTABLE too, and a verdict that turns PASS is a difference as well.
import { readFileSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { keyWithoutIds } from '../reporters/baseline.ts';
import type { ConformanceRecord } from '../reporters/record.ts';
import { VERDICTS } from '../reporters/verdicts.ts';

/** Placeholder the update path writes where a person still has to explain an entry. */
export const TODO = 'TODO';

const NonPass = z.enum(VERDICTS.filter((v) => v !== 'PASS') as ['FAIL', 'WARN', 'NA', 'UNTESTABLE']);

const EntrySchema = z.strictObject({
  /** `<file> > <title>` without the `[ids]` suffix (reporters/baseline.ts keyWithoutIds). */
  test: z.string().min(1),
  /** The requirement the verdict is on; null when the test failed without naming one (a harness error). */
  requirement: z.string().regex(/^[A-Z][A-Z0-9]*-\d+$/).nullable(),
  verdict: NonPass,
  /** One line: what the server sent or did, as seen on the wire. */
  server: z.string().min(1),
  /** FAIL/WARN: the spec sentence broken (section and quote); UNTESTABLE/N/A: why; KIT: what the kit gets wrong. */
  basis: z.string().min(1),
});

export const ExpectationsSchema = z.strictObject({
  $comment: z.string().optional(),
  /** What was tested: the SDK and its version, the host. */
  subject: z.string().min(1),
  entries: z.array(EntrySchema),
});

export type Expectation = z.infer<typeof EntrySchema>;
export type Expectations = z.infer<typeof ExpectationsSchema>;
export type NonPassVerdict = z.infer<typeof NonPass>;

/** One non-PASS verdict of a run. */
export interface ObservedVerdict {
  readonly test: string;
  readonly requirement: string | null;
  readonly verdict: NonPassVerdict;
  /** The run's own one-line detail, to help whoever writes the explanation. */
  readonly detail: string;
}

export function readExpectations(path: string): Expectations {
  const parsed = ExpectationsSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${path}: ${issue?.path.map(String).join('.') ?? ''}: ${issue?.message ?? 'invalid expectations'}`);
  }
  return parsed.data;
}

export function writeExpectations(path: string, expectations: Expectations): void {
  writeFileSync(path, `${JSON.stringify(expectations, null, 2)}\n`);
}

const slot = (e: { test: string; requirement: string | null }): string => `${e.test} :: ${e.requirement ?? '(test)'}`;

/**
 * Every non-PASS verdict of a run: one per requirement outcome that is not PASS, and one
 * (requirement null) per non-PASS test none of whose outcomes explains it or whose failure is a
 * property's counterexample (test.replay).
 */
export function observedVerdicts(record: Pick<ConformanceRecord, 'tests'>): ObservedVerdict[] {
  const seen: ObservedVerdict[] = [];
  for (const test of record.tests) {
    const name = keyWithoutIds(test.key);
    const nonPass = test.outcomes.filter((o) => o.verdict !== 'PASS');
    if (test.replay !== undefined && test.verdict !== 'PASS') {
      // A property reports the requirements of its first shrunk counterexample only, and which
      // generated scenario fails first depends on the server's timing: the same seed can end on
      // SEQ-002 in one run and on SEQ-002 + LIFE-001 in the next. Its stable verdict is the test's.
      const broken = nonPass.map((o) => o.id).join(', ');
      seen.push({ test: name, requirement: null, verdict: test.verdict as NonPassVerdict, detail: `counterexample breaks ${broken}: ${test.detail ?? ''}` });
      continue;
    }
    for (const o of nonPass) {
      seen.push({ test: name, requirement: o.id, verdict: o.verdict as NonPassVerdict, detail: o.detail ?? test.detail ?? '' });
    }
    if (test.verdict !== 'PASS' && nonPass.length === 0) {
      seen.push({ test: name, requirement: null, verdict: test.verdict as NonPassVerdict, detail: (test.detail ?? test.message ?? '').split('\n')[0] ?? '' });
    }
  }
  // One slot, one verdict: a test judging the same requirement twice keeps the worst.
  const rank = (v: NonPassVerdict) => ['FAIL', 'UNTESTABLE', 'WARN', 'NA'].indexOf(v);
  const bySlot = new Map<string, ObservedVerdict>();
  for (const v of seen) {
    const prior = bySlot.get(slot(v));
    if (prior === undefined || rank(v.verdict) < rank(prior.verdict)) bySlot.set(slot(v), v);
  }
  return [...bySlot.values()].sort((a, b) => slot(a).localeCompare(slot(b)));
}

export interface Difference {
  readonly slot: string;
  /** undefined: PASS (or not run) on that side. */
  readonly expected?: NonPassVerdict;
  readonly observed?: NonPassVerdict;
  readonly detail?: string;
}

/** Every slot whose verdict differs between the expectations and the run, both directions. */
export function differences(expected: Expectations, observed: readonly ObservedVerdict[]): Difference[] {
  const want = new Map(expected.entries.map((e) => [slot(e), e.verdict]));
  const got = new Map(observed.map((o) => [slot(o), o]));
  const out: Difference[] = [];
  for (const key of new Set([...want.keys(), ...got.keys()])) {
    const w = want.get(key);
    const g = got.get(key);
    if (w === g?.verdict) continue;
    out.push({ slot: key, ...(w === undefined ? {} : { expected: w }), ...(g === undefined ? {} : { observed: g.verdict, detail: g.detail }) });
  }
  return out.sort((a, b) => a.slot.localeCompare(b.slot));
}

/** Entries still carrying the TODO placeholder. */
export function unexplained(expected: Expectations): Expectation[] {
  return expected.entries.filter((e) => e.server.startsWith(TODO) || e.basis.startsWith(TODO));
}

/** A readable diff: one line per slot, `expected -> observed`, with the run's detail. */
export function formatDifferences(diffs: readonly Difference[], expectationsPath: string): string {
  if (diffs.length === 0) return 'every verdict matches the expectations';
  const lines = diffs.map((d) => {
    const line = `  ${d.expected ?? 'PASS'} -> ${d.observed ?? 'PASS (or not run)'}   ${d.slot}`;
    return d.detail ? `${line}\n      observed: ${d.detail.slice(0, 300)}` : line;
  });
  return [
    `${diffs.length} verdict(s) differ from ${expectationsPath} (expected -> observed):`,
    ...lines,
    'If the kit or the server changed on purpose, refresh with the update script and explain every new entry.',
  ].join('\n');
}

/**
 * The expectations rewritten from a run: the verdict part comes from the run, the human-written
 * `server` and `basis` lines are kept for every slot that is still there (even when its
 * verdict changed, so the person reviewing sees the old reasoning), new slots get TODO.
 */
export function updatedExpectations(previous: Expectations, observed: readonly ObservedVerdict[]): Expectations {
  const old = new Map(previous.entries.map((e) => [slot(e), e]));
  const entries = observed.map((o): Expectation => {
    const prior = old.get(slot(o));
    if (prior !== undefined && prior.verdict === o.verdict) return prior;
    const slotOf = { test: o.test, requirement: o.requirement, verdict: o.verdict };
    if (prior !== undefined) return { ...slotOf, server: prior.server, basis: `${TODO} (was ${prior.verdict}: ${prior.basis})` };
    // The same test judged under another slot before (e.g. a harness error that now names its
    // requirements): show that reasoning to whoever explains the new entry.
    const sameTest = previous.entries.find((e) => e.test === o.test);
    const hint = sameTest === undefined ? '' : ` (this test before, ${sameTest.requirement ?? '(test)'} ${sameTest.verdict}: ${sameTest.server} | ${sameTest.basis})`;
    return { ...slotOf, server: TODO, basis: `${TODO}${hint}` };
  });
  return { ...previous, entries };
}
