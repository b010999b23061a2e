// Cancel corners (v1.1 §7.4): a job cancelled before it emitted anything is still
// acknowledged with job.cancelled, and a job whose agent reaches `finish` while it lingers
// after the cancel still ends with job.error CANCELLED, with nothing after it.
import { describe } from 'vitest';
import type { AgentScript } from '../../spec/agent-script.ts';
import { brief, evidenceAround, judgeNothingAfterTerminal, sendCancel, submitAccepted, waitForTerminal, withAgentSession } from '../support/index.ts';
import { type ConformanceContext, conformanceTest } from '../verdicts/conformance-test.ts';
import { isCancelledTerminal, judgeCancelled, startLiveJob } from './support.ts';

describe('cancel: corners', () => {
  conformanceTest(
    'a job cancelled before it emitted anything gets job.cancelled, then its one CANCELLED terminal',
    { requirements: ['CANCEL-001', 'CANCEL-002'] },
    (t: ConformanceContext) =>
      withAgentSession(t, async (s) => {
        // The agent emits nothing until it is cancelled; the cancel follows job.accepted at once.
        const script: AgentScript = { steps: [{ op: 'wait_cancel', max_ms: 10_000 }, { op: 'emit', kind: 'log' }, { op: 'finish' }] };
        const mark = s.mark();
        const { jobId } = await submitAccepted(s, t, 'CANCEL-001', script);
        sendCancel(s, jobId);
        const terminal = await waitForTerminal(s, jobId, t.target.timeoutMs, mark);
        judgeCancelled(t, s, jobId, mark, terminal);
      }),
  );

  conformanceTest(
    'a cancelled job whose agent reaches finish while it lingers still ends with job.error CANCELLED, and nothing follows',
    { requirements: ['CANCEL-002', 'LIFE-002'] },
    (t: ConformanceContext) =>
      withAgentSession(t, async (s) => {
        // After the cancel the agent emits and finishes well inside its linger_ms.
        const script: AgentScript = {
          steps: [{ op: 'emit', kind: 'log' }, { op: 'wait_cancel', max_ms: 10_000 }, { op: 'emit', kind: 'log' }, { op: 'finish' }],
          on_cancel: { linger_ms: 500 },
        };
        const { jobId, mark } = await startLiveJob(s, t, 'CANCEL-002', script);
        sendCancel(s, jobId);
        const terminal = await waitForTerminal(s, jobId, t.target.timeoutMs, mark);
        t.must('CANCEL-002', isCancelledTerminal(terminal), () => ({
          expected: 'job.error {code: "CANCELLED", final_status: "cancelled"}: the job was cancelled before its agent reached finish',
          actual: brief(terminal),
          ...evidenceAround(s, terminal),
        }));
        await judgeNothingAfterTerminal(t, s, jobId, terminal, { oneTerminal: 'CANCEL-002' });
      }),
  );
});
