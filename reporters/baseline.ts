// Baselines: a file of expected failures so a vendor can adopt the kit gradually (DESIGN §3).
// An entry names a requirement id, a test, or both; a failing test is absorbed when every
// requirement it fails on is named by an entry (that names no test, or this one). Matching
// is by ids and test names only, never by message or fixture: a concurrency bug is found by
// whichever test stumbles on it first, by whichever path, so a written baseline names the
// requirement. An entry whose test or requirement now passes is STALE: it fails the run
// until it is removed, so a baseline only ever shrinks.
import { z } from 'zod';

export const BASELINE_VERSION = 1;

const BaselineEntrySchema = z
  .strictObject({
    /** `<file> > <title>`, as printed in reports (the trailing `[ids]` may be left out). */
    test: z.string().min(1).optional(),
    /** A requirement id: matches any test failing on it. */
    requirement: z.string().regex(/^[A-Z][A-Z0-9]*-\d+$/, 'must be a requirement id like SEQ-001').optional(),
    reason: z.string().optional(),
  })
  .refine((e) => e.test !== undefined || e.requirement !== undefined, {
    message: 'an entry needs "test" or "requirement"',
  });

export const BaselineSchema = z.strictObject({
  version: z.literal(BASELINE_VERSION),
  entries: z.array(BaselineEntrySchema),
});

export type BaselineEntry = z.infer<typeof BaselineEntrySchema>;
export type Baseline = z.infer<typeof BaselineSchema>;

/** Validates a parsed baseline file; throws an Error whose message is one line. */
export function parseBaseline(json: unknown): Baseline {
  const parsed = BaselineSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ` : '';
  throw new Error(`${where}${issue?.message ?? 'invalid baseline'}`);
}

/** What baseline matching needs to know about one test result. */
export interface BaselineCandidate {
  readonly key: string;
  /** Requirement ids this result fails on (or all its ids when it failed without outcomes). */
  readonly failingRequirements: readonly string[];
}

/** The key of a test with its ` [SEQ-001, ...]` label suffix removed. */
export function keyWithoutIds(key: string): string {
  return key.replace(/ \[[A-Z][A-Z0-9]*-\d+(?:, [A-Z][A-Z0-9]*-\d+)*\]$/, '');
}

function testMatches(entry: BaselineEntry, key: string): boolean {
  return entry.test === undefined || entry.test === key || entry.test === keyWithoutIds(key);
}

/** Whether the entry covers this result's failure of requirement `id`. */
function coversRequirement(entry: BaselineEntry, key: string, id: string): boolean {
  return testMatches(entry, key) && (entry.requirement === undefined || entry.requirement === id);
}

/**
 * The entries that absorb this failing result: one for each requirement it fails on (a
 * result failing on none, such as a suite that did not load, needs an entry naming its
 * test). Undefined when some failure is not covered: then the result still fails the run.
 */
export function coveringEntries(baseline: Baseline, candidate: BaselineCandidate): number[] | undefined {
  const { key, failingRequirements } = candidate;
  const needs = failingRequirements.length > 0 ? failingRequirements : [undefined];
  const used = new Set<number>();
  for (const id of needs) {
    const entry = baseline.entries.findIndex((e) =>
      id === undefined ? e.requirement === undefined && e.test !== undefined && testMatches(e, key) : coversRequirement(e, key, id),
    );
    if (entry < 0) return undefined;
    used.add(entry);
  }
  return [...used].sort((a, b) => a - b);
}

export interface PassingEvidence {
  /** Keys of tests that ran and did not fail the run. */
  readonly passingTests: ReadonlySet<string>;
  /** Requirements whose combined verdict passes (PASS, or WARN when not strict). */
  readonly passingRequirements: ReadonlySet<string>;
}

/** An entry that covered nothing is stale when what it names ran and passed. */
export function isStale(entry: BaselineEntry, evidence: PassingEvidence): boolean {
  const testPassed =
    entry.test === undefined ||
    [...evidence.passingTests].some((key) => entry.test === key || entry.test === keyWithoutIds(key));
  const requirementPassed = entry.requirement === undefined || evidence.passingRequirements.has(entry.requirement);
  return testPassed && requirementPassed;
}

/**
 * A baseline covering exactly the given failures: one entry per failing requirement, named
 * by id alone (its reason says where it was seen), and one per failing test that fails on
 * no requirement. So the next run of an unchanged server passes even when another test, or
 * another path of a property, finds the same broken requirement; a newly broken one still fails.
 */
export function baselineFromFailures(
  failures: readonly { key: string; failingRequirements: readonly string[]; detail?: string }[],
): Baseline {
  const entries: BaselineEntry[] = [];
  const named = new Set<string>();
  for (const f of failures) {
    const reason = { reason: `${keyWithoutIds(f.key)}${f.detail === undefined ? '' : `: ${f.detail}`}` };
    if (f.failingRequirements.length === 0) entries.push({ test: f.key, ...(f.detail === undefined ? {} : { reason: f.detail }) });
    for (const requirement of f.failingRequirements) {
      if (named.has(requirement)) continue;
      named.add(requirement);
      entries.push({ requirement, ...reason });
    }
  }
  return { version: BASELINE_VERSION, entries };
}

