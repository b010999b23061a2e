// Jobs outlive the transport (v1.1 §6.4, §6.7, v1.0 §1.2), judged without resume: after a
// session.close, a drop, or a heartbeat loss the server detects, a NEW session of the same
// principal follows the job (job.subscribe with history, else session.list_jobs) and sees it
// run on to its own end. A server whose resume also fails cannot hide a killed job here.
// max_runtime_sec still ends a job with TIMEOUT while its submitter is away.
import { describe } from 'vitest';
import type { AgentScript } from '../../spec/agent-script.ts';
import { type WireFrame, payloadOf } from '../harness/frames.ts';
import type { Session } from '../harness/session.ts';
import { type TestSessions, QUIET_MS, brief, evidenceAround, findListedJob, isTerminal, requireAgent, submitAccepted, withSessions } from '../support/index.ts';
import { requestSubscribe } from '../subscribe/support.ts';
import { type ConformanceContext, conformanceTest } from '../verdicts/conformance-test.ts';

/** What a new session of the submitter's principal saw of the job's end. */
interface SeenEnd {
  /** final_status of the terminal, or the listed status; undefined when the job had not ended within the bound. */
  readonly status: string | undefined;
  readonly how: string;
  readonly frames: WireFrame[];
}

const TERMINAL_STATUSES = new Set(['success', 'error', 'cancelled', 'timed_out']);

/**
 * Opens a new session of the primary principal and follows `jobId` to its end, within
 * `boundMs`: by job.subscribe with history (the submitting principal may always subscribe,
 * v1.1 §7.6), else by listing it until its status is terminal. N/A with neither feature.
 */
async function followFromNewSession(t: ConformanceContext, sessions: TestSessions, jobId: string, boundMs: number): Promise<SeenEnd> {
  const observer = await sessions.open({ label: 'new session, same principal' });
  const deadline = Date.now() + boundMs;
  if (observer.features.has('subscribe')) {
    const sub = await requestSubscribe(observer, t, jobId, { history: true });
    if (sub.subscribed) {
      const terminal = await observer.watch((f) => isTerminal(f) && f.job_id === jobId, {
        description: `the terminal of ${jobId} at a new session`,
        forMs: Math.max(0, deadline - Date.now()),
        after: sub.mark,
      });
      const status = terminal === undefined ? undefined : String(payloadOf(terminal).final_status);
      return { status, how: terminal === undefined ? `no terminal at the subscriber within ${boundMs} ms` : brief(terminal), frames: [sub.frame, ...(terminal ? [terminal] : [])] };
    }
  }
  if (!observer.features.has('list_jobs')) t.notApplicable('features not negotiated: subscribe and list_jobs (a new session sees a job only through them)');
  return pollListedStatus(t, observer, jobId, deadline);
}

/** Lists the job until its status is terminal or the deadline passes. */
async function pollListedStatus(t: ConformanceContext, observer: Session, jobId: string, deadline: number): Promise<SeenEnd> {
  for (;;) {
    const { row, listing } = await findListedJob(observer, t, jobId);
    const status = typeof row?.status === 'string' ? row.status : undefined;
    if (row === undefined) t.untestable(`job ${jobId} is not listed for its own principal (${brief(listing)}), so its end cannot be followed from a new session`);
    if (TERMINAL_STATUSES.has(status as string) || Date.now() >= deadline) {
      return { status: TERMINAL_STATUSES.has(status as string) ? status : undefined, how: `listed with status ${String(status)}`, frames: [listing] };
    }
    await observer.watch(() => false, { description: 'a pause between two listings', forMs: QUIET_MS });
  }
}

/** A job that emits one event, pauses `pauseMs`, emits another and finishes. */
function outlivingScript(pauseMs: number): AgentScript {
  return { steps: [{ op: 'emit', kind: 'log' }, { op: 'sleep', ms: pauseMs }, { op: 'emit', kind: 'log' }, { op: 'finish' }] };
}

type Leave = 'close' | 'drop' | 'heartbeat';

