// Idempotency (v1.1 §7.2, v1.0 §7.2): a (principal, idempotency_key) names one job. Keys
// are fresh per test so runs against a long-lived server never collide.
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { describe } from 'vitest';
import type { AgentScript } from '../../spec/agent-script.ts';
import { JobAcceptedPayload } from '../../spec/messages.ts';
import { type WireFrame, payloadOf } from '../harness/frames.ts';
import type { Session } from '../harness/session.ts';
import {
  brief,
  evidenceAround,
  framesOfJob,
  isTerminal,
  QUIET_MS,
  requireAgent,
  runToTerminal,
  submit,
  submitAccepted,
  waitForTerminal,
  withAgentSession,
  withSessions,
} from '../support/index.ts';
import { branchViews } from '../events/branch-markers.ts';
import { HOLD_MS, heldScript, requireStillHeld } from '../support/held-job.ts';
import { waitForMarkers } from '../subscribe/support.ts';
import { type ConformanceContext, conformanceTest } from '../verdicts/conformance-test.ts';

function freshKey(): string {
  return `conformance-${randomUUID()}`;
}

const SHORT: AgentScript = { steps: [{ op: 'emit', kind: 'log' }, { op: 'finish' }] };

/** Judges a resubmission's job.accepted against the first one: same payload, same job_id. */
/**
 * The job.accepted fields the drafts define. "The same job.accepted payload" (v1.1 §7.2) is
 * judged on these: a field of the server's own (a correlation id echoing the new submit, say)
 * may differ, since no sentence gives it a meaning to keep.
 */
const DEFINED_ACCEPTED_FIELDS = Object.keys(JobAcceptedPayload.shape);

function definedFields(frame: WireFrame): Record<string, unknown> {
  const payload = payloadOf(frame);
  return Object.fromEntries(DEFINED_ACCEPTED_FIELDS.filter((k) => k in payload).map((k) => [k, payload[k]]));
}

function judgeSameAcceptance(t: ConformanceContext, id: string, session: Session, first: WireFrame, again: WireFrame, where: string): void {
  t.must(id, isDeepStrictEqual(definedFields(again), definedFields(first)), () => ({
    expected: `the first job.accepted payload again (${where}), in the fields the drafts define: ${JSON.stringify(definedFields(first))}`,
    actual: JSON.stringify(definedFields(again)),
    ...evidenceAround(session, again),
  }));
}

/** Watches for a job.accepted naming a job other than `jobId`: a rejected resubmission starts none. */
function watchOtherJob(session: Session, jobId: string, after: number): Promise<WireFrame | undefined> {
  return session.watch((f) => f.type === 'job.accepted' && payloadOf(f).job_id !== jobId, {
    description: `a job.accepted for a job other than ${jobId}`,
    forMs: QUIET_MS,
    after,
  });
}

