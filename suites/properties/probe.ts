// A server-side probe: judges what the wire cannot show (a leak leaves no frame behind). The
// executor calls it around a run; it returns violations like a checker does. The reference
// runtime's stats are one source (testing/reference-leak-probe.ts); server memory sampling
// for any vendor (`--server-cmd`) is another, not built yet.
import type { TranscriptEntry } from '../harness/transcript-types.ts';
import type { Violation } from '../checkers/index.ts';

export interface ProbeContext {
  /** The run's transcript, complete. */
  readonly entries: readonly TranscriptEntry[];
}

export interface ServerProbe {
  /** Requirement ids the probe can report. */
  readonly requirements: readonly string[];
  /** Before the run's first connection. */
  before(): Promise<void>;
  /** After the run ended and was checked. */
  after(context: ProbeContext): Promise<Violation[]>;
}
