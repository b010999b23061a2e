// Cancellation (v1.1 §7.4, §7.6-7.7, §14; v1.0 §7.4; DESIGN §5): a cancel of a live job
// by its submitter gets one job.cancelled and then exactly one job.error CANCELLED /
// "cancelled", even when sent twice; a cancel of a terminal job changes nothing; only the
// submitting principal may cancel.
import { describe } from 'vitest';
import type { AgentScript } from '../../spec/agent-script.ts';
import type { Session } from '../harness/session.ts';
import {
  brief,
  evidenceAround,
  framesOfJob,
  isRejection,
  isTerminal,
  judgeNothingAfterTerminal,
  requireAgent,
  requireFeatures,
  runToTerminal,
  sendCancel,
  subscribeTo,
  waitForTerminal,
  withAgentSession,
  withSessions,
} from '../support/index.ts';
import { viewsOfJob } from '../support/job-views.ts';
import { answerOrSilence } from '../support/silence.ts';
import { type ConformanceContext, conformanceTest } from '../verdicts/conformance-test.ts';
import { cancellable, isCancelledAck, isCancelledTerminal, judgeCancelled, startLiveJob, terminalsAfterQuiet } from './support.ts';

describe('cancel', () => {
  conformanceTest(
    'cancelling a live job: job.cancelled, then exactly one job.error CANCELLED with final_status cancelled, then nothing',
    { requirements: ['CANCEL-001', 'CANCEL-002', 'LIFE-002'] },
    (t: ConformanceContext) =>
      withAgentSession(t, async (s) => {
        const { jobId, mark } = await startLiveJob(s, t, 'CANCEL-001', cancellable(10_000));
        sendCancel(s, jobId);
        const terminal = await waitForTerminal(s, jobId, t.target.timeoutMs, mark);
        judgeCancelled(t, s, jobId, mark, terminal);
        await judgeNothingAfterTerminal(t, s, jobId, terminal, { oneTerminal: 'CANCEL-002' });
      }),
  );

  conformanceTest(
    'a job.cancel sent twice at once still gives exactly one CANCELLED terminal',
    { requirements: ['CANCEL-003', 'CANCEL-002'] },
    (t: ConformanceContext) =>
      withAgentSession(t, async (s) => {
        // Once for a job that stops at the cancel, once for one whose agent runs on after it
        // (on_cancel.linger_ms), where the second cancel finds the job cancelled but not yet ended.
        const lingering: AgentScript = {
          steps: [{ op: 'emit', kind: 'log' }, { op: 'wait_cancel', max_ms: 10_000 }, { op: 'sleep', ms: 2000 }, { op: 'finish' }],
          on_cancel: { linger_ms: 200 },
        };
        for (const script of [cancellable(10_000), lingering]) {
          const lingerMs = script.on_cancel?.linger_ms ?? 0;
          const { jobId, mark } = await startLiveJob(s, t, 'CANCEL-003', script);
          sendCancel(s, jobId, 'first cancel');
          sendCancel(s, jobId, 'duplicate cancel'); // any ack or error is fine for this one
          const terminal = await waitForTerminal(s, jobId, t.target.timeoutMs + lingerMs, mark);
          t.must('CANCEL-002', isCancelledTerminal(terminal), () => ({
            expected: 'job.error {code: "CANCELLED", final_status: "cancelled"}',
            actual: brief(terminal),
            ...evidenceAround(s, terminal),
          }));
          const terminals = await terminalsAfterQuiet(s, jobId, mark);
          t.must('CANCEL-003', terminals.length === 1, () => ({
            expected: `exactly one terminal for ${jobId} after two job.cancel${lingerMs > 0 ? ` (linger_ms ${lingerMs})` : ''}`,
            actual: `${terminals.length} terminals: ${terminals.map(brief).join('; ')}`,
            ...evidenceAround(s, ...terminals),
          }));
        }
      }),
  );

  conformanceTest(
    'a job.cancel for a job that already finished emits no new terminal',
    { requirements: ['CANCEL-004', 'LIFE-001'] },
    (t: ConformanceContext) =>
      withAgentSession(t, async (s) => {
        const run = await runToTerminal(s, t, 'CANCEL-004', { steps: [{ op: 'emit', kind: 'log' }, { op: 'finish' }] });
        sendCancel(s, run.jobId, 'cancel after the end'); // any ack or error is fine
        const terminals = await terminalsAfterQuiet(s, run.jobId, run.mark);
        const extra = terminals.filter((f) => f !== run.terminal);
        t.must('CANCEL-004', extra.length === 0, () => ({
          expected: `no new terminal for ${run.jobId}, which ended with ${brief(run.terminal)}`,
          actual: extra.map(brief).join('; '),
          ...evidenceAround(s, run.terminal, ...extra),
        }));
        t.must('LIFE-001', terminals.length === 1, () => ({
          expected: `exactly one terminal for ${run.jobId}`,
          actual: `${terminals.length}: ${terminals.map(brief).join('; ')}`,
          ...evidenceAround(s, ...terminals),
        }));
      }),
  );

  conformanceTest(
    'a job.cancel for a job that already finished leaves its status success in listings and job.subscribed',
    // Only the status: the no-new-terminal half of CANCEL-004 is the test above's (one observation, one verdict).
    { requirements: ['LIFE-004'] },
    (t: ConformanceContext) =>
      withAgentSession(t, async (s, sessions) => {
        const canSubscribe = s.features.has('subscribe');
        if (!s.features.has('list_jobs') && !canSubscribe) t.notApplicable('features not negotiated: list_jobs and subscribe (either shows a job\'s status)');
        const run = await runToTerminal(s, t, 'LIFE-004', { steps: [{ op: 'finish' }] });
        sendCancel(s, run.jobId, 'cancel after the end');
        await terminalsAfterQuiet(s, run.jobId, run.mark);
        const watcher = canSubscribe ? await sessions.open({ label: 'watcher' }) : undefined;
        for (const view of await viewsOfJob(t, s, watcher, run.jobId, run.accepted)) {
          t.should('LIFE-004', view.status === 'success', () => ({
            expected: `the ${view.where} of ${run.jobId} with status "success" after a cancel of the finished job`,
            actual: `status ${JSON.stringify(view.status)} (${brief(view.frame)})`,
            ...evidenceAround(s, run.terminal, view.frame),
          }));
        }
      }),
  );

  conformanceTest(
    'a cancelled job whose agent keeps running for a while still ends CANCELLED within the grace, with nothing after the terminal',
    { requirements: ['CANCEL-005', 'CANCEL-002', 'LIFE-002'], timeoutMs: 120_000 },
    (t: ConformanceContext) =>
      withAgentSession(t, async (s) => {
        // After the cancel the agent emits, then would sleep 60 s: it must be stopped by
        // the end of on_cancel.linger_ms (spec/conformance-agent.md), and in any case the
        // runtime owes the terminal within its grace (v1.0 §7.4: 30 s by default).
        const lingerMs = 300;
        const script: AgentScript = {
          steps: [
            { op: 'emit', kind: 'log' },
            { op: 'wait_cancel', max_ms: 10_000 },
            { op: 'emit', kind: 'log', count: 2 },
            { op: 'sleep', ms: 60_000 },
            { op: 'emit', kind: 'log' },
          ],
          on_cancel: { linger_ms: lingerMs },
        };
        const { jobId, mark } = await startLiveJob(s, t, 'CANCEL-005', script);
        const graceMs = 30_000;
        const bound = Math.min(t.target.maxWaitMs, graceMs + t.target.timeoutMs);
        sendCancel(s, jobId);
        const terminal = await s.watch((f) => isTerminal(f) && f.job_id === jobId, { description: `the terminal of ${jobId}`, forMs: bound, after: mark });
        if (terminal === undefined && bound < graceMs + t.target.timeoutMs) {
          t.untestable(`no terminal within ${bound} ms of the cancel; the default cancel grace is ${graceMs} ms: raise ARCP_MAX_WAIT_MS to at least ${graceMs + t.target.timeoutMs} to wait it out`);
        }
        t.must('CANCEL-005', terminal !== undefined, () => ({
          expected: `the terminal of ${jobId} within ${bound} ms of the cancel, though its agent kept running (linger_ms ${lingerMs})`,
          actual: 'nothing',
          ...evidenceAround(s),
        }));
        t.must('CANCEL-002', isCancelledTerminal(terminal), () => ({
          expected: 'job.error {code: "CANCELLED", final_status: "cancelled"}',
          actual: brief(terminal),
          ...evidenceAround(s, terminal),
        }));
        // The lingering agent's events belong before the terminal; nothing may follow it.
        await judgeNothingAfterTerminal(t, s, jobId, terminal);
      }),
  );

  conformanceTest(
    'a job.cancel from another principal\'s session is rejected or ignored, and the job runs on to success',
    { requirements: ['CANCEL-006'] },
    (t: ConformanceContext) =>
      withSessions(t, async (sessions) => {
        const owner = await sessions.open({ label: 'owner' });
        requireAgent(t, owner);
        const other = await sessions.open({ principal: 'secondary', label: 'other-principal' });
        await judgeForeignCancel(t, 'CANCEL-006', owner, other);
      }),
  );

  conformanceTest(
    'a subscribed session of another principal cannot cancel: its job.cancel is rejected or ignored, and the job runs on',
    { requirements: ['CANCEL-007'] },
    (t: ConformanceContext) =>
      withSessions(t, async (sessions) => {
        const owner = await sessions.open({ label: 'owner' });
        requireAgent(t, owner);
        requireFeatures(t, owner, 'subscribe');
        if (t.target.profile.subscribePolicy !== 'any') {
          t.notApplicable('the server\'s subscribe policy is same-principal (profile subscribePolicy), so another principal cannot subscribe');
        }
        const other = await sessions.open({ principal: 'secondary', label: 'subscriber' });
        requireFeatures(t, other, 'subscribe');
        await judgeForeignCancel(t, 'CANCEL-007', owner, other, async (jobId) => {
          const subscribed = await subscribeTo(other, t, jobId);
          if (subscribed.type !== 'job.subscribed') {
            t.untestable(`the profile says subscribePolicy "any", but the server refused another principal's job.subscribe: ${brief(subscribed)}`);
          }
        });
      }),
  );

  conformanceTest(
    'a session that resumed after a drop can still cancel the job it submitted before the drop',
    { requirements: ['CANCEL-008'] },
    (t: ConformanceContext) =>
      withAgentSession(t, async (s) => {
        const { jobId } = await startLiveJob(s, t, 'CANCEL-008', cancellable(10_000));
        s.drop();
        const resumed = await s.resume();
        sendCancel(s, jobId, 'cancel after resume');
        const terminal = await waitForTerminal(s, jobId, t.target.timeoutMs, resumed.mark);
        const ack = framesOfJob(s, jobId, resumed.mark).find(isCancelledAck(jobId));
        t.must('CANCEL-008', ack !== undefined && isCancelledTerminal(terminal), () => ({
          expected: `job.cancelled and job.error CANCELLED for ${jobId}, cancelled from the resumed session`,
          actual: `${ack === undefined ? 'no job.cancelled' : brief(ack)}; terminal ${brief(terminal)}`,
          ...evidenceAround(s, terminal),
        }));
      }),
  );
});