describe('jobs: idempotency', () => {
  conformanceTest(
    'resubmitting an idempotency_key with identical parameters returns the same job.accepted, on the same and on another session of the principal',
    { requirements: ['IDEM-001'] },
    (t: ConformanceContext) =>
      withSessions(t, async (sessions) => {
        const a = await sessions.open({ label: 'first' });
        requireAgent(t, a);
        const payload = { idempotency_key: freshKey() };
        const run = await runToTerminal(a, t, 'IDEM-001', SHORT, { payload });
        const again = await submitAccepted(a, t, 'IDEM-001', SHORT, { payload });
        judgeSameAcceptance(t, 'IDEM-001', a, run.accepted, again.frame, 'same session');
        const b = await sessions.open({ label: 'second' });
        const elsewhere = await submitAccepted(b, t, 'IDEM-001', SHORT, { payload });
        judgeSameAcceptance(t, 'IDEM-001', b, run.accepted, elsewhere.frame, 'another session of the same principal');
      }),
  );

  conformanceTest(
    'a reused idempotency_key with different input (or another agent version) is rejected with DUPLICATE_KEY and starts no job',
    { requirements: ['IDEM-002'] },
    (t: ConformanceContext) =>
      withAgentSession(t, async (s) => {
        const key = freshKey();
        const { jobId } = await submitAccepted(s, t, 'IDEM-002', SHORT, { payload: { idempotency_key: key } });
        const conflicts: Array<{ what: string; input: AgentScript; agent?: string }> = [
          { what: 'different input', input: { steps: [{ op: 'emit', kind: 'thought' }, { op: 'finish' }] } },
        ];
        // A pinned non-default version is a different agent (v1.0 §7.2), when there is one.
        const info = s.agents.find((a) => a.name === t.target.profile.agent);
        const other = s.features.has('agent_versions') ? info?.versions.find((v) => v !== info.default) : undefined;
        if (info?.default !== undefined && other !== undefined) conflicts.push({ what: `agent ${info.name}@${other}`, input: SHORT, agent: `${info.name}@${other}` });
        for (const conflict of conflicts) {
          const mark = s.mark();
          const outcome = await submit(s, t, conflict.input, { payload: { idempotency_key: key }, ...(conflict.agent ? { agent: conflict.agent } : {}) });
          t.must('IDEM-002', !outcome.accepted && outcome.code === 'DUPLICATE_KEY', () => ({
            expected: `a rejection with code DUPLICATE_KEY for the key reused with ${conflict.what}`,
            actual: brief(outcome.frame),
            ...evidenceAround(s, outcome.frame),
          }));
          const started = await watchOtherJob(s, jobId, mark);
          t.must('IDEM-002', started === undefined, () => ({
            expected: 'no new job after DUPLICATE_KEY',
            actual: brief(started),
            ...evidenceAround(s, ...(started ? [started] : [])),
          }));
        }
      }),
  );

  conformanceTest(
    'a resubmission while the job runs returns its job_id and streams its further events and terminal to the resubmitting session',
    { requirements: ['IDEM-003'] },
    (t: ConformanceContext) =>
      withSessions(t, async (sessions) => {
        const a = await sessions.open({ label: 'submitter' });
        requireAgent(t, a);
        // A held job: one event, a hold during which the resubmission lands, three more events.
        const script = heldScript(1, 3);
        const payload = { idempotency_key: freshKey() };
        const markA = a.mark();
        const first = await submitAccepted(a, t, 'IDEM-003', script, { payload });
        await waitForMarkers(a, first.jobId, 1, t.target.timeoutMs, markA);
        const b = await sessions.open({ label: 'resubmitter' });
        const mark = b.mark();
        const again = await submitAccepted(b, t, 'IDEM-003', script, { payload });
        requireStillHeld(t, a, first.jobId, 1, again.frame, 'the job.accepted of the resubmission');
        t.must('IDEM-003', again.jobId === first.jobId, () => ({
          expected: `job.accepted naming the running job ${first.jobId}`,
          actual: brief(again.frame),
          ...evidenceAround(b, again.frame),
        }));
        const terminal = await waitForTerminal(b, first.jobId, t.target.timeoutMs + HOLD_MS, mark);
        const later = branchViews(framesOfJob(b, first.jobId, mark), first.jobId).get('0')?.markers ?? [];
        t.must('IDEM-003', [1, 2, 3].every((i) => later.includes(i)), () => ({
          expected: 'the job\'s events after the resubmission (markers 1, 2, 3 of branch 0) on the resubmitting session',
          actual: `markers [${later.join(', ')}] before ${brief(terminal)}`,
          ...evidenceAround(b, terminal),
        }));
      }),
  );

  conformanceTest(
    'a resubmission after the job ended returns its job_id and delivers its terminal to a new session',
    { requirements: ['IDEM-004'] },
    (t: ConformanceContext) =>
      withSessions(t, async (sessions) => {
        const a = await sessions.open({ label: 'submitter' });
        requireAgent(t, a);
        const payload = { idempotency_key: freshKey() };
        const run = await runToTerminal(a, t, 'IDEM-004', SHORT, { payload });

        const b = await sessions.open({ label: 'resubmitter' });
        const markB = b.mark();
        const again = await submitAccepted(b, t, 'IDEM-004', SHORT, { payload });
        t.must('IDEM-004', again.jobId === run.jobId, () => ({
          expected: `job.accepted naming the finished job ${run.jobId}`,
          actual: brief(again.frame),
          ...evidenceAround(b, again.frame),
        }));
        const replayed = await b.watch((f) => isTerminal(f) && f.job_id === run.jobId, {
          description: `the terminal of ${run.jobId} on the resubmitting session`,
          forMs: t.target.timeoutMs,
          after: markB,
        });
        t.must('IDEM-004', replayed !== undefined && replayed.type === run.terminal.type && payloadOf(replayed).final_status === payloadOf(run.terminal).final_status, () => ({
          expected: `the job's terminal (${brief(run.terminal)}) replayed to the resubmitting session`,
          actual: brief(replayed),
          ...evidenceAround(b, again.frame, ...(replayed ? [replayed] : [])),
        }));
        // A resubmission on the submitting session may replay the terminal there too: v1.0 §7.2
        // "If terminal, the runtime MUST return the existing `job_id` and replay the terminal event."
      }),
  );

  conformanceTest(
    'the same idempotency_key from another principal never returns the first principal\'s job or DUPLICATE_KEY',
    { requirements: ['IDEM-005'] },
    (t: ConformanceContext) =>
      withSessions(t, async (sessions) => {
        const a = await sessions.open({ label: 'primary' });
        requireAgent(t, a);
        const b = await sessions.open({ principal: 'secondary', label: 'secondary' });
        const cases: Array<{ what: string; input: AgentScript }> = [
          { what: 'identical parameters', input: SHORT },
          { what: 'different input', input: { steps: [{ op: 'emit', kind: 'thought' }, { op: 'finish' }] } },
        ];
        for (const c of cases) {
          const payload = { idempotency_key: freshKey() };
          const mine = await submitAccepted(a, t, 'IDEM-005', SHORT, { payload });
          const theirs = await submit(b, t, c.input, { payload });
          const leaked = theirs.accepted ? theirs.jobId === mine.jobId : theirs.code === 'DUPLICATE_KEY';
          t.must('IDEM-005', !leaked, () => ({
            expected: `the other principal's submit with the same key (${c.what}) treated as its own: a new job, never ${mine.jobId} or DUPLICATE_KEY`,
            actual: brief(theirs.frame),
            ...evidenceAround(b, theirs.frame),
          }));
        }
      }),
  );
});
