// Job submission and acceptance (v1.1 §7.1, v1.0 §7.1, §3.1, §11, §12) and agent
// versioning (v1.1 §7.5). Black-box: everything comes from t.target.
import { randomUUID } from 'node:crypto';
import { describe } from 'vitest';
import type { AgentScript } from '../../spec/agent-script.ts';
import { TRACE_ID_PATTERN } from '../../spec/primitives.ts';
import { type WireFrame, isWireFrame, payloadOf } from '../harness/frames.ts';
import type { Session } from '../harness/session.ts';
import {
  brief,
  evidenceAround,
  listJobs,
  QUIET_MS,
  requireAgent,
  requireFeatures,
  runToTerminal,
  sendCancel,
  submit,
  submitAccepted,
  waitForTerminal,
  withAgentSession,
  withSessions,
} from '../support/index.ts';
import { type ConformanceContext, conformanceTest } from '../verdicts/conformance-test.ts';
import { viewsOfJob } from '../support/job-views.ts';
import { inlineResult } from '../support/results.ts';
import { leaseExcess } from '../../spec/lease-subset.ts';

const FINISH: AgentScript = { steps: [{ op: 'finish' }] };

/** A name no server registers: lowercase, valid under the agent grammar of v1.1 §7.5. */
function unregisteredAgent(): string {
  return `no-such-agent-${randomUUID().slice(0, 8)}`;
}

/** Watches for any job.accepted: a rejected submit must create no job. */
function watchAccepted(session: Session, after: number): Promise<WireFrame | undefined> {
  return session.watch((f) => f.type === 'job.accepted', { description: 'a job.accepted after a rejected submit', forMs: QUIET_MS, after });
}

/** Judges that a rejected submit created no job: no job.accepted, and no listed job of that agent. */
async function judgeNoJob(t: ConformanceContext, id: string, session: Session, after: number, agent: string): Promise<void> {
  const accepted = await watchAccepted(session, after);
  t.must(id, accepted === undefined, () => ({
    expected: `no job.accepted after the rejected job.submit of ${agent}`,
    actual: brief(accepted),
    ...evidenceAround(session, ...(accepted ? [accepted] : [])),
  }));
  if (!session.features.has('list_jobs')) return;
  const listing = await listJobs(session, t, { filter: { agent } });
  const rows = payloadOf(listing).jobs;
  const count = Array.isArray(rows) ? rows.length : 0;
  t.must(id, listing.type === 'session.jobs' && count === 0, () => ({
    expected: `session.jobs listing no job of agent ${agent}`,
    actual: `${brief(listing)} with ${count} job(s)`,
    ...evidenceAround(session, listing),
  }));
}

describe('jobs: submission and acceptance', () => {
  conformanceTest(
    'a job.submit without trace_id is accepted with a job_id, the effective lease and a generated W3C trace_id',
    { requirements: ['JOB-001', 'JOB-004'] },
    (t: ConformanceContext) =>
      withAgentSession(t, async (s) => {
        const { frame } = await submitAccepted(s, t, 'JOB-001', FINISH);
        const p = payloadOf(frame);
        t.must('JOB-001', typeof p.job_id === 'string' && p.job_id !== '', () => ({
          expected: 'job.accepted payload.job_id, a non-empty string',
          actual: `job_id ${JSON.stringify(p.job_id)}`,
          ...evidenceAround(s, frame),
        }));
        t.must('JOB-001', isWireFrame(p.lease), () => ({
          expected: 'job.accepted payload.lease, the effective lease object',
          actual: `lease ${JSON.stringify(p.lease)}`,
          ...evidenceAround(s, frame),
        }));
        const trace = p.trace_id ?? frame.trace_id;
        t.must('JOB-004', typeof trace === 'string' && TRACE_ID_PATTERN.test(trace) && !/^0+$/.test(trace), () => ({
          expected: 'a generated W3C trace_id (32 lowercase hex digits, not all zero) in job.accepted',
          actual: `payload.trace_id ${JSON.stringify(p.trace_id)}, envelope trace_id ${JSON.stringify(frame.trace_id)}`,
          ...evidenceAround(s, frame),
        }));
      }),
  );

  conformanceTest(
    'the effective lease in job.accepted never grants a capability or pattern beyond the lease_request',
    { requirements: ['JOB-002'] },
    (t: ConformanceContext) =>
      withAgentSession(t, async (s) => {
        const requested = { 'tool.call': ['search', 'fetch/*'], 'fs.read': ['/workspace/**'] };
        const cases: Array<{ request: Record<string, string[]>; payload: Record<string, unknown>; what: string }> = [
          { request: requested, payload: { lease_request: requested }, what: `lease_request ${JSON.stringify(requested)}` },
          { request: {}, payload: {}, what: 'no lease_request' },
        ];
        for (const c of cases) {
          const { frame } = await submitAccepted(s, t, 'JOB-002', FINISH, { payload: c.payload });
          const excess = leaseExcess(c.request, payloadOf(frame).lease);
          t.must('JOB-002', excess.length === 0, () => ({
            expected: `an effective lease within ${c.what}`,
            actual: excess.join('; '),
            ...evidenceAround(s, frame),
          }));
        }
      }),
  );

  conformanceTest(
    'job.accepted reaches the submitting session before any event or terminal of the job',
    { requirements: ['JOB-003'] },
    (t: ConformanceContext) =>
      withAgentSession(t, async (s) => {
        // The job emits at once, so a runtime that starts the agent before sending
        // job.accepted shows it here.
        const run = await runToTerminal(s, t, 'JOB-003', { steps: [{ op: 'emit', kind: 'log', count: 20 }, { op: 'finish' }] });
        const first = run.frames[0];
        t.must('JOB-003', first?.type === 'job.accepted', () => ({
          expected: `job.accepted as the first frame about job ${run.jobId}`,
          actual: `${brief(first)} came first`,
          ...evidenceAround(s, ...(first ? [first, run.accepted] : [run.accepted])),
        }));
      }),
  );

  conformanceTest(
    'a job.submit naming an unregistered agent is rejected with AGENT_NOT_AVAILABLE and creates no job',
    { requirements: ['JOB-005'] },
    (t: ConformanceContext) =>
      withSessions(t, async (sessions) => {
        const s = await sessions.open();
        const agent = unregisteredAgent();
        const mark = s.mark();
        const outcome = await submit(s, t, FINISH, { agent });
        t.must('JOB-005', !outcome.accepted && outcome.code === 'AGENT_NOT_AVAILABLE', () => ({
          expected: `a rejection with code AGENT_NOT_AVAILABLE for agent ${agent}`,
          actual: brief(outcome.frame),
          ...evidenceAround(s, outcome.frame),
        }));
        await judgeNoJob(t, 'JOB-005', s, mark, agent);
      }),
  );
});

