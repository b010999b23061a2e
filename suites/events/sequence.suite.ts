// Ordering and sequence numbers (v1.1 §8.3, §6.4-6.5; v1.0 §5.1, §8.3): event_seq is per
// session, strictly +1 on the wire across concurrent jobs, parallel branches, subscribed
// jobs and resumes; control frames take no seq; each branch arrives in production order.
// The history checkers (suites/checkers/: sequence, marker) judge the session's transcript.
import { describe } from 'vitest';
import type { AgentScript } from '../../spec/agent-script.ts';
import { SEQUENCED_TYPES } from '../../spec/messages.ts';
import { type CheckerFactory, type Violation, checkTranscript, markerChecker, sequenceChecker } from '../checkers/index.ts';
import { type WireFrame, payloadOf } from '../harness/frames.ts';
import type { Session } from '../harness/session.ts';
import {
  brief,
  evidenceAround,
  requireAgent,
  requireFeatures,
  submitAccepted,
  subscribeTo,
  waitForTerminal,
  withAgentSession,
  withSessions,
  sendCancel,
  waitForAgentEvent,
  witnessFrames,
} from '../support/index.ts';
import { type ConformanceContext, conformanceTest } from '../verdicts/conformance-test.ts';

/** `branches` concurrent emitters of `perBranch` back-to-back events, after `delayMs`. */
function fanOut(branches: number, perBranch: number, delayMs = 0): AgentScript {
  const parallel = { op: 'parallel' as const, branches: Array.from({ length: branches }, () => [{ op: 'emit' as const, kind: 'log', count: perBranch }]) };
  return { steps: [...(delayMs > 0 ? [{ op: 'sleep' as const, ms: delayMs }] : []), parallel, { op: 'finish' }] };
}

/** The job.event, job.result and job.error frames of `jobId` the current connection received since `after`. */
function jobFrames(session: Session, jobId: string, after = 0): WireFrame[] {
  return session.connection.framesSince(after).filter((f) => f.job_id === jobId && SEQUENCED_TYPES.has(String(f.type)));
}

/**
 * What the history checkers find in everything the session's transcript holds. Callers have
 * waited for the terminal of every job they started, so the transcript is complete.
 */
function historyViolations(session: Session, checkers: readonly CheckerFactory[]): Violation[] {
  return checkTranscript(session.transcript.entries, checkers, { complete: true });
}

/** The violations of the given requirements. */
function ofRequirements(violations: readonly Violation[], ...ids: string[]): Violation[] {
  return violations.filter((v) => ids.includes(v.requirement));
}

/** Whether a violation was proved on connection `connId`: its last witness arrived there. */
function provedOn(session: Session, connId: string): (violation: Violation) => boolean {
  return (violation) => {
    const last = violation.witnesses.at(-1);
    return last !== undefined && session.transcript.window([last], 0)[0]?.conn === connId;
  };
}

/** A MUST that holds when the checkers found none of `violations`; the evidence is the first one's witnesses (and `context`). */
function mustHaveNone(t: ConformanceContext, session: Session, id: string, violations: readonly Violation[], expected: string, ...context: WireFrame[]): void {
  const [first] = violations;
  const more = violations.reduce((n, v) => n + 1 + (v.omitted ?? 0), 0) - 1;
  t.must(id, first === undefined, () => ({
    expected,
    actual: `${first?.message ?? ''}${more > 0 ? ` (and ${more} more)` : ''}`,
    ...evidenceAround(session, ...witnessFrames(session, first), ...context),
  }));
}

/**
 * The marker checker counts a branch's events only at job.result, since a job that fails or
 * is cancelled emits fewer. These scripts end in `finish`, so a job that did not end with
 * job.result did not deliver them all.
 */
function mustRunToResult(t: ConformanceContext, session: Session, id: string, jobId: string, terminal: WireFrame, why: string): void {
  t.must(id, terminal.type === 'job.result', () => ({
    expected: `job ${jobId} to run its script to the end (job.result), ${why}`,
    actual: `it ended with ${brief(terminal)}`,
    ...evidenceAround(session, terminal),
  }));
}

const CHAIN_EXPECTED: Readonly<Record<string, string>> = {
  'SEQ-001': 'an integer event_seq on every job.event, job.result and job.error',
  'SEQ-002': 'each event_seq exactly one above the previous one',
  'SEQ-007': 'any other frame that carries event_seq exactly one above the previous one',
};

/** Submits each script in turn (each starts with a sleep, so they run together) and waits for every terminal. */
async function runTogether(session: Session, t: ConformanceContext, id: string, scripts: readonly AgentScript[]): Promise<{ jobId: string; terminal: WireFrame }[]> {
  const mark = session.mark();
  const jobIds: string[] = [];
  for (const script of scripts) jobIds.push((await submitAccepted(session, t, id, script)).jobId);
  const runs: { jobId: string; terminal: WireFrame }[] = [];
  for (const jobId of jobIds) runs.push({ jobId, terminal: await waitForTerminal(session, jobId, t.target.timeoutMs, mark) });
  return runs;
}

