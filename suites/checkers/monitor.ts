// The entry points: a streaming monitor that feeds each transcript entry to one shared
// SessionTracker and then to every checker, and `checkTranscript`, the same over a whole
// transcript as a pure function.
import type { TranscriptEntry } from '../harness/transcript-types.ts';
import { cancelChecker } from './cancel-checker.ts';
import { chunkChecker } from './chunk-checker.ts';
import { credentialChecker } from './credential-checker.ts';
import { envelopeChecker } from './envelope-checker.ts';
import { errorPayloadChecker } from './error-payload-checker.ts';
import { livenessChecker } from './liveness-checker.ts';
import { markerChecker } from './marker-checker.ts';
import { resumeChecker } from './resume-checker.ts';
import { sequenceChecker } from './sequence-checker.ts';
import { SessionTracker, type TrackerOptions } from './session-tracker.ts';
import { statusChecker } from './status-checker.ts';
import { terminalChecker } from './terminal-checker.ts';
import type { CheckerFactory, FinishOptions, HistoryChecker, Violation } from './types.ts';
import { DEFAULT_MAX_VIOLATIONS_PER_REQUIREMENT } from './violation-log.ts';

/** Every history checker, in the order their findings are listed. */
export const ALL_CHECKERS: readonly CheckerFactory[] = Object.freeze([
  sequenceChecker,
  envelopeChecker,
  terminalChecker,
  cancelChecker,
  statusChecker,
  markerChecker,
  resumeChecker,
  livenessChecker,
  chunkChecker,
  credentialChecker,
  errorPayloadChecker,
]);

export interface MonitorOptions extends TrackerOptions {
  /** Violations recorded per requirement and checker before the rest are only counted (default 20). */
  readonly maxViolationsPerRequirement?: number;
  /** Told of each recorded violation as it is found, before `finish` (e.g. to pin its witnesses). */
  readonly onViolation?: (violation: Violation) => void;
}

export interface HistoryMonitor extends HistoryChecker {
  /** The shared reading of the transcript so far (read-only use). */
  readonly tracker: SessionTracker;
  /** How many entries were observed. */
  readonly observed: number;
}

/** A streaming monitor: feed entries in transcript order, then `finish` once. */
export function createHistoryMonitor(checkers: readonly CheckerFactory[] = ALL_CHECKERS, options: MonitorOptions = {}): HistoryMonitor {
  const max = options.maxViolationsPerRequirement ?? DEFAULT_MAX_VIOLATIONS_PER_REQUIREMENT;
  if (!Number.isSafeInteger(max) || max < 1) throw new Error(`maxViolationsPerRequirement must be a positive integer, got ${max}`);
  const tracker = new SessionTracker(options);
  const onViolation = options.onViolation;
  const running = checkers.map((factory) =>
    factory.create({ tracker, maxViolationsPerRequirement: max, ...(onViolation === undefined ? {} : { onViolation }) }),
  );
  let observed = 0;
  let result: Violation[] | undefined;
  return {
    tracker,
    get observed() {
      return observed;
    },
    observe(entry: TranscriptEntry): void {
      if (result !== undefined) throw new Error('observe() after finish(): a monitor judges one transcript');
      if (!isTranscriptEntry(entry)) throw new TypeError(`Not a transcript entry: ${describe(entry)}`);
      tracker.observe(entry);
      for (const checker of running) checker.observe(entry);
      observed++;
    },
    finish(finishOptions: FinishOptions = {}): Violation[] {
      result ??= running.flatMap((checker) => checker.finish(finishOptions));
      return result;
    },
  };
}

export interface CheckOptions extends MonitorOptions, FinishOptions {}

/** Judges a whole transcript; pure (builds a fresh monitor each call). */
export function checkTranscript(
  entries: Iterable<TranscriptEntry>,
  checkers: readonly CheckerFactory[] = ALL_CHECKERS,
  options: CheckOptions = {},
): Violation[] {
  const monitor = createHistoryMonitor(checkers, options);
  for (const entry of entries) monitor.observe(entry);
  return monitor.finish({ complete: options.complete ?? false });
}

function isTranscriptEntry(value: unknown): value is TranscriptEntry {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<TranscriptEntry>;
  if (typeof v.index !== 'number' || typeof v.conn !== 'string') return false;
  if (v.kind === 'frame') return v.dir === 'in' || v.dir === 'out';
  return v.kind === 'conn';
}

function describe(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}
