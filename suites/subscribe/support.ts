// Helpers of the subscribe suite, also used by the security suite: a job that holds still
// until the test releases it, job.subscribe with its reply, and event markers.
import type { AgentScript, Step } from '../../spec/agent-script.ts';
import { payloadOf, type WireFrame } from '../harness/frames.ts';
import type { Session } from '../harness/session.ts';
import { evidenceAround, isRejection } from '../support/index.ts';
import type { ConformanceContext } from '../verdicts/conformance-test.ts';

/** Longest a held job waits for its release; a failed test leaves it running no longer. */
export const HOLD_MAX_MS = 10_000;
/** After the release the agent runs its remaining steps for at most this long. */
const LINGER_MS = 5_000;

/**
 * `before` marked log events, a wait for a cancel (bounded by HOLD_MAX_MS), then `after`
 * more marked log events. The test releases the job with the owner's job.cancel: with
 * `on_cancel.linger_ms` the agent still emits the `after` events, then the job ends with
 * its one CANCELLED terminal (spec/conformance-agent.md, "Cancel"). The release is a
 * client action, so "emitted before subscribing" and "emitted after" are never a race.
 */
export function heldScript(before: number, after: number): AgentScript {
  const emit = (count: number, message: string): Step[] => (count > 0 ? [{ op: 'emit', kind: 'log', count, body: { message } }] : []);
  return {
    steps: [...emit(before, 'before release'), { op: 'wait_cancel', max_ms: HOLD_MAX_MS }, ...emit(after, 'after release'), { op: 'finish' }],
    on_cancel: { linger_ms: LINGER_MS },
  };
}

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

/** Whether the frame is a job.event of `jobId` carrying a marker of the script's top level. */
export function topLevelMarker(frame: WireFrame, jobId: string): number | undefined {
  if (frame.type !== 'job.event' || frame.job_id !== jobId) return undefined;
  const body = payloadOf(frame).body;
  if (typeof body !== 'object' || body === null) return undefined;
  const marker = (body as { marker?: unknown }).marker;
  if (typeof marker !== 'object' || marker === null) return undefined;
  const { branch, i } = marker as { branch?: unknown; i?: unknown };
  return branch === '0' && typeof i === 'number' ? i : undefined;
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

/**
 * Releases a held job with the owner's job.cancel. The release took effect when the job
 * answers: job.cancelled, or its next event or terminal (a server need not send
 * job.cancelled; that absence is judged once, by its own requirement). Throws (the test
 * fails with the transcript) when the owner's own cancel is refused.
 */
export async function releaseHeldJob(owner: Session, t: ConformanceContext, jobId: string): Promise<void> {
  const reply = await owner.request(
    'job.cancel',
    { job_id: jobId, reason: 'conformance: release the held job' },
    (f) => isRejection(f) || (['job.cancelled', 'job.event', 'job.result', 'job.error'].includes(String(f.type)) && isOfJob(f, jobId)),
    { description: `an answer of job ${jobId} to the kit's release (job.cancelled, an event or its terminal)`, timeoutMs: t.target.timeoutMs, envelope: { job_id: jobId } },
  );
  if (isRejection(reply)) {
    throw new Error(
      `the owner's job.cancel releasing held job ${jobId} was answered with ${String(reply.type)} ${String(payloadOf(reply).code ?? '')}; ` +
        'the subscribe checks need the submitting session to be able to cancel (CANCEL-001)',
    );
  }
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
