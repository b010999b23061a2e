// Helpers of the subscribe suite, also used by the security suite: a job that holds still
// for a while, job.subscribe with its reply, and event markers.
import type { AgentScript, Step } from '../../spec/agent-script.ts';
import { payloadOf, type WireFrame } from '../harness/frames.ts';
import type { Session } from '../harness/session.ts';
import { evidenceAround, isRejection, isTerminal } from '../support/index.ts';
import type { ConformanceContext } from '../verdicts/conformance-test.ts';

/**
 * How long a held job sleeps between its `before` and `after` events: the test subscribes
 * (or tries what it checks) in between. Long against a subscribe round trip, short enough
 * that waiting it out costs little.
 */
export const HOLD_MS = 1_500;

/**
 * `before` marked log events, a sleep of HOLD_MS, then `after` more marked log events and
 * success. The job stops on its own: releasing it by a cancel would need the agent to
 * linger after the cancel, and a runtime may end a cancelled job at once (v1.0 §7.4). That
 * the test's step landed during the hold is checked, not assumed (requireStillHeld).
 */
export function heldScript(before: number, after: number): AgentScript {
  const emit = (count: number, message: string): Step[] => (count > 0 ? [{ op: 'emit', kind: 'log', count, body: { message } }] : []);
  return { steps: [...emit(before, 'before the hold'), { op: 'sleep', ms: HOLD_MS }, ...emit(after, 'after the hold'), { op: 'finish' }] };
}

/**
 * UNTESTABLE unless `frame` (the reply to the step the test took during the hold) reached
 * the kit before the owner received anything of the job's after the hold: its marked event
 * `before` or its terminal. Otherwise the step may have landed after the hold, and what the
 * test would conclude is about timing, not the server.
 */
export function requireStillHeld(t: ConformanceContext, owner: Session, jobId: string, before: number, frame: WireFrame, what: string): void {
  const index = (f: WireFrame | undefined) => (f === undefined ? undefined : owner.transcript.entryOf(f)?.index);
  const released = owner.connection
    .framesSince(0)
    .find((f) => topLevelMarker(f, jobId) === before || (isTerminal(f) && f.job_id === jobId));
  const releasedAt = index(released);
  const at = index(frame);
  if (releasedAt !== undefined && at !== undefined && releasedAt < at) {
    t.untestable(`${what} reached the kit only after job ${jobId} had passed its ${HOLD_MS} ms hold, so the check would measure timing, not the server; the server or the machine is too slow for it`);
  }
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
