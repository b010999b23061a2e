// Baselines: a file of expected failures so a vendor can adopt the kit gradually (DESIGN §3).
// A failure matched by an entry does not fail the run; an entry whose test or requirement
// now passes is STALE and should be removed.
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

/** Whether the entry covers this failing result. */
export function entryCovers(entry: BaselineEntry, candidate: BaselineCandidate): boolean {
  if (!testMatches(entry, candidate.key)) return false;
  return entry.requirement === undefined || candidate.failingRequirements.includes(entry.requirement);
}

/** Index of the first entry covering the result, or -1. */
export function findCoveringEntry(baseline: Baseline, candidate: BaselineCandidate): number {
  return baseline.entries.findIndex((entry) => entryCovers(entry, candidate));
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
 * A baseline covering exactly the given failures: one entry per failing requirement of
 * each test (test + requirement), so a different failure of the same test still shows.
 */
export function baselineFromFailures(
  failures: readonly { key: string; failingRequirements: readonly string[]; detail?: string }[],
): Baseline {
  const entries: BaselineEntry[] = [];
  for (const f of failures) {
    const reason = f.detail === undefined ? {} : { reason: f.detail };
    if (f.failingRequirements.length === 0) entries.push({ test: f.key, ...reason });
    for (const requirement of f.failingRequirements) entries.push({ test: f.key, requirement, ...reason });
  }
  return { version: BASELINE_VERSION, entries };
}
