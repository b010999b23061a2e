// The kit's receive pipeline for long or hostile histories: a transcript that streams every
// entry into a history monitor (so the checkers judge all of it) and keeps, when bounded,
// the witnesses of each violation the moment a checker finds it. Used by the hostile-server
// tests and bench/pipeline.ts; suites keep the default full transcript.
import { ALL_CHECKERS, createHistoryMonitor, type CheckerFactory, type HistoryMonitor, type MonitorOptions } from '../checkers/index.ts';
import { Transcript, type TranscriptLimits } from '../harness/transcript.ts';
import type { Redactor } from '../harness/redact.ts';

export interface MonitoredTranscriptOptions {
  /** Keep a bounded part of the history (true: BOUNDED_LIMITS). Default: full, with its safety budget. */
  readonly bounded?: boolean | Partial<TranscriptLimits>;
  readonly fullModeBytes?: number;
  readonly checkers?: readonly CheckerFactory[];
  readonly monitor?: Omit<MonitorOptions, 'onViolation'>;
  readonly redactor?: Redactor;
}

export interface MonitoredTranscript {
  readonly transcript: Transcript;
  readonly monitor: HistoryMonitor;
}

export function monitoredTranscript(options: MonitoredTranscriptOptions = {}): MonitoredTranscript {
  const transcript = new Transcript({
    ...(options.bounded === undefined ? {} : { bounded: options.bounded }),
    ...(options.fullModeBytes === undefined ? {} : { fullModeBytes: options.fullModeBytes }),
    ...(options.redactor === undefined ? {} : { redactor: options.redactor }),
  });
  const monitor = createHistoryMonitor(options.checkers ?? ALL_CHECKERS, {
    ...options.monitor,
    // A violation found now names entries that may soon leave a bounded transcript's ring.
    onViolation: (violation) => transcript.pin(violation.witnesses),
  });
  transcript.addObserver(monitor);
  return { transcript, monitor };
}
