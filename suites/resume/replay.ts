// Resuming a session and reading what the new connection received: the replay, the live
// frames after it, and each watched job's terminal. Shared by the resume and session suites.
import { isDeepStrictEqual } from 'node:util';
import { assertServerStop } from '../harness/errors.ts';
import type { Resumed, ResumeOptions, Session } from '../harness/session.ts';
import type { WireFrame } from '../harness/frames.ts';
import { isTerminal } from '../support/index.ts';
import { isSequenced, seqOf } from '../session/helpers.ts';

export interface Replay {
  readonly resumed: Resumed;
  /** The last_event_seq the resume presented. */
  readonly lastEventSeq: number;
  /** Every frame the new connection received (replay before or after the welcome, then live). */
  readonly frames: readonly WireFrame[];
  /** The terminal of each watched job that arrived on the new connection. */
  readonly terminals: ReadonlyMap<string, WireFrame>;
}

export interface CollectOptions extends ResumeOptions {
  /** After the terminals (or at once, with no job to watch): how long to keep listening for stray frames. */
  readonly settleMs?: number;
}

/**
 * Resumes `session` and collects the new connection's frames until every job in `jobIds`
 * has its terminal there (each wait bounded by `timeoutMs`), then `settleMs` more. Throws
 * the harness's `rejected`/`timeout` error when the resume is not welcomed.
 */
export async function collectReplay(session: Session, jobIds: readonly string[], timeoutMs: number, options: CollectOptions = {}): Promise<Replay> {
  const lastEventSeq = options.lastEventSeq ?? session.lastEventSeq ?? 0;
  const resumed = await session.resume({ ...options, lastEventSeq, timeoutMs: options.timeoutMs ?? timeoutMs });
  const terminals = new Map<string, WireFrame>();
  for (const jobId of jobIds) {
    const terminal = await session.watch((f) => isTerminal(f) && f.job_id === jobId, {
      description: `the terminal of job ${jobId}`,
      forMs: timeoutMs,
      after: resumed.mark,
    });
    if (terminal !== undefined) terminals.set(jobId, terminal);
  }
  const settleMs = options.settleMs ?? 0;
  if (settleMs > 0) await session.watch(() => false, { description: 'nothing (settling)', forMs: settleMs, after: resumed.mark });
  return { resumed, lastEventSeq, frames: resumed.connection.framesSince(resumed.mark), terminals };
}

export type ResumeOutcome =
  | { readonly replay: Replay; readonly refused?: undefined }
  | {
      readonly replay?: undefined;
      /** The harness's one-line account of the refusal (redacted). */
      readonly refused: string;
      /** A session.error or a close before any welcome; false when nothing answered in time. */
      readonly rejected: boolean;
      /** The session.error code, if one arrived. */
      readonly code: string | undefined;
    };

/** Like `collectReplay` with no job to watch, but a refused resume is a result, not a throw. */
export async function tryResume(session: Session, timeoutMs: number, options: CollectOptions = {}): Promise<ResumeOutcome> {
  try {
    return { replay: await collectReplay(session, [], timeoutMs, options) };
  } catch (error) {
    assertServerStop(error);
    return { refused: error.message, rejected: error.kind === 'rejected', code: error.code };
  }
}

/** Whether a replayed frame is the frame first delivered: same type, job, seq and payload. */
export function sameFrame(replayed: WireFrame, original: WireFrame): boolean {
  return (
    replayed.type === original.type &&
    replayed.job_id === original.job_id &&
    replayed.event_seq === original.event_seq &&
    isDeepStrictEqual(replayed.payload, original.payload)
  );
}

export interface ChainBreak {
  /** Index in the list of the frame that breaks the chain. */
  readonly index: number;
  readonly expected: number;
  readonly actual: number | undefined;
}

/** The first frame whose event_seq is not previous + 1 (the first must be `first`), if any. */
export function chainBreak(frames: readonly WireFrame[], first: number): ChainBreak | undefined {
  let expected = first;
  for (const [index, frame] of frames.entries()) {
    const seq = seqOf(frame);
    if (seq !== expected) return { index, expected, actual: seq };
    expected += 1;
  }
  return undefined;
}

/** The job frames (job.event/result/error with a seq) among `frames`. */
export function sequencedOnly(frames: readonly WireFrame[]): WireFrame[] {
  return frames.filter(isSequenced);
}