describe('events: ordering and sequence numbers', () => {
  conformanceTest(
    'event_seq is strictly +1 across concurrent jobs and parallel branches emitting back to back, each branch in order',
    { requirements: ['SEQ-001', 'SEQ-002', 'SEQ-003', 'SEQ-007', 'EVT-003'] },
    (t: ConformanceContext) =>
      withAgentSession(t, async (s) => {
        // A reordering writer shows up only now and then, so run a few rounds, stopping at
        // the first break. Each round: 3 jobs started together, 4 branches of 25 events each.
        const ROUNDS = 3;
        const script = fanOut(4, 25, 100);
        for (let round = 1; round <= ROUNDS; round += 1) {
          const runs = await runTogether(s, t, 'SEQ-002', [script, script, script]);
          const found = historyViolations(s, [sequenceChecker, markerChecker]);
          // The chain first: the marker checker counts each seq once, so a broken chain can
          // make markers look lost.
          const chain = ofRequirements(found, 'SEQ-001', 'SEQ-002', 'SEQ-007');
          if (round === ROUNDS || chain.length > 0) {
            for (const id of ['SEQ-001', 'SEQ-002', 'SEQ-007']) mustHaveNone(t, s, id, ofRequirements(chain, id), CHAIN_EXPECTED[id] ?? '');
          }
          for (const { jobId, terminal } of runs) mustRunToResult(t, s, 'EVT-003', jobId, terminal, 'delivering each of its marked events once');
          mustHaveNone(t, s, 'EVT-003', ofRequirements(found, 'EVT-003'), 'every marked event of each job exactly once');
          mustHaveNone(t, s, 'SEQ-003', ofRequirements(found, 'SEQ-003'), 'each branch of each job in production order (markers 0, 1, 2, ...)');
        }
      }),
  );

  conformanceTest(
    'event_seq stays +1 in a session that receives its own job and a subscribed job at once',
    { requirements: ['SEQ-002'] },
    (t: ConformanceContext) =>
      withSessions(t, async (sessions) => {
        const owner = await sessions.open({ label: 'owner' });
        requireAgent(t, owner);
        requireFeatures(t, owner, 'subscribe');
        const both = await sessions.open({ label: 'own-and-subscribed' });
        requireFeatures(t, both, 'subscribe');
        // The owner's job is ahead in the owner's sequence, so numbers copied from it would show.
        const theirs: AgentScript = { steps: [{ op: 'emit', kind: 'log', count: 10 }, ...fanOut(2, 20, 150).steps] };
        const owned = await submitAccepted(owner, t, 'SEQ-002', theirs);
        const subscribed = await subscribeTo(both, t, owned.jobId);
        if (subscribed.type !== 'job.subscribed') t.untestable(`job.subscribe of a job of the same principal was refused: ${brief(subscribed)}`);
        const mark = both.mark();
        const mine = await submitAccepted(both, t, 'SEQ-002', fanOut(2, 20, 100));
        await waitForTerminal(both, mine.jobId, t.target.timeoutMs, mark);
        await waitForTerminal(both, owned.jobId, t.target.timeoutMs);
        // The terminal alone would not interleave with anything: the test needs live events.
        const fromSubscription = jobFrames(both, owned.jobId).filter((f) => f.type === 'job.event').length;
        if (fromSubscription === 0) {
          t.untestable(`no job.event of the subscribed job ${owned.jobId} reached the subscribing session, so its numbering never interleaved with the session's own job (the subscribe suite judges delivery)`);
        }
        // Only the subscribing connection's chain: the owner's is not what this test is about.
        const breaks = ofRequirements(historyViolations(both, [sequenceChecker]), 'SEQ-002').filter(provedOn(both, both.connection.id));
        mustHaveNone(t, both, 'SEQ-002', breaks, 'each event_seq exactly one above the previous one, own and subscribed job alike');
      }),
  );

  conformanceTest(
    'across a resume the replay starts at last_event_seq + 1 and replayed then live events continue the +1 chain',
    { requirements: ['SEQ-004'] },
    (t: ConformanceContext) =>
      withAgentSession(t, async (s) => {
        const script: AgentScript = {
          steps: [
            { op: 'emit', kind: 'log', count: 5 },
            { op: 'sleep', ms: 150 },
            { op: 'emit', kind: 'log', count: 5 },
            { op: 'sleep', ms: 150 },
            { op: 'emit', kind: 'log', count: 5 },
            { op: 'finish' },
          ],
        };
        const mark = s.mark();
        const { jobId } = await submitAccepted(s, t, 'SEQ-004', script);
        const fifth = await waitForAgentEvent(s, jobId, { after: mark, count: 5 });
        s.drop();
        // Present a seq two below the highest received, so the replay is never empty.
        const presented = Number((jobFrames(s, jobId, mark).at(-3) ?? fifth).event_seq);
        const resumed = await s.resume({ lastEventSeq: presented });
        const terminal = await waitForTerminal(s, jobId, t.target.timeoutMs, resumed.mark);
        const found = historyViolations(s, [sequenceChecker, markerChecker]);
        // The chain on the new connection: it starts at presented + 1 and stays +1.
        const chain = ofRequirements(found, 'SEQ-001', 'SEQ-002', 'SEQ-004').filter(provedOn(s, resumed.connection.id));
        mustHaveNone(t, s, 'SEQ-004', chain, `the first job frame after resuming at last_event_seq ${presented} to have event_seq ${presented + 1}, then replayed and live job frames each one above the previous`);
        // Markers: the session's view of the job (each seq counted once, across both connections), complete and in order.
        mustRunToResult(t, s, 'SEQ-004', jobId, terminal, 'so every one of its events can be counted across the resume');
        mustHaveNone(t, s, 'SEQ-004', ofRequirements(found, 'SEQ-003', 'EVT-003'), `every event of ${jobId} once, in order, across the resume at seq ${presented}`, terminal);
      }),
  );

  conformanceTest(
    'the replies around a cancel (job.cancelled, the terminal) keep event_seq strictly +1 when they carry one',
    { requirements: ['SEQ-007'] },
    (t: ConformanceContext) =>
      withAgentSession(t, async (s) => {
        const mark = s.mark();
        const { jobId } = await submitAccepted(s, t, 'SEQ-007', { steps: [{ op: 'emit', kind: 'log', count: 3 }, { op: 'wait_cancel', max_ms: 10_000 }, { op: 'finish' }] });
        await waitForAgentEvent(s, jobId, { after: mark, count: 3 });
        sendCancel(s, jobId);
        const terminal = await waitForTerminal(s, jobId, t.target.timeoutMs, mark);
        // job.cancelled may carry no event_seq at all; one it carries joins the session's sequence.
        const chain = ofRequirements(historyViolations(s, [sequenceChecker]), 'SEQ-007');
        mustHaveNone(t, s, 'SEQ-007', chain, CHAIN_EXPECTED['SEQ-007'] ?? '', terminal);
      }),
  );

  conformanceTest(
    'session.ping and session.pong take no event_seq: job frames around them stay contiguous',
    { requirements: ['SEQ-005'] },
    (t: ConformanceContext) =>
      withAgentSession(t, async (s) => {
        requireFeatures(t, s, 'heartbeat');
        await judgeAroundControl(t, s, 'SEQ-005', 'session.pong', (k) => {
          const nonce = `conformance-${k}`;
          s.send('session.ping', { nonce, sent_at: new Date().toISOString() });
          return (f) => f.type === 'session.pong' && payloadOf(f).ping_nonce === nonce;
        });
      }),
  );

  conformanceTest(
    'session.ack takes no event_seq: job frames around it stay contiguous',
    { requirements: ['SEQ-006'] },
    (t: ConformanceContext) =>
      withAgentSession(t, async (s) => {
        requireFeatures(t, s, 'ack');
        await judgeAroundControl(t, s, 'SEQ-006', 'session.ack', () => {
          s.send('session.ack', { last_processed_seq: s.lastEventSeq ?? 0 });
          return undefined;
        });
      }),
  );
});

