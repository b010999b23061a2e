// Ordering and sequence numbers (v1.1 §8.3, §6.4-6.5; v1.0 §5.1, §8.3): event_seq is per
// session, strictly +1 on the wire across concurrent jobs, parallel branches, subscribed
// jobs and resumes; control frames take no seq; each branch arrives in production order.
import { describe } from 'vitest';
import { type AgentScript, summarizeExpectedMarkers } from '../../spec/agent-script.ts';
import { type WireFrame, payloadOf } from '../harness/frames.ts';
import type { Session } from '../harness/session.ts';
import {
  brief,
  closeSessions,
  evidenceAround,
  framesOfJob,
  openSession,
  requireAgent,
  requireFeatures,
  submitAccepted,
  subscribeTo,
  waitForTerminal,
} from '../support/index.ts';
import { type ConformanceContext, conformanceTest } from '../verdicts/conformance-test.ts';
import { branchCountFinding, branchOrderFinding, branchViews } from './branch-markers.ts';
import { type SeqRequirement, isSequenced, seqChainFindings } from './seq-chain.ts';

/** `branches` concurrent emitters of `perBranch` back-to-back events, after `delayMs`. */
function fanOut(branches: number, perBranch: number, delayMs = 0): AgentScript {
  const parallel = { op: 'parallel' as const, branches: Array.from({ length: branches }, () => [{ op: 'emit' as const, kind: 'log', count: perBranch }]) };
  return { steps: [...(delayMs > 0 ? [{ op: 'sleep' as const, ms: delayMs }] : []), parallel, { op: 'finish' }] };
}

/** Judges the seq chain of everything the connection received; `ids` are the ones the test declared. */
function judgeChain(t: ConformanceContext, session: Session, frames: readonly WireFrame[], ids: readonly SeqRequirement[]): void {
  const findings = seqChainFindings(frames);
  for (const id of ids) {
    const finding = findings.find((f) => f.id === id);
    const count = findings.filter((f) => f.id === id).length;
    t.must(id, finding === undefined, () => ({
      expected: id === 'SEQ-001' ? 'an integer event_seq on every job.event, job.result and job.error' : 'each event_seq exactly one above the previous one',
      actual: `${finding?.message}${count > 1 ? ` (and ${count - 1} more breaks)` : ''}`,
      ...evidenceAround(session, ...(finding?.frames ?? [])),
    }));
  }
}

/** Judges per-branch order (SEQ-003) and completeness (EVT-003) of a job that ran its script to the end. */
function judgeBranches(t: ConformanceContext, session: Session, jobId: string, frames: readonly WireFrame[], script: AgentScript): void {
  const views = branchViews(frames, jobId);
  const missing = branchCountFinding(views, summarizeExpectedMarkers(script).branches);
  t.must('EVT-003', missing === undefined, () => ({
    expected: `every marked event of job ${jobId} exactly once`,
    actual: missing?.message ?? '',
    ...evidenceAround(session, ...(missing?.frames ?? [])),
  }));
  for (const view of views.values()) {
    const finding = branchOrderFinding(view);
    t.must('SEQ-003', finding === undefined, () => ({
      expected: `branch ${view.branch} of job ${jobId} in production order (markers 0, 1, 2, ...)`,
      actual: finding?.message ?? '',
      ...evidenceAround(session, ...(finding?.frames ?? [])),
    }));
  }
}

/** Submits each script in turn (each starts with a sleep, so they run together) and waits for every terminal. */
async function runTogether(session: Session, t: ConformanceContext, id: string, scripts: readonly AgentScript[]): Promise<string[]> {
  const mark = session.mark();
  const jobIds: string[] = [];
  for (const script of scripts) jobIds.push((await submitAccepted(session, t, id, script)).jobId);
  for (const jobId of jobIds) await waitForTerminal(session, jobId, t.target.timeoutMs, mark);
  return jobIds;
}

