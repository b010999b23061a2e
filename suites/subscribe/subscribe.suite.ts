// Subscription (v1.1 §7.6, §14): the authority descriptor in job.subscribed, history replay
// from from_event_seq, live-only subscriptions, the subscriber's own session_id and seq
// space, and the same-principal default. Every job here is a held job (support.ts): it
// emits some events, sleeps while the test subscribes, then emits the rest and ends on its
// own; a subscription that came too late for "before" and "after" to mean anything makes
// the test UNTESTABLE, never a verdict.
import { describe } from 'vitest';
import { JOB_STATUSES, isTerminalStatus } from '../../spec/primitives.ts';
import { payloadOf, type WireFrame } from '../harness/frames.ts';
import type { Session } from '../harness/session.ts';
import { type TestSessions, evidenceAround, requireAgent, requireFeatures, submitAccepted, waitForTerminal, withSessions } from '../support/index.ts';
import { conformanceTest, type ConformanceContext } from '../verdicts/conformance-test.ts';
import {
  HOLD_MS,
  heldScript,
  markedEvents,
  requestSubscribe,
  requireStillHeld,
  sameJson,
  type SubscribeOptions,
  subscribeAccepted,
  waitForMarkers,
} from './support.ts';

/** How long "nothing more arrives" is watched after a job's terminal reached its owner. */
const QUIET_MS = 400;

/** Opens the owner session and checks the gates every test here shares. */
async function openOwner(t: ConformanceContext, sessions: TestSessions): Promise<Session> {
  const owner = await sessions.open({ label: 'owner' });
  requireFeatures(t, owner, 'subscribe');
  requireAgent(t, owner);
  return owner;
}

/** Submits a held job and waits until its first `before` events reached the owner. */
async function startHeldJob(t: ConformanceContext, owner: Session, id: string, before: number, after: number, payload?: Record<string, unknown>) {
  const mark = owner.mark();
  const { jobId, frame } = await submitAccepted(owner, t, id, heldScript(before, after), payload ? { payload } : {});
  if (before > 0) await waitForMarkers(owner, jobId, before, t.target.timeoutMs, mark);
  return { jobId, accepted: frame, mark };
}

function list(values: readonly number[]): string {
  return `[${values.join(', ')}]`;
}

/** Marker indices of the job's events a session received since `mark`, in arrival order. */
function markersSince(session: Session, jobId: string, mark: number): number[] {
  return markedEvents(session.connection.framesSince(mark), jobId).map((e) => e.i);
}

/**
 * Subscribes `subscriber` (SUB-003) to the owner's held job during its hold (after `before`
 * events) and returns the markers the subscriber got through the terminal, with evidence
 * around job.subscribed and it.
 */
async function followToTheEnd(t: ConformanceContext, owner: Session, subscriber: Session, jobId: string, before: number, options: SubscribeOptions) {
  const sub = await subscribeAccepted(subscriber, t, 'SUB-003', jobId, options);
  requireStillHeld(t, owner, jobId, before, sub.frame, 'job.subscribed');
  const terminal = await waitForTerminal(subscriber, jobId, t.target.timeoutMs + HOLD_MS, sub.mark);
  const got = markersSince(subscriber, jobId, sub.mark);
  const evidence = (expected: string) => () => ({ expected, actual: `markers ${list(got)}`, ...evidenceAround(subscriber, sub.frame, terminal) });
  return { got, evidence };
}

/** A held job of 3 + 2 events followed with history from 0: markers 0-2 replayed first, each once (SUB-003), then all five exactly once (SUB-005). */
function judgeFullHistory(t: ConformanceContext, { got, evidence }: Awaited<ReturnType<typeof followToTheEnd>>, replayed: string): void {
  t.must('SUB-003', sameJson(got.slice(0, 3), [0, 1, 2]) && got.filter((i) => i < 3).length === 3, evidence(`${replayed} each once, in order: markers [0, 1, 2] before any later event`));
  t.must('SUB-005', sameJson(got, [0, 1, 2, 3, 4]), evidence('every event of the job exactly once across replay and live delivery: markers [0, 1, 2, 3, 4]'));
}