describe('jobs: agent versions', () => {
  conformanceTest(
    'with agent_versions, the welcome lists every agent as {name, versions[], default?}',
    { requirements: ['VER-001'] },
    (t: ConformanceContext) =>
      withSessions(t, async (sessions) => {
        const s = await sessions.open();
        requireFeatures(t, s, 'agent_versions');
        // Judged on the whole welcome when the session adopted it (the session keeps a giant one elided).
        const inventory = s.agentInventory;
        t.must('VER-001', !('notAnArray' in inventory), () => ({
          expected: 'session.welcome payload.capabilities.agents, an array',
          actual: JSON.stringify(inventory.notAnArray) ?? 'absent',
          ...evidenceAround(s, s.welcome),
        }));
        for (const entry of inventory.notRich) {
          t.must('VER-001', false, () => ({
            expected: 'each agents entry an object {name: string, versions: string[], default?: string}',
            actual: JSON.stringify(entry),
            ...evidenceAround(s, s.welcome),
          }));
        }
      }),
  );

  conformanceTest(
    'a bare agent name runs the advertised default version, shown as name@default in job.accepted',
    { requirements: ['VER-002'] },
    (t: ConformanceContext) =>
      withSessions(t, async (sessions) => {
        const s = await sessions.open();
        requireFeatures(t, s, 'agent_versions');
        requireAgent(t, s);
        const name = t.target.profile.agent;
        const fallback = s.agents.find((a) => a.name === name)?.default;
        if (fallback === undefined) t.untestable(`the welcome advertises no default version for "${name}" (spec/conformance-agent.md: default 2.0.0)`);
        const run = await runToTerminal(s, t, 'VER-002', FINISH, { agent: name });
        const shown = payloadOf(run.accepted).agent;
        t.must('VER-002', shown === `${name}@${fallback}`, () => ({
          expected: `job.accepted agent "${name}@${fallback}"`,
          actual: `agent ${JSON.stringify(shown)}`,
          ...evidenceAround(s, run.accepted),
        }));
        // The conformance agent's default result names the version that really ran (read
        // under whatever field the server puts it; the name is LIFE-008's).
        const result = inlineResult(run.terminal);
        if (result !== undefined) {
          t.must('VER-002', isWireFrame(result.value) && result.value.version === fallback, () => ({
            expected: `job.result ${result.field} {version: "${fallback}"} (the default version ran)`,
            actual: `${brief(run.terminal)} ${result.field} ${JSON.stringify(result.value)}`,
            ...evidenceAround(s, run.terminal),
          }));
        }
      }),
  );

  conformanceTest(
    'name@version runs exactly that version, shown as name@version in job.accepted',
    { requirements: ['VER-003'] },
    (t: ConformanceContext) =>
      withSessions(t, async (sessions) => {
        const s = await sessions.open();
        requireFeatures(t, s, 'agent_versions');
        requireAgent(t, s);
        const info = s.agents.find((a) => a.name === t.target.profile.agent);
        // Prefer a version other than the default, so "ran the default anyway" shows.
        const version = info?.versions.find((v) => v !== info.default) ?? info?.versions[0];
        if (info === undefined || version === undefined) t.untestable(`the welcome lists no versions for "${t.target.profile.agent}"`);
        const ref = `${info.name}@${version}`;
        const run = await runToTerminal(s, t, 'VER-003', FINISH, { agent: ref });
        const shown = payloadOf(run.accepted).agent;
        t.must('VER-003', shown === ref, () => ({
          expected: `job.accepted agent "${ref}"`,
          actual: `agent ${JSON.stringify(shown)}`,
          ...evidenceAround(s, run.accepted),
        }));
        const result = inlineResult(run.terminal);
        if (result !== undefined) {
          t.must('VER-003', isWireFrame(result.value) && result.value.version === version, () => ({
            expected: `job.result ${result.field} {version: "${version}"} (the pinned version ran)`,
            actual: `${brief(run.terminal)} ${result.field} ${JSON.stringify(result.value)}`,
            ...evidenceAround(s, run.terminal),
          }));
        }
      }),
  );

  conformanceTest(
    'a registered agent with a version it does not offer is rejected with AGENT_VERSION_NOT_AVAILABLE',
    { requirements: ['VER-004'] },
    (t: ConformanceContext) =>
      withSessions(t, async (sessions) => {
        const s = await sessions.open();
        requireFeatures(t, s, 'agent_versions');
        const agent = s.agents.find((a) => a.name === t.target.profile.agent) ?? s.agents[0];
        if (agent === undefined) t.untestable('the welcome advertises no agent');
        let version = '0.0.0-not-offered';
        while (agent.versions.includes(version)) version += 'x';
        const ref = `${agent.name}@${version}`;
        const mark = s.mark();
        const outcome = await submit(s, t, FINISH, { agent: ref });
        t.must('VER-004', !outcome.accepted && outcome.code === 'AGENT_VERSION_NOT_AVAILABLE', () => ({
          expected: `a rejection with code AGENT_VERSION_NOT_AVAILABLE for ${ref} (offered: ${agent.versions.join(', ')})`,
          actual: brief(outcome.frame),
          ...evidenceAround(s, outcome.frame),
        }));
        const accepted = await watchAccepted(s, mark);
        t.must('VER-004', accepted === undefined, () => ({
          expected: `no job.accepted for ${ref}`,
          actual: brief(accepted),
          ...evidenceAround(s, ...(accepted ? [accepted] : [])),
        }));
      }),
  );

  conformanceTest(
    'an unregistered agent with a version suffix is rejected with AGENT_NOT_AVAILABLE, not AGENT_VERSION_NOT_AVAILABLE',
    { requirements: ['VER-005'] },
    (t: ConformanceContext) =>
      withSessions(t, async (sessions) => {
        const s = await sessions.open();
        requireFeatures(t, s, 'agent_versions');
        const ref = `${unregisteredAgent()}@1.0.0`;
        const outcome = await submit(s, t, FINISH, { agent: ref });
        t.must('VER-005', !outcome.accepted && outcome.code === 'AGENT_NOT_AVAILABLE', () => ({
          expected: `a rejection with code AGENT_NOT_AVAILABLE for ${ref}`,
          actual: brief(outcome.frame),
          ...evidenceAround(s, outcome.frame),
        }));
      }),
  );

  conformanceTest(
    'listings and job.subscribed show the resolved name@version while the job runs and after it ends',
    { requirements: ['VER-006'] },
    (t: ConformanceContext) =>
      withSessions(t, async (sessions) => {
        const s = await sessions.open();
        requireFeatures(t, s, 'agent_versions');
        requireAgent(t, s);
        const canList = s.features.has('list_jobs');
        const canSubscribe = s.features.has('subscribe');
        if (!canList && !canSubscribe) t.notApplicable('features not negotiated: list_jobs and subscribe (either shows the agent)');
        const mark = s.mark();
        const { jobId, frame } = await submitAccepted(s, t, 'VER-006', { steps: [{ op: 'wait_cancel', max_ms: 3000 }] });
        const resolved = payloadOf(frame).agent;
        // Each look takes the views the server gives (a row missing is LIST-003's or LIST-007's to judge).
        const judgeViews = async (when: string) => {
          const watcher = canSubscribe ? await sessions.open({ label: `watcher ${when}` }) : undefined;
          for (const view of await viewsOfJob(t, s, watcher, jobId, frame)) {
            t.must('VER-006', typeof resolved === 'string' && view.agent === resolved, () => ({
              expected: `the ${view.where} ${when} with agent ${JSON.stringify(resolved)} (as job.accepted resolved it)`,
              actual: `agent ${JSON.stringify(view.agent)}`,
              ...evidenceAround(s, frame, view.frame),
            }));
          }
        };
        await judgeViews('while the job runs');
        sendCancel(s, jobId);
        await waitForTerminal(s, jobId, t.target.timeoutMs, mark);
        await judgeViews('after the job ended');
      }),
  );
});