/**
 * Runs a job that emits in three bursts; after each of the first two bursts, `interject`
 * sends a control message (returning a predicate for its reply, if it has one). Then the
 * job frames must form one +1 chain, whatever the control frames did.
 */
async function judgeAroundControl(
  t: ConformanceContext,
  s: Session,
  id: 'SEQ-005' | 'SEQ-006',
  what: string,
  interject: (k: number) => ((f: WireFrame) => boolean) | undefined,
): Promise<void> {
  const burst = { op: 'emit' as const, kind: 'log', count: 5 };
  const script: AgentScript = { steps: [burst, { op: 'sleep', ms: 60 }, burst, { op: 'sleep', ms: 60 }, burst, { op: 'finish' }] };
  const mark = s.mark();
  const { jobId } = await submitAccepted(s, t, id, script);
  for (const k of [1, 2]) {
    await waitForAgentEvent(s, jobId, { after: mark, count: 5 * k });
    const reply = interject(k);
    if (reply !== undefined) await s.waitFor(reply, { description: `the reply to ${what} ${k}`, after: mark });
  }
  const terminal = await waitForTerminal(s, jobId, t.target.timeoutMs, mark);
  // Heartbeats stand outside the chain, so a seq one consumed shows as a gap between job frames.
  const breaks = ofRequirements(historyViolations(s, [sequenceChecker]), 'SEQ-001', 'SEQ-002');
  mustHaveNone(t, s, id, breaks, `job frames one event_seq apart around each ${what}`, terminal);
}
