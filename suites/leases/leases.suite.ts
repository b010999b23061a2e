// Leases (v1.1 §7.1, §9.3, §9.5-9.7, §12): expires_at echo, validation and enforcement,
// capability enforcement, model.use, and cost.budget counters. The conformance agent's
// `tool` step is the authority-bearing operation; its tool_result says what the lease
// check decided (spec/conformance-agent.md).
import { describe } from 'vitest';
import type { AgentScript, Step } from '../../spec/agent-script.ts';
import type { Feature } from '../../spec/features.ts';
import { payloadOf, type WireFrame } from '../harness/frames.ts';
import type { Session } from '../harness/session.ts';
import { type TestSessions, brief, evidenceAround, requireAgent, requireFeatures, submit, waitForTerminal, withSessions } from '../support/index.ts';
import { conformanceTest, type ConformanceContext } from '../verdicts/conformance-test.ts';
import { describeOutcome, near, remainingReports, runToTerminal, toolOutcomes, utcFromNow, type ToolOutcome } from './support.ts';

/** How long "no job appears" is watched after a rejected submit. */
const QUIET_MS = 200;
/** expires_at of the expiry test, from the submit on. */
const EXPIRY_LEAD_MS = 1000;
/** When the expiry test's agent acts: after expires_at, before a proactive watchdog with a 1 s grace (v1.1 §14). */
const ACT_AFTER_MS = 1500;

async function openLeaseSession(t: ConformanceContext, sessions: TestSessions, ...features: Feature[]): Promise<Session> {
  const session = await sessions.open({ label: 'submitter' });
  requireFeatures(t, session, ...features);
  requireAgent(t, session);
  return session;
}

function tool(toolName: string, extra: Omit<Extract<Step, { op: 'tool' }>, 'op' | 'tool'> = {}): Step {
  return { op: 'tool', tool: toolName, ...extra };
}

/** Evidence naming one tool outcome, with the frames around it. */
function outcomeEvidence(session: Session, expected: string, outcome: ToolOutcome | undefined, ...more: WireFrame[]) {
  return () => ({
    expected,
    actual: describeOutcome(outcome),
    ...evidenceAround(session, ...[outcome?.call, outcome?.result, ...more].filter((f): f is WireFrame => f !== undefined)),
  });
}

/**
 * Submits with a bad expires_at and requires INVALID_REQUEST with no job created. "No job"
 * is checked twice: no job.accepted follows, and the same idempotency_key then takes a
 * valid submission as a new job (a job created by the bad submit would make it a
 * DUPLICATE_KEY or return that job).
 */
async function expectInvalidExpiry(t: ConformanceContext, session: Session, id: string, expiresAt: string, why: string): Promise<void> {
  const key = `conformance-expiry-${Math.random().toString(36).slice(2)}`;
  const script: AgentScript = { steps: [{ op: 'finish' }] };
  const mark = session.mark();
  const bad = await submit(session, t, script, { payload: { lease_constraints: { expires_at: expiresAt }, idempotency_key: key } });
  t.must(id, !bad.accepted && bad.code === 'INVALID_REQUEST', () => ({
    expected: `INVALID_REQUEST for expires_at ${JSON.stringify(expiresAt)} (${why})`,
    actual: bad.accepted ? `job.accepted job ${bad.jobId}` : `${String(bad.frame.type)} code=${String(bad.code)}`,
    ...evidenceAround(session, bad.frame),
  }));
  const late = await session.watch((f) => f.type === 'job.accepted', { description: 'a job.accepted after the rejection', forMs: QUIET_MS, after: mark });
  t.must(id, late === undefined, () => ({
    expected: `no job created for expires_at ${JSON.stringify(expiresAt)}`,
    actual: `job.accepted for job ${String(payloadOf(late as WireFrame).job_id)} after the rejection`,
    ...evidenceAround(session, bad.frame, late as WireFrame),
  }));
  const good = await submit(session, t, script, { payload: { lease_constraints: { expires_at: utcFromNow(10 * 60_000) }, idempotency_key: key } });
  t.must(id, good.accepted, () => ({
    expected: `job.accepted for a valid submission reusing idempotency_key ${key} of the rejected one (no job exists under it)`,
    actual: `${String(good.frame.type)} code=${String(payloadOf(good.frame).code)}`,
    ...evidenceAround(session, bad.frame, good.frame),
  }));
  await waitForTerminal(session, good.jobId, t.target.timeoutMs);
}

