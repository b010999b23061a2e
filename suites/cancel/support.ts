// Helpers of the cancel suites: a job that waits to be cancelled, and the judgement of a
// live cancel (one job.cancelled before one CANCELLED terminal).
import type { AgentScript } from '../../spec/agent-script.ts';
import { type WireFrame, payloadOf } from '../harness/frames.ts';
import type { Session } from '../harness/session.ts';
import { QUIET_MS, brief, evidenceAround, framesOfJob, isTerminal, submitAccepted, waitForAgentEvent } from '../support/index.ts';
import type { ConformanceContext } from '../verdicts/conformance-test.ts';

/** A job that emits one event and then waits (bounded) for a cancel; without one it finishes. */
export function cancellable(maxMs: number, extra: Partial<AgentScript> = {}): AgentScript {
  return { steps: [{ op: 'emit', kind: 'log' }, { op: 'wait_cancel', max_ms: maxMs }, { op: 'emit', kind: 'log' }, { op: 'finish' }], ...extra };
}

/** Submits a cancellable job and waits until it has emitted its first event (so it is live). */
export async function startLiveJob(session: Session, t: ConformanceContext, id: string, script: AgentScript): Promise<{ jobId: string; mark: number }> {
  const mark = session.mark();
  const { jobId } = await submitAccepted(session, t, id, script);
  await waitForAgentEvent(session, jobId, { after: mark });
  return { jobId, mark };
}

export function isCancelledAck(jobId: string): (f: WireFrame) => boolean {
  return (f) => f.type === 'job.cancelled' && (f.job_id === jobId || payloadOf(f).job_id === jobId);
}

export function isCancelledTerminal(frame: WireFrame): boolean {
  const p = payloadOf(frame);
  return frame.type === 'job.error' && p.code === 'CANCELLED' && p.final_status === 'cancelled';
}

/** Waits out a quiet period and returns every terminal of `jobId` received from `after`. */
export async function terminalsAfterQuiet(session: Session, jobId: string, after: number): Promise<WireFrame[]> {
  await session.watch(() => false, { description: `more frames of ${jobId}`, forMs: QUIET_MS });
  return framesOfJob(session, jobId, after).filter(isTerminal);
}

/** Judges the live-cancel outcome: one job.cancelled before one CANCELLED terminal. */
export function judgeCancelled(t: ConformanceContext, session: Session, jobId: string, after: number, terminal: WireFrame): void {
  const frames = framesOfJob(session, jobId, after);
  const ackAt = frames.findIndex(isCancelledAck(jobId));
  const terminalAt = frames.indexOf(terminal);
  t.must('CANCEL-001', ackAt >= 0 && ackAt < terminalAt, () => ({
    expected: `job.cancelled for ${jobId} before its terminal`,
    actual: ackAt < 0 ? `no job.cancelled; terminal ${brief(terminal)}` : `job.cancelled after ${brief(terminal)}`,
    ...evidenceAround(session, terminal, ...(ackAt >= 0 ? [frames[ackAt] as WireFrame] : [])),
  }));
  t.must('CANCEL-002', isCancelledTerminal(terminal), () => ({
    expected: 'job.error {code: "CANCELLED", final_status: "cancelled"} as the cancelled job\'s terminal',
    actual: brief(terminal),
    ...evidenceAround(session, terminal),
  }));
}
