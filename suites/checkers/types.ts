// The vocabulary every history checker shares: what a violation looks like, what a checker
// is, and how a finished transcript is judged. Types only.
import type { TranscriptEntry } from '../harness/transcript-types.ts';
import type { SessionTracker } from './session-tracker.ts';

/** One broken requirement, proved by two or three transcript entries. */
export interface Violation {
  /** Catalogue id (spec/requirements.ts), e.g. `SEQ-002`. */
  readonly requirement: string;
  /** One sentence naming the job, session and seq values involved. Never carries a secret. */
  readonly message: string;
  /** Transcript indices (`entry.index`) of the entries that prove it, earliest first. */
  readonly witnesses: readonly number[];
  /** The catalogue level of the requirement (absent for MAY-level entries). */
  readonly severity?: 'MUST' | 'SHOULD';
  /**
   * Set on the last recorded violation of a requirement when the checker stopped recording
   * it: how many more violations of the same requirement it saw and dropped.
   */
  readonly omitted?: number;
}

export interface FinishOptions {
  /**
   * The test declares that it waited for everything it started: every job it submitted or
   * watched has had time to end. Only then are missing terminals and unfinished replays
   * violations; a transcript stopped early (`false`, the default) is judged only on what
   * it contains.
   */
  readonly complete?: boolean;
}

/** An incremental monitor over one transcript: bounded state, fed one entry at a time. */
export interface HistoryChecker {
  observe(entry: TranscriptEntry): void;
  finish(options?: FinishOptions): Violation[];
}

/** What every checker of one monitor shares. */
export interface CheckerContext {
  /** Already fed the entry a checker's `observe` receives, before the checker sees it. */
  readonly tracker: SessionTracker;
  /** Recorded violations per requirement id before the rest are only counted. */
  readonly maxViolationsPerRequirement: number;
  /** Told of each recorded violation as it is found (e.g. to keep its witnesses in a bounded transcript). */
  readonly onViolation?: (violation: Violation) => void;
}

/** A named checker kind, with every catalogue id it can emit (tests hold it to that list). */
export interface CheckerFactory {
  readonly name: string;
  readonly requirements: readonly string[];
  create(context: CheckerContext): HistoryChecker;
}