/**
 * A session without cancel authority (`intruder`) cancels `owner`'s live job. The server may
 * reject the cancel or ignore it (v1.1 §7.6 reserves cancellation to the submitting session
 * and requires no reply to anyone else): it must not acknowledge it, the owner must get no
 * job.cancelled, and the job must end on its own with success.
 */
async function judgeForeignCancel(
  t: ConformanceContext,
  id: 'CANCEL-006' | 'CANCEL-007',
  owner: Session,
  intruder: Session,
  prepare?: (jobId: string) => Promise<void>,
): Promise<void> {
  // The job waits up to WAIT_MS for a cancel: long enough that the foreign cancel lands while
  // it is live; a cancel that wrongly takes effect ends it CANCELLED at once.
  const WAIT_MS = 800;
  const { jobId, mark } = await startLiveJob(owner, t, id, cancellable(WAIT_MS));
  await prepare?.(jobId);
  const { reply, handled } = await answerOrSilence(
    intruder,
    t,
    () => sendCancel(intruder, jobId, 'not mine to cancel'),
    (f) => isRejection(f) || isCancelledAck(jobId)(f),
    `a rejection (or job.cancelled) answering the foreign job.cancel of ${jobId}`,
  );
  t.must(id, reply === undefined || isRejection(reply), () => ({
    expected: `the job.cancel of ${jobId} from a session without cancel authority rejected (session.error or job.error) or ignored`,
    actual: brief(reply),
    ...evidenceAround(intruder, ...(reply ? [reply] : [])),
  }));
  const terminal = await waitForTerminal(owner, jobId, t.target.timeoutMs + WAIT_MS, mark);
  const handledAt = handled === undefined ? undefined : owner.transcript.entryOf(handled)?.index;
  const terminalAt = owner.transcript.entryOf(terminal)?.index ?? -1;
  if (handledAt === undefined || terminalAt < handledAt) {
    t.untestable(
      `the server showed it had handled the foreign job.cancel (a reply, or the pong of a ping sent after it) only after job ${jobId} had ended ` +
        `(${WAIT_MS} ms later) or not within ${t.target.timeoutMs} ms, so the check says nothing about cancel authority; the server is too slow for it`,
    );
  }
  const ack = framesOfJob(owner, jobId, mark).find(isCancelledAck(jobId));
  t.must(id, ack === undefined && terminal.type === 'job.result', () => ({
    expected: `job ${jobId} running on to its own job.result after the foreign cancel`,
    actual: `${ack === undefined ? '' : `${brief(ack)}; `}terminal ${brief(terminal)}`,
    ...evidenceAround(owner, ...(ack ? [ack] : []), terminal),
  }));
}
