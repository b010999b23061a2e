// Job lifecycle and terminals (v1.1 §7.3, v1.0 §7.3, §1.2): exactly one terminal per job
// per session, nothing after it, final_status matching the frame, status fixed once
// terminal, max_runtime_sec, and jobs outliving their transport.
import { describe } from 'vitest';
import { timerWaitMs } from '../harness/config.ts';
import type { AgentScript } from '../../spec/agent-script.ts';
import { payloadOf } from '../harness/frames.ts';
import {
  brief,
  evidenceAround,
  judgeNothingAfterTerminal,
  runToTerminal,
  submitAccepted,
  waitForTerminal,
  withAgentSession,
  waitForAgentEvent,
} from '../support/index.ts';
import { readInlineResult } from '../support/results.ts';
import { type ConformanceContext, conformanceTest } from '../verdicts/conformance-test.ts';
import { judgeFinalStatuses, requireStatusView } from './final-status.ts';

describe('jobs: lifecycle and terminals', () => {
  conformanceTest(
    'a job that finishes ends with exactly one job.result with final_status success and its inline result, and nothing after it',
    { requirements: ['LIFE-001', 'LIFE-002', 'LIFE-003', 'LIFE-008'] },
    (t: ConformanceContext) =>
      withAgentSession(t, async (s) => {
        const run = await runToTerminal(s, t, 'LIFE-001', { steps: [{ op: 'emit', kind: 'log', count: 3 }, { op: 'finish', summary: 'done' }] });
        t.must('LIFE-003', run.terminal.type === 'job.result' && payloadOf(run.terminal).final_status === 'success', () => ({
          expected: 'job.result with final_status "success"',
          actual: brief(run.terminal),
          ...evidenceAround(s, run.terminal),
        }));
        readInlineResult(t, s, run.terminal);
        await judgeNothingAfterTerminal(t, s, run.jobId, run.terminal, { oneTerminal: 'LIFE-001' });
      }),
  );

  conformanceTest(
    'a job whose agent fails ends with exactly one job.error with final_status error, a code and a message',
    { requirements: ['LIFE-007', 'LIFE-003', 'LIFE-001', 'LIFE-002'] },
    (t: ConformanceContext) =>
      withAgentSession(t, async (s) => {
        const run = await runToTerminal(s, t, 'LIFE-007', {
          steps: [{ op: 'emit', kind: 'log' }, { op: 'fail', code: 'INTERNAL_ERROR', message: 'scripted agent failure' }],
        });
        const p = payloadOf(run.terminal);
        t.must('LIFE-003', run.terminal.type === 'job.error' && ['error', 'cancelled', 'timed_out'].includes(String(p.final_status)), () => ({
          expected: 'job.error with final_status "error", "cancelled" or "timed_out"',
          actual: brief(run.terminal),
          ...evidenceAround(s, run.terminal),
        }));
        t.must('LIFE-007', p.final_status === 'error' && typeof p.code === 'string' && p.code !== '' && typeof p.message === 'string', () => ({
          expected: 'job.error {final_status: "error", code: <string>, message: <string>} for a failed agent',
          actual: `${brief(run.terminal)} message ${JSON.stringify(p.message)}`,
          ...evidenceAround(s, run.terminal),
        }));
        await judgeNothingAfterTerminal(t, s, run.jobId, run.terminal, { oneTerminal: 'LIFE-001' });
      }),
  );

  conformanceTest(
    'when one parallel branch finishes the job, no event of the other branches follows the terminal',
    { requirements: ['LIFE-002', 'LIFE-001'] },
    (t: ConformanceContext) =>
      withAgentSession(t, async (s) => {
        // Branch 0.1 would keep emitting for ~200 ms after branch 0.0 ends the job.
        const busy = [{ op: 'emit', kind: 'log', count: 2 } as const, { op: 'sleep', ms: 30 } as const];
        const script: AgentScript = {
          steps: [
            {
              op: 'parallel',
              branches: [
                [{ op: 'emit', kind: 'log' }, { op: 'sleep', ms: 40 }, { op: 'finish' }],
                [...busy, ...busy, ...busy, ...busy, ...busy, ...busy, ...busy, { op: 'emit', kind: 'log', count: 2 }],
              ],
            },
          ],
        };
        const run = await runToTerminal(s, t, 'LIFE-001', script);
        await judgeNothingAfterTerminal(t, s, run.jobId, run.terminal, { oneTerminal: 'LIFE-001' });
      }),
  );

  conformanceTest(
    'a finished or failed job keeps its final status in later listings and in job.subscribed',
    { requirements: ['LIFE-004'] },
    (t: ConformanceContext) =>
      withAgentSession(t, async (s, sessions) => {
        requireStatusView(t, s);
        const runs = [
          await runToTerminal(s, t, 'LIFE-004', { steps: [{ op: 'finish' }] }),
          await runToTerminal(s, t, 'LIFE-004', { steps: [{ op: 'fail', code: 'INTERNAL_ERROR', message: 'scripted' }] }),
        ];
        await judgeFinalStatuses(t, s, sessions, runs);
      }),
  );

  conformanceTest(
    'a job that exceeds max_runtime_sec ends with job.error TIMEOUT and final_status timed_out',
    { requirements: ['LIFE-005', 'LIFE-001', 'LIFE-002'], timeoutMs: 60_000 },
    async (t: ConformanceContext) => {
      const maxRuntimeSec = 1;
      const bound = maxRuntimeSec * 1000 + t.target.timeoutMs;
      if (t.target.maxWaitMs < timerWaitMs(t.target, maxRuntimeSec * 1000)) {
        t.untestable(`the max_runtime_sec timer (${maxRuntimeSec} s, waited up to ${bound} ms) is longer than ARCP_MAX_WAIT_MS=${t.target.maxWaitMs}; raise ARCP_MAX_WAIT_MS to at least ${bound}`);
      }
      await withAgentSession(t, async (s) => {
        const mark = s.mark();
        const { jobId } = await submitAccepted(s, t, 'LIFE-005', { steps: [{ op: 'emit', kind: 'log' }, { op: 'wait_cancel', max_ms: 30_000 }] }, {
          payload: { max_runtime_sec: maxRuntimeSec },
        });
        const terminal = await waitForTerminal(s, jobId, bound, mark);
        const p = payloadOf(terminal);
        t.must('LIFE-005', terminal.type === 'job.error' && p.code === 'TIMEOUT' && p.final_status === 'timed_out', () => ({
          expected: 'job.error {code: "TIMEOUT", final_status: "timed_out"} once max_runtime_sec passed',
          actual: brief(terminal),
          ...evidenceAround(s, terminal),
        }));
        await judgeNothingAfterTerminal(t, s, jobId, terminal, { oneTerminal: 'LIFE-001' });
      });
    },
  );

  conformanceTest(
    'an abrupt transport drop does not end a job: after a resume it runs on to its own job.result',
    { requirements: ['LIFE-006'] },
    (t: ConformanceContext) =>
      withAgentSession(t, async (s) => {
        const mark = s.mark();
        const { jobId } = await submitAccepted(s, t, 'LIFE-006', {
          steps: [{ op: 'emit', kind: 'log' }, { op: 'sleep', ms: 300 }, { op: 'emit', kind: 'log', count: 3 }, { op: 'finish' }],
        });
        await waitForAgentEvent(s, jobId, { after: mark });
        s.drop();
        const resumed = await s.resume();
        const terminal = await waitForTerminal(s, jobId, t.target.timeoutMs, resumed.mark);
        t.must('LIFE-006', terminal.type === 'job.result' && payloadOf(terminal).final_status === 'success', () => ({
          expected: `job ${jobId} running on after the drop to its own job.result success`,
          actual: brief(terminal),
          ...evidenceAround(s, terminal),
        }));
      }),
  );
});