describe('events: ordering and sequence numbers', () => {
  conformanceTest(
    'event_seq is strictly +1 across concurrent jobs and parallel branches emitting back to back, each branch in order',
    { requirements: ['SEQ-001', 'SEQ-002', 'SEQ-003', 'SEQ-007', 'EVT-003'] },
    async (t: ConformanceContext) => {
      const s = await openSession(t);
      try {
        requireAgent(t, s);
        // A reordering writer shows up only now and then, so run a few rounds, stopping at
        // the first break. Each round: 3 jobs started together, 4 branches of 25 events each.
        const ROUNDS = 3;
        const script = fanOut(4, 25, 100);
        for (let round = 1; round <= ROUNDS; round += 1) {
          const jobIds = await runTogether(s, t, 'SEQ-002', [script, script, script]);
          const frames = s.connection.framesSince(0);
          for (const jobId of jobIds) judgeBranches(t, s, jobId, frames, script);
          if (round === ROUNDS || seqChainFindings(frames).length > 0) judgeChain(t, s, frames, ['SEQ-001', 'SEQ-002', 'SEQ-007']);
        }
      } finally {
        await closeSessions(s);
      }
    },
  );

  conformanceTest(
    'event_seq stays +1 in a session that receives its own job and a subscribed job at once',
    { requirements: ['SEQ-002'] },
    async (t: ConformanceContext) => {
      const owner = await openSession(t, { label: 'owner' });
      let both: Session | undefined;
      try {
        requireAgent(t, owner);
        requireFeatures(t, owner, 'subscribe');
        both = await openSession(t, { transcript: owner.transcript, label: 'own-and-subscribed' });
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
        const frames = both.connection.framesSince(0);
        const fromSubscription = frames.filter((f) => isSequenced(f) && f.job_id === owned.jobId).length;
        t.must('SEQ-002', fromSubscription > 0, () => ({
          expected: `events of the subscribed job ${owned.jobId} in the subscribing session`,
          actual: 'none arrived',
          ...evidenceAround(both as Session, subscribed),
        }));
        judgeChain(t, both, frames, ['SEQ-002']);
      } finally {
        await closeSessions(owner, both);
      }
    },
  );

  conformanceTest(
    'across a resume the replay starts at last_event_seq + 1 and replayed then live events continue the +1 chain',
    { requirements: ['SEQ-004'] },
    async (t: ConformanceContext) => {
      const s = await openSession(t);
      try {
        requireAgent(t, s);
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
        const fifth = await s.waitFor((f) => f.type === 'job.event' && f.job_id === jobId && f.event_seq !== undefined && framesOfJob(s, jobId, mark).filter(isSequenced).length >= 5, {
          description: `the fifth event of ${jobId}`,
          after: mark,
        });
        s.drop();
        // Present a seq two below the highest received, so the replay is never empty.
        const before = framesOfJob(s, jobId, mark).filter(isSequenced);
        const presented = Number((before.at(-3) ?? fifth).event_seq);
        const resumed = await s.resume({ lastEventSeq: presented });
        const terminal = await waitForTerminal(s, jobId, t.target.timeoutMs, resumed.mark);
        const after = s.connection.framesSince(resumed.mark).filter(isSequenced);
        const first = after[0];
        t.must('SEQ-004', first !== undefined && first.event_seq === presented + 1, () => ({
          expected: `the first job frame after resuming at last_event_seq ${presented} to have event_seq ${presented + 1}`,
          actual: first === undefined ? 'no job frame' : `${brief(first)}`,
          ...evidenceAround(s, ...(first ? [first] : [])),
        }));
        const breaks = seqChainFindings(after);
        t.must('SEQ-004', breaks.length === 0, () => ({
          expected: 'replayed then live job frames each one above the previous',
          actual: breaks.map((b) => b.message).join('; '),
          ...evidenceAround(s, ...(breaks[0]?.frames ?? [])),
        }));
        // Markers: the old connection up to the presented seq, then the new one, complete and in order.
        const joined = [...before.filter((f) => Number(f.event_seq) <= presented), ...after];
        const views = branchViews(joined, jobId);
        const gap = branchCountFinding(views, summarizeExpectedMarkers(script).branches) ?? branchOrderFinding(views.get('0') ?? { branch: '0', markers: [], frames: [] });
        t.must('SEQ-004', gap === undefined, () => ({
          expected: `every event of ${jobId} once, in order, across the resume (old connection to seq ${presented}, then the new one)`,
          actual: gap?.message ?? '',
          ...evidenceAround(s, ...(gap?.frames ?? []), terminal),
        }));
      } finally {
        await closeSessions(s);
      }
    },
  );

  conformanceTest(
    'session.ping and session.pong take no event_seq: job frames around them stay contiguous',
    { requirements: ['SEQ-005'] },
    async (t: ConformanceContext) => {
      const s = await openSession(t);
      try {
        requireAgent(t, s);
        requireFeatures(t, s, 'heartbeat');
        await judgeAroundControl(t, s, 'SEQ-005', 'session.pong', (k) => {
          const nonce = `conformance-${k}`;
          s.send('session.ping', { nonce, sent_at: new Date().toISOString() });
          return (f) => f.type === 'session.pong' && payloadOf(f).ping_nonce === nonce;
        });
      } finally {
        await closeSessions(s);
      }
    },
  );

  conformanceTest(
    'session.ack takes no event_seq: job frames around it stay contiguous',
    { requirements: ['SEQ-006'] },
    async (t: ConformanceContext) => {
      const s = await openSession(t);
      try {
        requireAgent(t, s);
        requireFeatures(t, s, 'ack');
        await judgeAroundControl(t, s, 'SEQ-006', 'session.ack', () => {
          s.send('session.ack', { last_processed_seq: s.lastEventSeq ?? 0 });
          return undefined;
        });
      } finally {
        await closeSessions(s);
      }
    },
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
    await s.waitFor((f) => f.job_id === jobId && isSequenced(f) && framesOfJob(s, jobId, mark).filter(isSequenced).length >= 5 * k, {
      description: `burst ${k} of ${jobId}`,
      after: mark,
    });
    const reply = interject(k);
    if (reply !== undefined) await s.waitFor(reply, { description: `the reply to ${what} ${k}`, after: mark });
  }
  const terminal = await waitForTerminal(s, jobId, t.target.timeoutMs, mark);
  const jobFrames = s.connection.framesSince(mark).filter(isSequenced);
  const breaks = seqChainFindings(jobFrames);
  t.must(id, breaks.length === 0, () => ({
    expected: `job frames one event_seq apart around each ${what}`,
    actual: breaks.map((b) => b.message).join('; '),
    ...evidenceAround(s, ...(breaks[0]?.frames ?? []), terminal),
  }));
}
