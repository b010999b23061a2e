// How a conformance test reports its verdict to reporters (DESIGN §3). Carried in vitest's
// task metadata, so any reporter can read it without parsing messages.

/** PASS; FAIL (a MUST broken); WARN (a SHOULD broken); NA (feature not negotiated);
 *  UNTESTABLE (needs something the server does not offer, e.g. the conformance agent). */
export type Verdict = 'PASS' | 'FAIL' | 'WARN' | 'NA' | 'UNTESTABLE';

/** One requirement's outcome within a test. */
export interface RequirementOutcome {
  readonly id: string;
  readonly verdict: Verdict;
  /** One sentence: what was expected and what arrived. Redacted. */
  readonly detail?: string;
}

/** What a conformance test leaves in `task.meta.arcp`. */
export interface ArcpTaskMeta {
  /** Requirement ids the test checks, declared up front. */
  readonly requirements: readonly string[];
  /** The test's overall verdict (the worst of its outcomes). */
  verdict?: Verdict;
  outcomes?: RequirementOutcome[];
  /** Redacted transcript window proving a failure (see transcript-types.ts). */
  evidence?: unknown;
  /** Kit notes: what the kit's own cleanup or bookkeeping did not get (never a verdict). */
  notes?: string[];
  /** For property runs: seed, path, runs, and the replay command. */
  replay?: { seed: number; path?: string; runs?: number; command?: string; fixture?: string };
}

declare module 'vitest' {
  interface TaskMeta {
    arcp?: ArcpTaskMeta;
  }
}
