// Helpers of the subscribe suite, also used by the security suite: a job that holds still
// for a while, job.subscribe with its reply, and event markers.
import { payloadOf, type WireFrame } from '../harness/frames.ts';
import type { Session } from '../harness/session.ts';
import { evidenceAround, isRejection } from '../support/index.ts';
import { HOLD_MS, heldScript, requireStillHeld, topLevelMarker } from '../support/held-job.ts';

export { HOLD_MS, heldScript, requireStillHeld, topLevelMarker };
import type { ConformanceContext } from '../verdicts/conformance-test.ts';

/** Deep equality of JSON values, whatever the key order. */
export function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => [k, sortKeys(v)]),
    );
  }
  return value;
}

function isOfJob(frame: WireFrame, jobId: string): boolean {
  return frame.job_id === jobId || payloadOf(frame).job_id === jobId;
}

/** The job.events of `jobId` with top-level markers, in arrival order. */
export function markedEvents(frames: readonly WireFrame[], jobId: string): { frame: WireFrame; i: number }[] {
  const out: { frame: WireFrame; i: number }[] = [];
  for (const frame of frames) {
    const i = topLevelMarker(frame, jobId);
    if (i !== undefined) out.push({ frame, i });
  }
  return out;
}

/** Waits until the session has received the job's marked events 0..count-1 (any order). */
export async function waitForMarkers(session: Session, jobId: string, count: number, timeoutMs: number, after = 0): Promise<void> {
  const seen = new Set<number>();
  await session.waitFor(
    (frame) => {
      const i = topLevelMarker(frame, jobId);
      if (i !== undefined && i < count) seen.add(i);
      return seen.size >= count;
    },
    { description: `marked events 0..${count - 1} of job ${jobId}`, timeoutMs, after },
  );
}

export interface SubscribeOptions {
  readonly history?: boolean;
  readonly fromEventSeq?: number;
}

export type SubscribeOutcome =
  | { readonly subscribed: true; readonly frame: WireFrame; readonly mark: number }
  | { readonly subscribed: false; readonly frame: WireFrame; readonly mark: number; readonly code: unknown };

/**
 * Sends job.subscribe and waits for job.subscribed or a refusal: session.error, a job.error
 * naming no job, or a job.error about this job that is not a terminal (no final_status).
 * `mark` is the inbox position before the request, so replayed events are never missed.
 */
export async function requestSubscribe(
  session: Session,
  t: ConformanceContext,
  jobId: string,
  options: SubscribeOptions = {},
): Promise<SubscribeOutcome> {
  const payload: Record<string, unknown> = { job_id: jobId };
  if (options.history !== undefined) payload.history = options.history;
  if (options.fromEventSeq !== undefined) payload.from_event_seq = options.fromEventSeq;
  const mark = session.mark();
  const frame = await session.request(
    'job.subscribe',
    payload,
    (f) =>
      (f.type === 'job.subscribed' && payloadOf(f).job_id === jobId) ||
      isRejection(f) ||
      (f.type === 'job.error' && isOfJob(f, jobId) && payloadOf(f).final_status === undefined),
    { description: `job.subscribed or a refusal for job.subscribe of ${jobId}`, timeoutMs: t.target.timeoutMs },
  );
  if (frame.type === 'job.subscribed') return { subscribed: true, frame, mark };
  return { subscribed: false, frame, mark, code: payloadOf(frame).code };
}

/** Subscribes and requires job.subscribed: a refusal fails the given requirement. */
export async function subscribeAccepted(
  session: Session,
  t: ConformanceContext,
  requirementId: string,
  jobId: string,
  options: SubscribeOptions = {},
): Promise<{ frame: WireFrame; mark: number }> {
  const outcome = await requestSubscribe(session, t, jobId, options);
  t.must(requirementId, outcome.subscribed, () => ({
    expected: `job.subscribed for job ${jobId} (a principal may always subscribe to its own job)`,
    actual: `${String(outcome.frame.type)} code=${String(payloadOf(outcome.frame).code)}`,
    ...evidenceAround(session, outcome.frame),
  }));
  return outcome;
}