/** Submits a job, leaves the way given, and judges from a new session that the job ends with its own success. */
async function judgeOutlives(t: ConformanceContext, id: string, leave: Leave): Promise<void> {
  await withSessions(t, async (sessions) => {
    const submitter = await sessions.open({ label: 'submitter' });
    requireAgent(t, submitter);
    let pauseMs = 1500;
    const intervalMs = (submitter.heartbeatIntervalSec ?? 0) * 1000;
    if (leave === 'heartbeat') {
      if (!submitter.features.has('heartbeat') || intervalMs <= 0) t.notApplicable('heartbeat not negotiated (or no heartbeat_interval_sec in the welcome)');
      // v1.1 §6.4: the server may give up on a silent peer after two intervals.
      pauseMs = Math.ceil(2.5 * intervalMs) + 1500;
    }
    const bound = pauseMs + t.target.timeoutMs;
    if (bound > t.target.maxWaitMs) t.untestable(`needs to wait up to ${bound} ms for the job; raise ARCP_MAX_WAIT_MS above ${t.target.maxWaitMs}`);
    const mark = submitter.mark();
    const { jobId } = await submitAccepted(submitter, t, id, outlivingScript(pauseMs));
    await submitter.waitFor((f) => f.type === 'job.event' && f.job_id === jobId, { description: `the first event of ${jobId}`, after: mark });
    let left: string = leave;
    if (leave === 'close') await submitter.close();
    else if (leave === 'drop') submitter.drop();
    else {
      // Stay connected and silent until the server closes for heartbeat loss (a MAY): then it is the server's doing.
      submitter.connection.autoPong = false;
      const closed = await submitter.connection.closedWithin(Math.ceil(2.5 * intervalMs));
      if (closed === undefined) submitter.drop();
      left = closed === undefined ? 'a silent heartbeat interval (the server kept the socket; the kit dropped it)' : `the server closed the silent session (code ${closed.code})`;
    }
    const seen = await followFromNewSession(t, sessions, jobId, bound);
    t.must(id, seen.status === 'success', () => ({
      expected: `job ${jobId} runs on after ${left} and ends with its own success, seen from a new session of its principal`,
      actual: seen.how,
      ...evidenceAround(submitter, ...seen.frames),
    }));
  });
}

describe('jobs outlive the transport', () => {
  conformanceTest('a job runs on to its own success after its session closes, seen from a new session', { requirements: ['CLOSE-002'] }, (t: ConformanceContext) =>
    judgeOutlives(t, 'CLOSE-002', 'close'),
  );

  conformanceTest('a job runs on to its own success after its transport drops, seen from a new session', { requirements: ['LIFE-006'] }, (t: ConformanceContext) =>
    judgeOutlives(t, 'LIFE-006', 'drop'),
  );

  conformanceTest(
    'a job runs on to its own success after the server loses its session\'s heartbeat, seen from a new session',
    { requirements: ['HB-003'], timeoutMs: 60_000 },
    (t: ConformanceContext) => judgeOutlives(t, 'HB-003', 'heartbeat'),
  );

  conformanceTest(
    'max_runtime_sec ends a job with TIMEOUT while its submitter is away',
    { requirements: ['LIFE-005'], timeoutMs: 60_000 },
    (t: ConformanceContext) =>
      withSessions(t, async (sessions) => {
        const submitter = await sessions.open({ label: 'submitter' });
        requireAgent(t, submitter);
        const maxRuntimeSec = 1;
        const bound = maxRuntimeSec * 1000 + 2 * t.target.timeoutMs;
        if (bound > t.target.maxWaitMs) t.untestable(`needs to wait up to ${bound} ms for max_runtime_sec; raise ARCP_MAX_WAIT_MS above ${t.target.maxWaitMs}`);
        const script: AgentScript = { steps: [{ op: 'emit', kind: 'log' }, { op: 'wait_cancel', max_ms: 30_000 }, { op: 'finish' }] };
        const { jobId } = await submitAccepted(submitter, t, 'LIFE-005', script, { payload: { max_runtime_sec: maxRuntimeSec } });
        submitter.drop();
        const seen = await followFromNewSession(t, sessions, jobId, bound);
        t.must('LIFE-005', seen.status === 'timed_out', () => ({
          expected: `job ${jobId} ends timed_out (job.error TIMEOUT) once its max_runtime_sec of ${maxRuntimeSec} s passed, though its submitter dropped`,
          actual: seen.how,
          ...evidenceAround(submitter, ...seen.frames),
        }));
      }),
  );
});