describe('subscribe', () => {
  conformanceTest(
    'job.subscribed describes the job: its job_id, a current status, the agent and the effective lease',
    { requirements: ['SUB-001'] },
    (t: ConformanceContext) =>
      withSessions(t, async (sessions) => {
        const owner = await openOwner(t, sessions);
        const lease = { 'tool.call': ['search'] };
        const { jobId, accepted } = await startHeldJob(t, owner, 'SUB-001', 1, 0, { lease_request: lease });
        const subscriber = await sessions.open({ label: 'subscriber (same principal)' });
        const { frame } = await subscribeAccepted(subscriber, t, 'SUB-001', jobId);
        requireStillHeld(t, owner, jobId, 1, frame, 'job.subscribed');
        const p = payloadOf(frame);
        const evidence = (expected: string, actual: string) => () => ({ expected, actual, ...evidenceAround(subscriber, frame) });
        t.must('SUB-001', p.job_id === jobId, evidence(`payload.job_id ${jobId}`, `payload.job_id ${JSON.stringify(p.job_id)}`));
        const status = p.current_status;
        t.must(
          'SUB-001',
          typeof status === 'string' && (JOB_STATUSES as readonly string[]).includes(status) && !isTerminalStatus(status),
          evidence('current_status pending or running (the job is held running)', `current_status ${JSON.stringify(status)}`),
        );
        t.must('SUB-001', typeof p.agent === 'string' && p.agent !== '', evidence('a non-empty string agent', `agent ${JSON.stringify(p.agent)}`));
        const acceptedLease = payloadOf(accepted).lease;
        t.must(
          'SUB-001',
          typeof p.lease === 'object' && p.lease !== null && sameJson(p.lease, acceptedLease),
          evidence(`lease equal to the effective lease of job.accepted, ${JSON.stringify(acceptedLease)}`, `lease ${JSON.stringify(p.lease)}`),
        );
        const entry = subscriber.transcript.entryOf(frame);
        t.must('SUB-001', entry?.verdict.valid === true, () => ({
          expected: 'job.subscribed valid against the job.subscribed schema',
          actual: entry?.verdict.valid === false ? entry.verdict.errors.join('; ') : 'no verdict recorded',
          ...evidenceAround(subscriber, frame),
        }));
      }),
  );

  conformanceTest(
    'job.subscribed echoes lease_constraints.expires_at and carries the budget counters current at subscription time',
    { requirements: ['SUB-002'] },
    (t: ConformanceContext) =>
      withSessions(t, async (sessions) => {
        const owner = await openOwner(t, sessions);
        const withExpiry = owner.features.has('lease_expires_at');
        const withBudget = owner.features.has('cost.budget');
        if (!withExpiry && !withBudget) t.notApplicable('neither lease_expires_at nor cost.budget negotiated: job.subscribed has no constraints or budget to carry');
        const expiresAt = new Date(Date.now() + 10 * 60_000).toISOString();
        const payload: Record<string, unknown> = {
          lease_request: { 'tool.call': ['search'], ...(withBudget ? { 'cost.budget': ['USD:1.00'] } : {}) },
          ...(withExpiry ? { lease_constraints: { expires_at: expiresAt } } : {}),
        };
        // Spend 0.25 first, so the counters at subscription time differ from the initial ones.
        const script = {
          steps: [
            ...(withBudget ? [{ op: 'cost' as const, amount: 0.25, currency: 'USD' }] : []),
            { op: 'emit' as const, kind: 'log', body: { message: 'spent' } },
            { op: 'sleep' as const, ms: HOLD_MS },
          ],
        };
        const mark = owner.mark();
        const { jobId } = await submitAccepted(owner, t, 'SUB-002', script, { payload });
        await waitForMarkers(owner, jobId, 1, t.target.timeoutMs, mark);
        const subscriber = await sessions.open({ label: 'subscriber (same principal)' });
        const { frame } = await subscribeAccepted(subscriber, t, 'SUB-002', jobId);
        const p = payloadOf(frame);
        if (withExpiry) {
          const echoed = (p.lease_constraints as { expires_at?: unknown } | undefined)?.expires_at;
          t.must('SUB-002', typeof echoed === 'string' && Date.parse(echoed) === Date.parse(expiresAt), () => ({
            expected: `lease_constraints.expires_at ${expiresAt} (the submitted instant)`,
            actual: `lease_constraints ${JSON.stringify(p.lease_constraints)}`,
            ...evidenceAround(subscriber, frame),
          }));
        }
        if (withBudget) {
          const usd = (p.budget as { USD?: unknown } | undefined)?.USD;
          t.must('SUB-002', typeof usd === 'number' && Math.abs(usd - 0.75) < 1e-9, () => ({
            expected: 'budget.USD 0.75 (USD:1.00 budget after a 0.25 USD cost metric that reached the owner before the subscribe)',
            actual: `budget ${JSON.stringify(p.budget)}`,
            ...evidenceAround(subscriber, frame),
          }));
        }
      }),
  );

  conformanceTest(
    'with history from event 0 a subscriber gets every earlier event once and in order, then the live events, none missing',
    { requirements: ['SUB-003', 'SUB-005'] },
    (t: ConformanceContext) =>
      withSessions(t, async (sessions) => {
        const owner = await openOwner(t, sessions);
        const { jobId } = await startHeldJob(t, owner, 'SUB-003', 3, 2);
        const subscriber = await sessions.open({ label: 'subscriber (same principal)' });
        const followed = await followToTheEnd(t, owner, subscriber, jobId, 3, { history: true, fromEventSeq: 0 });
        judgeFullHistory(t, followed, 'the three events emitted before the subscribe replayed first');
      }),
  );

  conformanceTest(
    'a subscriber with history that joins after a live subscriber still gets each event once, in order',
    { requirements: ['SUB-003', 'SUB-005'] },
    (t: ConformanceContext) =>
      withSessions(t, async (sessions) => {
        const owner = await openOwner(t, sessions);
        const { jobId } = await startHeldJob(t, owner, 'SUB-003', 3, 2);
        const live = await sessions.open({ label: 'live subscriber (same principal)' });
        await subscribeAccepted(live, t, 'SUB-003', jobId);
        const late = await sessions.open({ label: 'later subscriber with history' });
        const followed = await followToTheEnd(t, owner, late, jobId, 3, { history: true, fromEventSeq: 0 });
        judgeFullHistory(t, followed, 'the three earlier events replayed, though another session already followed the job live,');
      }),
  );

  conformanceTest(
    'with history from a later event_seq a subscriber gets only the events after it, then the live events',
    { requirements: ['SUB-003', 'SUB-005'] },
    (t: ConformanceContext) =>
      withSessions(t, async (sessions) => {
        const owner = await openOwner(t, sessions);
        const { jobId, mark } = await startHeldJob(t, owner, 'SUB-003', 3, 2);
        // from_event_seq has one meaning in every reading of §7.6 only when the job's own
        // numbering and the submitting session's coincide: the first job of a fresh session,
        // whose frames are seq 1, 2, 3, ... (job positions, as list_jobs' last_event_seq counts;
        // a runtime's own unmarked events count there too).
        const ownerSeqs = owner.connection
          .framesSince(mark)
          .filter((f) => f.type === 'job.event' && f.job_id === jobId)
          .map((f) => f.event_seq);
        const fromSeq = markedEvents(owner.connection.framesSince(mark), jobId).find((e) => e.i === 1)?.frame.event_seq;
        if (!ownerSeqs.every((seq, k) => seq === k + 1) || typeof fromSeq !== 'number') {
          t.untestable(
            `the owner's first events of a fresh session came with event_seq ${JSON.stringify(ownerSeqs)}, not 1, 2, 3, ..., ` +
              'so the kit cannot pick a from_event_seq that means the same in the job-position and the session-seq reading of v1.1 §7.6',
          );
        }
        const subscriber = await sessions.open({ label: 'subscriber (same principal)' });
        const { got, evidence } = await followToTheEnd(t, owner, subscriber, jobId, 3, { history: true, fromEventSeq: fromSeq });
        t.must(
          'SUB-003',
          got[0] === 2 && got.filter((i) => i < 3).length === 1,
          evidence(`only the event after from_event_seq ${fromSeq} replayed (marker 2, once, first); events at or below it (markers 0, 1) not sent`),
        );
        t.must('SUB-005', sameJson(got, [2, 3, 4]), evidence('markers [2, 3, 4]: the replayed event, then each live event once'));
      }),
  );

  conformanceTest(
    'with history false or absent a subscriber gets only the events emitted after job.subscribed',
    { requirements: ['SUB-004'] },
    (t: ConformanceContext) =>
      withSessions(t, async (sessions) => {
        const owner = await openOwner(t, sessions);
        const { jobId } = await startHeldJob(t, owner, 'SUB-004', 3, 2);
        const explicit = await sessions.open({ label: 'subscriber history:false' });
        const absent = await sessions.open({ label: 'subscriber history absent' });
        const subs: { session: Session; how: string; frame: WireFrame; mark: number }[] = [
          { session: explicit, how: 'history: false', ...(await subscribeAccepted(explicit, t, 'SUB-004', jobId, { history: false })) },
          { session: absent, how: 'history absent', ...(await subscribeAccepted(absent, t, 'SUB-004', jobId)) },
        ];
        for (const sub of subs) requireStillHeld(t, owner, jobId, 3, sub.frame, `job.subscribed (${sub.how})`);
        for (const sub of subs) {
          const terminal = await waitForTerminal(sub.session, jobId, t.target.timeoutMs + HOLD_MS, sub.mark);
          const got = markersSince(sub.session, jobId, sub.mark);
          t.must('SUB-004', sameJson(got, [3, 4]), () => ({
            expected: `with ${sub.how}: no replay of the 3 events emitted before the subscribe (markers 0-2), then the live events, markers [3, 4]`,
            actual: `markers ${list(got)}`,
            ...evidenceAround(sub.session, sub.frame, terminal),
          }));
        }
      }),
  );

  conformanceTest(
    "events forwarded to a subscriber carry the subscriber's session_id and continue its own event_seq sequence",
    { requirements: ['SUB-006'] },
    (t: ConformanceContext) =>
      withSessions(t, async (sessions) => {
        const owner = await openOwner(t, sessions);
        const subscriber = await sessions.open({ label: 'subscriber (same principal)' });
        // The subscriber's own job first, so its seq space is ahead of the owner's.
        const ownJob = await submitAccepted(subscriber, t, 'SUB-006', { steps: [{ op: 'emit', kind: 'log', count: 2 }, { op: 'finish' }] });
        await waitForTerminal(subscriber, ownJob.jobId, t.target.timeoutMs, 0);
        const { jobId } = await startHeldJob(t, owner, 'SUB-006', 2, 2);
        const sub = await subscribeAccepted(subscriber, t, 'SUB-006', jobId, { history: true, fromEventSeq: 0 });
        await waitForTerminal(subscriber, jobId, t.target.timeoutMs + HOLD_MS, sub.mark);

        let previous: WireFrame | undefined;
        for (const frame of subscriber.connection.framesSince(0)) {
          if (frame.type !== 'job.event' && frame.type !== 'job.result' && frame.type !== 'job.error') continue;
          if (typeof frame.event_seq !== 'number') continue;
          if (frame.job_id === jobId) {
            t.must('SUB-006', frame.session_id === subscriber.sessionId, () => ({
              expected: `session_id ${subscriber.sessionId} (the subscriber's) on ${String(frame.type)} of the subscribed job ${jobId}`,
              actual: `session_id ${JSON.stringify(frame.session_id)}${frame.session_id === owner.sessionId ? " (the submitting session's)" : ''}`,
              ...evidenceAround(subscriber, frame),
            }));
            const before = previous;
            t.must('SUB-006', before === undefined || frame.event_seq === (before.event_seq as number) + 1, () => ({
              expected: `event_seq ${(before?.event_seq as number) + 1}: one above the subscriber session's previous job frame (seq ${String(before?.event_seq)})`,
              actual: `event_seq ${String(frame.event_seq)} on ${String(frame.type)} of the subscribed job ${jobId}`,
              ...evidenceAround(subscriber, ...(before ? [before, frame] : [frame])),
            }));
          }
          previous = frame;
        }
        t.must('SUB-006', previous?.job_id === jobId, () => ({
          expected: `the subscribed job ${jobId}'s frames in the subscriber's sequence`,
          actual: 'no sequenced frame of the subscribed job reached the subscriber',
          ...evidenceAround(subscriber, sub.frame),
        }));
      }),
  );

  conformanceTest(
    "by default another principal's job.subscribe is refused with PERMISSION_DENIED or JOB_NOT_FOUND and delivers none of the job's events",
    { requirements: ['SUB-007', 'SUB-008'] },
    (t: ConformanceContext) =>
      withSessions(t, async (sessions) => {
        const owner = await openOwner(t, sessions);
        if (t.target.profile.subscribePolicy === 'any') {
          t.notApplicable('the profile declares subscribePolicy "any": this deployment lets any principal subscribe, so no subscribe is unauthorized');
        }
        const { jobId } = await startHeldJob(t, owner, 'SUB-007', 1, 2);
        const foreign = await sessions.open({ principal: 'secondary', label: 'other principal' });
        // Both forms of the request: one with history and a live one (servers often check them on separate paths).
        const forms = [
          { what: 'with history from event 0', options: { history: true, fromEventSeq: 0 } },
          { what: 'live, without history', options: {} },
        ];
        const answers: WireFrame[] = [];
        const from = foreign.mark();
        for (const form of forms) {
          const outcome = await requestSubscribe(foreign, t, jobId, form.options);
          answers.push(outcome.frame);
          const code = outcome.subscribed ? undefined : outcome.code;
          const refused = !outcome.subscribed && (code === 'PERMISSION_DENIED' || code === 'JOB_NOT_FOUND');
          const evidence = () => ({
            expected: `a refusal (session.error or job.error) with code PERMISSION_DENIED or JOB_NOT_FOUND for job.subscribe (${form.what}) of another principal's job ${jobId}`,
            actual: `${String(outcome.frame.type)}${code === undefined ? '' : ` code=${String(code)}`}`,
            ...evidenceAround(foreign, outcome.frame),
          });
          t.must('SUB-008', refused, evidence);
          t.must('SUB-007', refused, evidence);
        }
        await waitForTerminal(owner, jobId, t.target.timeoutMs + HOLD_MS);
        const isJobFrame = (f: WireFrame) => !answers.includes(f) && f.job_id === jobId && ['job.event', 'job.result', 'job.error'].includes(String(f.type));
        const leaked = await foreign.watch(isJobFrame, {
          description: `any event or terminal of job ${jobId} on the refused session`,
          forMs: QUIET_MS,
          after: from,
        });
        t.must('SUB-007', leaked === undefined, () => ({
          expected: `none of job ${jobId}'s events or its terminal on the refused session (watched until ${QUIET_MS} ms after the owner saw the terminal)`,
          actual: `${String(leaked?.type)} seq=${String(leaked?.event_seq)}`,
          ...evidenceAround(foreign, ...(leaked ? [leaked] : [])),
        }));
      }),
  );
});