/** A job with a lease expiring EXPIRY_LEAD_MS after submit whose agent calls a tool ACT_AFTER_MS after it: run to its terminal. */
async function runActingAfterExpiry(t: ConformanceContext, sessions: TestSessions, id: string) {
  const session = await openLeaseSession(t, sessions, 'lease_expires_at');
  if (t.target.maxWaitMs < ACT_AFTER_MS + 1000) {
    t.untestable(`the lease expiry check waits about ${ACT_AFTER_MS + 1000} ms for expires_at to pass; raise ARCP_MAX_WAIT_MS above ${t.target.maxWaitMs}`);
  }
  const script: AgentScript = { steps: [{ op: 'sleep', ms: ACT_AFTER_MS }, tool('search'), { op: 'finish' }] };
  const run = await runToTerminal(session, t, id, script, {
    payload: { lease_request: { 'tool.call': ['search'] }, lease_constraints: { expires_at: utcFromNow(EXPIRY_LEAD_MS) } },
    timeoutMs: t.target.timeoutMs + ACT_AFTER_MS,
  });
  return { session, run };
}

describe('leases', () => {
  conformanceTest('job.accepted echoes the submitted lease_constraints.expires_at', { requirements: ['LEASE-001'] }, (t: ConformanceContext) =>
    withSessions(t, async (sessions) => {
      const session = await openLeaseSession(t, sessions, 'lease_expires_at');
      const expiresAt = utcFromNow(10 * 60_000);
      const run = await runToTerminal(session, t, 'LEASE-001', { steps: [{ op: 'finish' }] }, { payload: { lease_constraints: { expires_at: expiresAt } } });
      const echoed = (payloadOf(run.accepted).lease_constraints as { expires_at?: unknown } | undefined)?.expires_at;
      t.must('LEASE-001', typeof echoed === 'string' && Date.parse(echoed) === Date.parse(expiresAt), () => ({
        expected: `job.accepted lease_constraints.expires_at ${expiresAt}`,
        actual: `lease_constraints ${JSON.stringify(payloadOf(run.accepted).lease_constraints)}`,
        ...evidenceAround(session, run.accepted),
      }));
    }),
  );

  conformanceTest('a job.submit whose expires_at is in the past is rejected with INVALID_REQUEST and creates no job', { requirements: ['LEASE-002'] }, (t: ConformanceContext) =>
    withSessions(t, async (sessions) => {
      const session = await openLeaseSession(t, sessions, 'lease_expires_at');
      await expectInvalidExpiry(t, session, 'LEASE-002', utcFromNow(-60_000), 'one minute in the past');
    }),
  );

  conformanceTest(
    'a job.submit whose expires_at is not an ISO 8601 UTC time with a Z suffix is rejected with INVALID_REQUEST and creates no job',
    { requirements: ['LEASE-003'] },
    (t: ConformanceContext) =>
      withSessions(t, async (sessions) => {
        const session = await openLeaseSession(t, sessions, 'lease_expires_at');
        // Future instants, so only the form is wrong.
        const future = new Date(Date.now() + 24 * 3600_000);
        const day = future.toISOString().slice(0, 10);
        const cases: [string, string][] = [
          [`${day}T12:00:00+02:00`, 'a future time with a +02:00 offset instead of Z'],
          [`${day}T12:00:00`, 'a future time with no zone'],
          [day, 'a date with no time'],
          ['tomorrow', 'not a timestamp'],
        ];
        for (const [value, why] of cases) await expectInvalidExpiry(t, session, 'LEASE-003', value, why);
      }),
  );

  conformanceTest(
    'a job whose agent acts after expires_at ends with job.error LEASE_EXPIRED, final_status "error", not retryable',
    { requirements: ['LEASE-005', 'ERR-003'], timeoutMs: 30_000 },
    (t: ConformanceContext) =>
      withSessions(t, async (sessions) => {
        const { session, run } = await runActingAfterExpiry(t, sessions, 'LEASE-005');
        const end = payloadOf(run.terminal);
        const terminalEvidence = (expected: string) => () => ({
          expected,
          actual: `${String(run.terminal.type)} code=${String(end.code)} final_status=${String(end.final_status)} retryable=${String(end.retryable)}`,
          ...evidenceAround(session, run.terminal),
        });
        // Whether the runtime ended the job at expiry itself (v1.1 §9.5 MAY) or at the agent's
        // operation, the terminal is the same.
        t.must(
          'LEASE-005',
          run.terminal.type === 'job.error' && end.code === 'LEASE_EXPIRED' && end.final_status === 'error',
          terminalEvidence('job.error code LEASE_EXPIRED, final_status "error" (the agent acted after expires_at)'),
        );
        t.must('ERR-003', end.retryable === false, terminalEvidence('retryable false on the LEASE_EXPIRED job.error'));
      }),
  );

  conformanceTest(
    'an operation after expires_at fails with LEASE_EXPIRED, not retryable',
    { requirements: ['LEASE-004', 'ERR-003'], timeoutMs: 30_000 },
    (t: ConformanceContext) =>
      withSessions(t, async (sessions) => {
        const { session, run } = await runActingAfterExpiry(t, sessions, 'LEASE-004');
        const [outcome] = toolOutcomes(run.frames, run.jobId);
        if (outcome?.result === undefined) {
          const ended = payloadOf(run.terminal).code === 'LEASE_EXPIRED';
          // The server's legal choice: nothing can act after expiry. Any other end is LEASE-005's to judge.
          if (ended) t.notApplicable('the server ends a job at expires_at itself (v1.1 §9.5: "MAY proactively terminate jobs whose leases have expired"), so no operation is ever attempted after expiry');
          t.untestable(`job ${run.jobId} ended (${brief(run.terminal)}) before the agent's operation after expires_at produced a tool_result, so its failure could not be observed`);
        }
        t.must('LEASE-004', outcome.errorCode === 'LEASE_EXPIRED', outcomeEvidence(session, `tool_result error LEASE_EXPIRED for the call ${ACT_AFTER_MS - EXPIRY_LEAD_MS} ms after expires_at`, outcome));
        t.must('ERR-003', outcome.errorRetryable === false, outcomeEvidence(session, 'retryable false on the LEASE_EXPIRED tool_result error', outcome));
      }),
  );

  conformanceTest('operations the lease does not cover fail with PERMISSION_DENIED', { requirements: ['LEASE-007'] }, (t: ConformanceContext) =>
    withSessions(t, async (sessions) => {
      const session = await openLeaseSession(t, sessions);
      const denied: [Step, string][] = [
        [tool('fetch'), 'tool.call "fetch" with the lease granting tool.call ["search"] only'],
        [tool('read', { capability: 'fs.read', target: '/etc/passwd' }), 'fs.read "/etc/passwd" with the lease granting fs.read ["/workspace/**"]'],
        [tool('write', { capability: 'fs.write', target: '/workspace/out.txt' }), 'fs.write, a capability the lease does not name'],
      ];
      const script: AgentScript = { steps: [...denied.map(([step]) => step), tool('search'), { op: 'finish' }] };
      const run = await runToTerminal(session, t, 'LEASE-007', script, {
        payload: { lease_request: { 'tool.call': ['search'], 'fs.read': ['/workspace/**'] } },
      });
      const outcomes = toolOutcomes(run.frames, run.jobId);
      denied.forEach(([, what], k) => {
        const outcome = outcomes[k];
        t.must('LEASE-007', outcome?.errorCode === 'PERMISSION_DENIED', outcomeEvidence(session, `tool_result error PERMISSION_DENIED for ${what}`, outcome, run.terminal));
      });
    }),
  );

  conformanceTest('a model no model.use pattern matches is refused with PERMISSION_DENIED', { requirements: ['MODEL-001'] }, (t: ConformanceContext) =>
    withSessions(t, async (sessions) => {
      const session = await openLeaseSession(t, sessions, 'model.use');
      const denied: [string, string][] = [
        ['tier-slow/large', 'a model of another tier'],
        ['tier-fast-plus/small', 'a model whose name only starts like the pattern'],
        ['tier-fast/small/extra', 'a model one segment deeper than tier-fast/*'],
      ];
      const script: AgentScript = {
        steps: [...denied.map(([model]) => tool('llm', { model })), tool('llm', { model: 'tier-fast/small' }), { op: 'finish' }],
      };
      const run = await runToTerminal(session, t, 'MODEL-001', script, {
        payload: { lease_request: { 'tool.call': ['llm'], 'model.use': ['tier-fast/*'] } },
      });
      const outcomes = toolOutcomes(run.frames, run.jobId);
      denied.forEach(([model, what], k) => {
        const outcome = outcomes[k];
        t.must(
          'MODEL-001',
          outcome?.errorCode === 'PERMISSION_DENIED',
          outcomeEvidence(session, `tool_result error PERMISSION_DENIED for model ${model} (${what}) with model.use ["tier-fast/*"]`, outcome, run.terminal),
        );
      });
    }),
  );

  conformanceTest('job.accepted carries one budget counter per budgeted currency, set to the budgeted amount', { requirements: ['BUDGET-001'] }, (t: ConformanceContext) =>
    withSessions(t, async (sessions) => {
      const session = await openLeaseSession(t, sessions, 'cost.budget');
      const run = await runToTerminal(session, t, 'BUDGET-001', { steps: [{ op: 'finish' }] }, {
        payload: { lease_request: { 'cost.budget': ['USD:5.00', 'credits:1000'] } },
      });
      const budget = payloadOf(run.accepted).budget as Record<string, unknown> | undefined;
      t.must('BUDGET-001', near(budget?.USD, 5) && near(budget?.credits, 1000), () => ({
        expected: 'job.accepted budget {"USD": 5, "credits": 1000} for cost.budget ["USD:5.00", "credits:1000"]',
        actual: `budget ${JSON.stringify(budget)}`,
        ...evidenceAround(session, run.accepted),
      }));
    }),
  );

  conformanceTest(
    'cost metrics decrement their currency\'s budget counter, other metrics do not, and at zero every operation fails with BUDGET_EXHAUSTED',
    { requirements: ['BUDGET-002', 'BUDGET-004', 'BUDGET-005', 'ERR-003'] },
    (t: ConformanceContext) =>
      withSessions(t, async (sessions) => {
        const session = await openLeaseSession(t, sessions, 'cost.budget');
        // USD 1.00: 0.5 spent, then a non-cost metric in USD and a cost in an unbudgeted
        // currency (neither may count), 0.25 twice to reach exactly 0. Binary-exact amounts.
        const script: AgentScript = {
          steps: [
            { op: 'cost', amount: 0.5, currency: 'USD' },
            { op: 'emit', kind: 'metric', body: { name: 'tokens.used', value: 5, unit: 'USD' } },
            { op: 'cost', amount: 7, currency: 'EUR' },
            tool('search'),
            { op: 'cost', amount: 0.25, currency: 'USD' },
            tool('search'),
            { op: 'cost', amount: 0.25, currency: 'USD' },
            tool('search'),
            tool('search'),
            { op: 'finish' },
          ],
        };
        const run = await runToTerminal(session, t, 'BUDGET-002', script, {
          payload: { lease_request: { 'tool.call': ['search'], 'cost.budget': ['USD:1.00'] } },
        });
        const outcomes = toolOutcomes(run.frames, run.jobId);
        const end = payloadOf(run.terminal);
        const [afterHalf, afterThreeQuarters, atZero, again] = outcomes;
        t.must(
          'BUDGET-002',
          afterHalf?.ok === true,
          outcomeEvidence(session, 'a successful tool_result with USD 0.50 left (only the 0.50 USD cost metric counts, not tokens.used in USD nor 7 EUR)', afterHalf, run.terminal),
        );
        t.must('BUDGET-002', afterThreeQuarters?.ok === true, outcomeEvidence(session, 'a successful tool_result with USD 0.25 left', afterThreeQuarters, run.terminal));
        const reports = remainingReports(run.frames, run.jobId, 'USD');
        const states = [1, 0.5, 0.25, 0];
        const consistent = reports.every((v, k) => states.some((s) => near(v, s)) && (k === 0 || v <= (reports[k - 1] as number) + 1e-9));
        t.must('BUDGET-002', consistent, () => ({
          expected: 'cost.budget.remaining USD values among 1, 0.5, 0.25, 0 and never rising (the counter after each USD cost metric)',
          actual: `cost.budget.remaining USD values [${reports.join(', ')}]`,
          ...evidenceAround(session, run.terminal),
        }));

        const fatal = run.terminal.type === 'job.error' && end.code === 'BUDGET_EXHAUSTED';
        for (const [outcome, which] of [[atZero, 'first'], [again, 'second']] as const) {
          if (outcome?.result === undefined && fatal) continue; // the runtime ended the job instead (BUDGET-005)
          t.must('BUDGET-004', outcome?.errorCode === 'BUDGET_EXHAUSTED', outcomeEvidence(session, `tool_result error BUDGET_EXHAUSTED for the ${which} operation with USD at 0`, outcome, run.terminal));
          t.must('ERR-003', outcome?.errorRetryable === false, outcomeEvidence(session, 'retryable false on the BUDGET_EXHAUSTED tool_result error', outcome));
        }
        // Either the tool_result form (the agent goes on and finishes) or a fatal job.error.
        const ok = fatal ? end.final_status === 'error' : run.terminal.type === 'job.result';
        t.must('BUDGET-005', ok, () => ({
          expected: 'after exhaustion, either the script\'s own success (tool_result form) or job.error BUDGET_EXHAUSTED with final_status "error"',
          actual: `${String(run.terminal.type)} code=${String(end.code)} final_status=${String(end.final_status)}`,
          ...evidenceAround(session, run.terminal),
        }));
        if (fatal) {
          t.must('ERR-003', end.retryable === false, () => ({
            expected: 'retryable false on the BUDGET_EXHAUSTED job.error',
            actual: `retryable ${String(end.retryable)}`,
            ...evidenceAround(session, run.terminal),
          }));
        }
      }),
  );

  conformanceTest('a cost metric with a negative value does not change the budget counter', { requirements: ['BUDGET-003'] }, (t: ConformanceContext) =>
    withSessions(t, async (sessions) => {
      const session = await openLeaseSession(t, sessions, 'cost.budget');
      // Had the -0.5 counted, 0.5 would be left after spending 1.00 and the call would succeed.
      const script: AgentScript = {
        steps: [{ op: 'cost', amount: -0.5, currency: 'USD' }, { op: 'cost', amount: 1, currency: 'USD' }, tool('search'), { op: 'finish' }],
      };
      const run = await runToTerminal(session, t, 'BUDGET-003', script, {
        payload: { lease_request: { 'tool.call': ['search'], 'cost.budget': ['USD:1.00'] } },
      });
      const [outcome] = toolOutcomes(run.frames, run.jobId);
      const end = payloadOf(run.terminal);
      const endedByBudget = run.terminal.type === 'job.error' && end.code === 'BUDGET_EXHAUSTED';
      if (outcome?.result === undefined && !endedByBudget) {
        t.untestable(
          `the job ended (${String(run.terminal.type)} code=${String(end.code)}) before its operation after the negative cost metric, so the counter could not be observed`,
        );
      }
      t.must('BUDGET-003', endedByBudget || outcome?.errorCode === 'BUDGET_EXHAUSTED', outcomeEvidence(session, 'BUDGET_EXHAUSTED: USD 1.00 minus 1.00 is 0 when the -0.50 metric is rejected', outcome, run.terminal));
      const reports = remainingReports(run.frames, run.jobId, 'USD');
      t.must('BUDGET-003', reports.every((v) => near(v, 1) || near(v, 0)), () => ({
        expected: 'cost.budget.remaining USD values 1 or 0 only (the negative metric changes nothing)',
        actual: `cost.budget.remaining USD values [${reports.join(', ')}]`,
        ...evidenceAround(session, run.terminal),
      }));
    }),
  );
});

