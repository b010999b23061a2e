// Lease corners (v1.0 §9.2, v1.1 §9.3, §9.5, §12): `*` stays inside one path segment for
// every capability, expiry is judged on every operation (also one the lease allowed
// before expires_at), and LEASE_EXPIRED is not retryable in the watchdog's form either.
import { describe } from 'vitest';
import type { AgentScript, Step } from '../../spec/agent-script.ts';
import { payloadOf } from '../harness/frames.ts';
import { brief, evidenceAround, requireAgent, requireFeatures, withSessions } from '../support/index.ts';
import { conformanceTest, type ConformanceContext } from '../verdicts/conformance-test.ts';
import { describeOutcome, expectDenied, fsTool, runToTerminal, toolOutcomes, utcFromNow } from './support.ts';

/** expires_at of the expiry checks, from the submit on. */
const EXPIRY_LEAD_MS = 2000;
/** The agent's second operation: after expires_at, before a proactive watchdog with a 1 s grace (v1.1 §14). */
const ACT_AFTER_MS = 2500;

describe('leases: corners', () => {
  conformanceTest('"*" matches within one path segment for every capability, fs.* included', { requirements: ['LEASE-007'] }, (t: ConformanceContext) =>
    withSessions(t, async (sessions) => {
      const session = await sessions.open();
      requireAgent(t, session);
      // v1.0 §9.2: `*` matches any run of characters except `/`; `**` crosses segments.
      await expectDenied(
        t,
        session,
        'LEASE-007',
        {
          'fs.read': ['/workspace/*'],
          'fs.write': ['/workspace/out/*.txt'],
          'net.fetch': ['https://api.example.com/v1/*'],
          'tool.call': ['search'],
        },
        [
          [fsTool('read', 'fs.read', '/workspace/src/main.ts'), 'fs.read /workspace/src/main.ts (two segments under /workspace/*)'],
          [fsTool('write', 'fs.write', '/workspace/out/sub/x.txt'), 'fs.write /workspace/out/sub/x.txt (two segments under /workspace/out/*.txt)'],
          [fsTool('fetch', 'net.fetch', 'https://api.example.com/v1/users/7'), 'net.fetch https://api.example.com/v1/users/7 (two segments under /v1/*)'],
        ],
      );
    }),
  );

  conformanceTest(
    'an operation the lease allowed before expires_at fails with LEASE_EXPIRED when repeated after it',
    { requirements: ['LEASE-004'], timeoutMs: 30_000 },
    (t: ConformanceContext) =>
      withSessions(t, async (sessions) => {
        const session = await sessions.open();
        requireFeatures(t, session, 'lease_expires_at');
        requireAgent(t, session);
        if (t.target.maxWaitMs < ACT_AFTER_MS + 1000) {
          t.untestable(`the check waits about ${ACT_AFTER_MS + 1000} ms for expires_at to pass; raise ARCP_MAX_WAIT_MS above ${t.target.maxWaitMs}`);
        }
        const search: Step = { op: 'tool', tool: 'search' };
        const script: AgentScript = { steps: [search, { op: 'sleep', ms: ACT_AFTER_MS }, search, { op: 'finish' }] };
        const run = await runToTerminal(session, t, 'LEASE-004', script, {
          payload: { lease_request: { 'tool.call': ['search'] }, lease_constraints: { expires_at: utcFromNow(EXPIRY_LEAD_MS) } },
          timeoutMs: t.target.timeoutMs + ACT_AFTER_MS,
        });
        const [before, after] = toolOutcomes(run.frames, run.jobId);
        if (before?.ok !== true) {
          t.untestable(`the first operation, sent right after the submit and ${EXPIRY_LEAD_MS} ms before expires_at, was not allowed (${describeOutcome(before)}), so no allowed operation could be repeated`);
        }
        if (after?.result === undefined) {
          // The server's legal choice (v1.1 §9.5 MAY): nothing can act after expiry. Any other end is LEASE-005's.
          if (payloadOf(run.terminal).code === 'LEASE_EXPIRED') {
            t.notApplicable('the server ends a job at expires_at itself (v1.1 §9.5: "MAY proactively terminate jobs whose leases have expired"), so no operation is repeated after expiry');
          }
          t.untestable(`the server ended the job (${brief(run.terminal)}) before the repeated operation produced a tool_result`);
        }
        t.must('LEASE-004', after.errorCode === 'LEASE_EXPIRED', () => ({
          expected: `tool_result error LEASE_EXPIRED for the same call repeated ${ACT_AFTER_MS - EXPIRY_LEAD_MS} ms after expires_at (it was allowed before)`,
          actual: describeOutcome(after),
          ...evidenceAround(session, before.call, ...(before.result ? [before.result] : []), after.call, after.result as NonNullable<typeof after.result>),
        }));
      }),
  );

  conformanceTest(
    'a job the runtime ends at lease expiry on its own ends with LEASE_EXPIRED, retryable false',
    { requirements: ['ERR-003'], timeoutMs: 30_000 },
    (t: ConformanceContext) =>
      withSessions(t, async (sessions) => {
        const session = await sessions.open();
        requireFeatures(t, session, 'lease_expires_at');
        requireAgent(t, session);
        // The agent makes no operation; only a proactive watchdog (a MAY, v1.1 §9.5) can end it early.
        const sleepMs = 4000;
        if (t.target.maxWaitMs < sleepMs + 1000) t.untestable(`the check waits up to ${sleepMs} ms; raise ARCP_MAX_WAIT_MS above ${t.target.maxWaitMs}`);
        const run = await runToTerminal(session, t, 'ERR-003', { steps: [{ op: 'sleep', ms: sleepMs }, { op: 'finish' }] }, {
          payload: { lease_constraints: { expires_at: utcFromNow(500) } },
          timeoutMs: t.target.timeoutMs + sleepMs,
        });
        const end = payloadOf(run.terminal);
        if (run.terminal.type !== 'job.error' || end.code !== 'LEASE_EXPIRED') {
          t.notApplicable(`the runtime does not end a job at lease expiry on its own (a MAY of v1.1 §9.5): ${brief(run.terminal)}`);
        }
        t.must('ERR-003', end.retryable === false, () => ({
          expected: 'retryable false on the job.error LEASE_EXPIRED the runtime sent when the lease expired',
          actual: `${brief(run.terminal)} retryable=${String(end.retryable)}`,
          ...evidenceAround(session, run.terminal),
        }));
      }),
  );
});
