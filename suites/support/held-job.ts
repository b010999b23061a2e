// A held job: it emits some marked events, holds still for HOLD_MS, emits the rest and ends
// on its own. Tests do what they check during the hold (subscribe, resubmit), so "before"
// and "after" are the job's, not a race, and no test needs a cancel to release it (a
// runtime may end a cancelled job at once, v1.0 §7.4, so a cancel cannot release a job
// that must still emit). Used by the subscribe, security and idempotency suites.
import type { AgentScript, Step } from '../../spec/agent-script.ts';
import { payloadOf, type WireFrame } from '../harness/frames.ts';
import type { Session } from '../harness/session.ts';
import type { ConformanceContext } from '../verdicts/conformance-test.ts';
import { isTerminal } from './index.ts';

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

