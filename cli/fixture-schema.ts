// The saved-scenario fixture `replay` reads: a property failure shrunk to a small scenario
// (or an audit seed), with the seed and path that reproduce it, the requirements it
// violated and the redacted transcript it produced. The property suites write these;
// this schema is the contract between them and the CLI.
import { resolve } from 'node:path';
import { z } from 'zod';
import type { TranscriptEntry } from '../suites/harness/transcript-types.ts';
import { UsageError } from './errors.ts';
import { readJsonFile } from './json-file.ts';

export const FIXTURE_VERSION = 1;

const Index = z.number().int().nonnegative();

const FrameVerdictSchema = z.union([
  z.strictObject({ valid: z.literal(true) }),
  z.strictObject({ valid: z.literal(false), errors: z.array(z.string()) }),
]);

const FrameEntrySchema = z.strictObject({
  kind: z.literal('frame'),
  index: Index,
  conn: z.string().min(1),
  dir: z.enum(['in', 'out']),
  t: z.number().nonnegative(),
  frame: z.unknown(),
  raw: z.string().optional(),
  bytes: Index,
  verdict: FrameVerdictSchema,
  /** A frame over the transcript's bound, kept as its skeleton (suites/harness/transcript-elide.ts). */
  elided: z
    .strictObject({
      sha256: z.string().regex(/^[0-9a-f]{64}$/),
      head: z.string(),
      cut: z.strictObject({ strings: Index, items: Index, fields: Index }),
    })
    .optional(),
});

const ConnectionEntrySchema = z.strictObject({
  kind: z.literal('conn'),
  index: Index,
  conn: z.string().min(1),
  t: z.number().nonnegative(),
  event: z.enum(['open', 'dropped', 'closing', 'closed']),
  code: z.number().int().optional(),
  reason: z.string().optional(),
  label: z.string().optional(),
  error: z.string().optional(),
});

export const TranscriptEntrySchema = z.discriminatedUnion('kind', [FrameEntrySchema, ConnectionEntrySchema]);

const RequirementId = z.string().regex(/^[A-Z][A-Z0-9]*-\d+$/, 'must be a requirement id like SEQ-001');

export const ReplayFixtureSchema = z
  .looseObject({
    version: z.literal(FIXTURE_VERSION),
    /** fast-check seed of the failing run. */
    seed: z.number().int(),
    /** fast-check path to the shrunk counterexample. */
    path: z.string().optional(),
    /** The generated scenario, in the property suite's own format. */
    scenario: z.unknown(),
    violated: z.array(RequirementId).min(1),
    transcript: z.array(TranscriptEntrySchema),
    /** The command that replays it, as printed in reports. */
    command: z.string().min(1),
    /** The reference-runtime defect that produced it, for audit seeds. */
    defect: z.string().min(1).optional(),
    /** The audit report it comes from. */
    report: z.string().optional(),
    /** How often it reproduced when saved. */
    reproduced: z
      .strictObject({ runs: z.number().int().positive(), hits: Index })
      .refine((r) => r.hits <= r.runs, { message: 'hits cannot exceed runs' })
      .optional(),
  })
  .refine((f) => f.scenario !== undefined, { message: 'scenario is required', path: ['scenario'] });

export type ReplayFixture = z.infer<typeof ReplayFixtureSchema> & { readonly transcript: TranscriptEntry[] };

/** Validates a parsed fixture; the error names the first bad field, on one line. */
export function parseFixture(json: unknown, source: string): ReplayFixture {
  const parsed = ReplayFixtureSchema.safeParse(json);
  if (parsed.success) return parsed.data as ReplayFixture;
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ` : '';
  const more = parsed.error.issues.length > 1 ? ` (and ${parsed.error.issues.length - 1} more problems)` : '';
  throw new UsageError(`fixture ${source} is invalid: ${where}${issue?.message ?? 'unknown problem'}${more}`);
}

/** Reads and validates a fixture; `path` is resolved against `cwd` and shown as given. */
export function readFixture(path: string, cwd = process.cwd()): ReplayFixture {
  return parseFixture(readJsonFile(resolve(cwd, path), `fixture ${path}`), path);
}
