// The session's event_seq chain as one connection received it (v1.1 §8.3, v1.0 §5.1, §8.3):
// every job.event / job.result / job.error (of a job) carries an integer event_seq, each
// one above the previous; any other frame that carries an event_seq joins the same chain.
// Pure: the suites hand it the frames of one connection, in arrival order.
import type { WireFrame } from '../harness/frames.ts';

export type SeqRequirement = 'SEQ-001' | 'SEQ-002' | 'SEQ-007';

export interface SeqFinding {
  readonly id: SeqRequirement;
  readonly message: string;
  /** The frame that broke the chain, and the one before it when there is one. */
  readonly frames: readonly WireFrame[];
}

/** A job's frames that take a seq; a job.error with no job_id is a rejected request (DESIGN §5). */
export function isSequenced(frame: WireFrame): boolean {
  return frame.type === 'job.event' || frame.type === 'job.result' || (frame.type === 'job.error' && frame.job_id !== undefined);
}

function isSeq(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function label(frame: WireFrame): string {
  const job = frame.job_id === undefined ? '' : ` of job ${String(frame.job_id)}`;
  return `${String(frame.type)}${job}`;
}

/**
 * Every place the chain breaks. The first frame with an event_seq may start anywhere (a
 * fresh connection, or one a resume started: the caller checks that start itself). After a
 * slip the chain resynchronises on the highest seq seen, so one swap is reported once or
 * twice, not for the rest of the run.
 */
export function seqChainFindings(frames: readonly WireFrame[]): SeqFinding[] {
  const findings: SeqFinding[] = [];
  let expected: number | undefined;
  let previous: WireFrame | undefined;
  for (const frame of frames) {
    const sequenced = isSequenced(frame);
    const seq = frame.event_seq;
    if (seq === undefined || seq === null) {
      if (sequenced) findings.push({ id: 'SEQ-001', message: `${label(frame)} carries no event_seq`, frames: [frame] });
      continue;
    }
    if (!isSeq(seq)) {
      findings.push({
        id: sequenced ? 'SEQ-001' : 'SEQ-007',
        message: `${label(frame)} carries event_seq ${JSON.stringify(seq)}, not a non-negative integer`,
        frames: [frame],
      });
      continue;
    }
    if (expected !== undefined && seq !== expected) {
      findings.push({
        id: sequenced ? 'SEQ-002' : 'SEQ-007',
        message: `${label(frame)} has event_seq ${seq} right after event_seq ${expected - 1}${
          previous === undefined ? '' : ` (${label(previous)})`
        }; expected ${expected}`,
        frames: previous === undefined ? [frame] : [previous, frame],
      });
    }
    expected = Math.max(expected ?? 0, seq + 1);
    previous = frame;
  }
  return findings;
}

/** The event_seq values of the sequenced frames, in arrival order (for evidence strings). */
export function seqsOf(frames: readonly WireFrame[]): unknown[] {
  return frames.filter(isSequenced).map((f) => f.event_seq);
}
