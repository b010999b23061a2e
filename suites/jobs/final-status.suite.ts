// Terminal status everywhere (v1.1 §7.3): after a cancel, a max_runtime_sec timeout and a
// lease expiry, listings and job.subscribed show the terminal's final_status (cancelled,
// timed_out, error), as they do after success and failure (lifecycle suite).
import { describe } from 'vitest';
import type { AgentScript } from '../../spec/agent-script.ts';
import { type JobRun, runToTerminal, sendCancel, submitAccepted, waitForTerminal, withAgentSession } from '../support/index.ts';
import { type ConformanceContext, conformanceTest } from '../verdicts/conformance-test.ts';
import { utcFromNow } from '../leases/support.ts';
import { judgeFinalStatuses, requireStatusView } from './final-status.ts';

describe('jobs: final status of every kind of terminal', () => {
  conformanceTest(
    'a cancelled, a timed-out and a lease-expired job show cancelled, timed_out and error in listings and job.subscribed',
    { requirements: ['LIFE-004'], timeoutMs: 60_000 },
    (t: ConformanceContext) =>
      withAgentSession(t, async (s, sessions) => {
        requireStatusView(t, s);
        const holding: AgentScript = { steps: [{ op: 'emit', kind: 'log' }, { op: 'wait_cancel', max_ms: 30_000 }, { op: 'finish' }] };
        const runs: Pick<JobRun, 'jobId' | 'accepted' | 'terminal'>[] = [];

        const mark = s.mark();
        const cancelled = await submitAccepted(s, t, 'LIFE-004', holding);
        await s.waitFor((f) => f.type === 'job.event' && f.job_id === cancelled.jobId, { description: `the first event of ${cancelled.jobId}`, after: mark });
        sendCancel(s, cancelled.jobId);
        runs.push({ jobId: cancelled.jobId, accepted: cancelled.frame, terminal: await waitForTerminal(s, cancelled.jobId, t.target.timeoutMs, mark) });

        runs.push(await runToTerminal(s, t, 'LIFE-004', holding, { payload: { max_runtime_sec: 1 }, timeoutMs: 1000 + t.target.timeoutMs }));

        if (s.features.has('lease_expires_at')) {
          const late: AgentScript = { steps: [{ op: 'sleep', ms: 1000 }, { op: 'tool', tool: 'search' }, { op: 'finish' }] };
          runs.push(
            await runToTerminal(s, t, 'LIFE-004', late, {
              payload: { lease_request: { 'tool.call': ['search'] }, lease_constraints: { expires_at: utcFromNow(500) } },
              timeoutMs: 1000 + t.target.timeoutMs,
            }),
          );
        }
        await judgeFinalStatuses(t, s, sessions, runs);
      }),
  );
});
