// Security (v1.1 §6.6, §7.6, §9.8, §14; v1.0 §14): credentials reach only the submitting
// principal, one credential value per job, listings hide other principals' jobs, and lease
// patterns see canonical paths and URLs (that a subscription carries no cancel authority,
// CANCEL-007, is the cancel suite's). Cross-principal checks need ARCP_TOKEN_2; those that need a foreign subscription
// also need the profile's subscribePolicy "any".
import { describe } from 'vitest';
import { payloadOf, type WireFrame } from '../harness/frames.ts';
import type { Session } from '../harness/session.ts';
import {
  type TestSessions,
  evidenceAround,
  requireAgent,
  requireFeatures,
  submit,
  submitAccepted,
  waitForTerminal,
  withSessions,
} from '../support/index.ts';
import { conformanceTest, type ConformanceContext } from '../verdicts/conformance-test.ts';
import { expectDenied, fsTool as tool, runToTerminal } from '../leases/support.ts';
import { HOLD_MS, heldScript, requestSubscribe, sameJson, waitForMarkers } from '../subscribe/support.ts';
import type { Feature } from '../../spec/features.ts';
import { credentialLease, credentialsOf, frameWithCredential, listAllJobs, requireCredentials, startHeldJob } from './support.ts';

async function openOwner(t: ConformanceContext, sessions: TestSessions, ...features: Feature[]): Promise<Session> {
  const owner = await sessions.open({ label: 'owner' });
  requireFeatures(t, owner, ...features);
  requireAgent(t, owner);
  return owner;
}

function requireForeignSubscribe(t: ConformanceContext): void {
  if (t.target.profile.subscribePolicy !== 'any') {
    t.notApplicable('the profile\'s subscribePolicy is "same-principal": another principal cannot subscribe, so there is no foreign subscriber to check (SUB-008 checks the refusal)');
  }
}

/** A foreign subscription the profile promises; UNTESTABLE when the server refuses it anyway. */
async function subscribeForeign(t: ConformanceContext, foreign: Session, jobId: string) {
  const outcome = await requestSubscribe(foreign, t, jobId, { history: true, fromEventSeq: 0 });
  if (!outcome.subscribed) {
    t.untestable(
      `the profile declares subscribePolicy "any" but the server refused another principal's job.subscribe (${String(outcome.frame.type)} code=${String(outcome.code)}); fix the profile or the deployment policy`,
    );
  }
  return outcome;
}

// One test at a time: the CRED-005 listing check reads every row the other principal sees as
// a job it did not submit, and other tests of this file submit jobs with credentials as that
// principal (run concurrently, their rows read as a leak: a false FAIL seen on the reference).
describe.sequential('security', () => {
  conformanceTest(
    'job.subscribed for a subscriber of another principal carries the lease but no credentials, and no credential value ever reaches it',
    { requirements: ['SUB-001', 'CRED-004', 'CRED-006'] },
    (t: ConformanceContext) =>
      withSessions(t, async (sessions) => {
        const owner = await openOwner(t, sessions, 'provisioned_credentials', 'subscribe');
        requireForeignSubscribe(t);
        const { jobId, frame: accepted } = await startHeldJob(t, owner, 'CRED-004', credentialLease(owner));
        const values = requireCredentials(t, accepted);
        const foreign = await sessions.open({ principal: 'secondary', label: 'foreign subscriber' });
        const sub = await subscribeForeign(t, foreign, jobId);
        // The authority descriptor follows the observing principal (v1.1 §7.6): redacting
        // credentials must not strip it.
        const acceptedLease = payloadOf(accepted).lease;
        t.must('SUB-001', payloadOf(sub.frame).job_id === jobId && sameJson(payloadOf(sub.frame).lease, acceptedLease), () => ({
          expected: `job.subscribed for the other principal with job_id ${jobId} and the effective lease ${JSON.stringify(acceptedLease)}`,
          actual: `job_id ${String(payloadOf(sub.frame).job_id)}, lease ${JSON.stringify(payloadOf(sub.frame).lease)}`,
          ...evidenceAround(foreign, accepted, sub.frame),
        }));
        t.must('CRED-004', credentialsOf(payloadOf(sub.frame)) === undefined, () => ({
          expected: `job.subscribed for another principal's job ${jobId} without credentials (they follow the submitter only)`,
          actual: `job.subscribed carrying ${credentialsOf(payloadOf(sub.frame))?.length} credential(s)`,
          ...evidenceAround(foreign, accepted, sub.frame),
        }));
        await waitForTerminal(foreign, jobId, t.target.timeoutMs + HOLD_MS, sub.mark);
        const leak = frameWithCredential(foreign, values);
        t.must('CRED-006', leak === undefined, () => ({
          expected: `no frame to the other principal's session contains a credential value of job ${jobId}`,
          actual: `${String(leak?.type)} contains one`,
          ...evidenceAround(foreign, accepted, leak as WireFrame),
        }));
      }),
  );

  conformanceTest(
    "another principal's session.list_jobs shows no credentials of a job it did not submit",
    { requirements: ['CRED-005', 'CRED-006'] },
    (t: ConformanceContext) =>
      withSessions(t, async (sessions) => {
        const owner = await openOwner(t, sessions, 'provisioned_credentials', 'list_jobs');
        const { jobId, frame: accepted } = await startHeldJob(t, owner, 'CRED-005', credentialLease(owner));
        const values = requireCredentials(t, accepted);
        const foreign = await sessions.open({ principal: 'secondary', label: 'other principal' });
        requireFeatures(t, foreign, 'list_jobs');
        const { rows, pages } = await listAllJobs(foreign, t);
        // The other principal submitted nothing, so no row it sees may carry credentials.
        const withCredentials = rows.find((row) => credentialsOf(row) !== undefined);
        t.must('CRED-005', withCredentials === undefined, () => ({
          expected: 'no session.jobs row with credentials for a principal that submitted no job',
          actual: `the row of job ${String(withCredentials?.job_id)}${withCredentials?.job_id === jobId ? " (the owner's job)" : ''} carries credentials`,
          ...evidenceAround(foreign, accepted, ...pages),
        }));
        const leak = frameWithCredential(foreign, values);
        t.must('CRED-006', leak === undefined, () => ({
          expected: `no frame to the other principal's session contains a credential value of job ${jobId}`,
          actual: `${String(leak?.type)} contains one`,
          ...evidenceAround(foreign, accepted, leak as WireFrame),
        }));
      }),
  );

  conformanceTest(
    "another principal's session.list_jobs does not list the job",
    { requirements: ['LIST-002'] },
    (t: ConformanceContext) =>
      withSessions(t, async (sessions) => {
        // v1.1 §6.6 lets deployment policy list other principals' jobs; the profile says so.
        if (t.target.profile.listPolicy === 'any') {
          t.notApplicable('the profile\'s listPolicy is "any": this deployment lists other principals\' jobs on purpose');
        }
        const owner = await openOwner(t, sessions, 'list_jobs');
        const { jobId, frame: accepted } = await startHeldJob(t, owner, 'LIST-002');
        const foreign = await sessions.open({ principal: 'secondary', label: 'other principal' });
        requireFeatures(t, foreign, 'list_jobs');
        const { rows, pages } = await listAllJobs(foreign, t);
        const row = rows.find((r) => r.job_id === jobId);
        t.must('LIST-002', row === undefined, () => ({
          expected:
            `session.list_jobs of another principal without job ${jobId} (running, submitted by the primary principal; ` +
            'set "listPolicy": "any" in the profile if your deployment lists other principals\' jobs on purpose)',
          actual: `a row for ${jobId} with status ${String(row?.status)}`,
          ...evidenceAround(foreign, accepted, ...pages),
        }));
      }),
  );

  conformanceTest(
    "another principal repeating a job's idempotency_key and parameters gets none of that job's credentials",
    { requirements: ['CRED-006'] },
    (t: ConformanceContext) =>
      withSessions(t, async (sessions) => {
        const owner = await openOwner(t, sessions, 'provisioned_credentials');
        const key = `conformance-cred-${Math.random().toString(36).slice(2)}`;
        const lease = credentialLease(owner);
        const script = heldScript(1, 1);
        const mark = owner.mark();
        const { jobId, frame: accepted } = await submitAccepted(owner, t, 'CRED-006', script, { payload: { lease_request: lease, idempotency_key: key } });
        await waitForMarkers(owner, jobId, 1, t.target.timeoutMs, mark);
        const values = requireCredentials(t, accepted);
        const foreign = await sessions.open({ principal: 'secondary', label: 'other principal' });
        requireFeatures(t, foreign, 'provisioned_credentials');
        // Identical parameters: a server that keys idempotency by key alone would hand back
        // the owner's job.accepted, credentials included (v1.1 §7.2, §14).
        const answer = await submit(foreign, t, script, { payload: { lease_request: lease, idempotency_key: key } });
        // A job of its own (the key is per principal) runs to its end, so all its frames are in.
        if (answer.accepted && answer.jobId !== jobId) await waitForTerminal(foreign, answer.jobId, t.target.timeoutMs + HOLD_MS);
        const leak = frameWithCredential(foreign, values);
        t.must('CRED-006', leak === undefined, () => ({
          expected: `no frame to the other principal's session contains a credential value of job ${jobId}`,
          actual: `${String(leak?.type)}${leak?.type === 'job.accepted' ? ` for job ${String(payloadOf(leak).job_id)}` : ''} contains one`,
          ...evidenceAround(foreign, accepted, leak as WireFrame),
        }));
      }),
  );

  conformanceTest(
    'every job gets its own credentials in job.accepted, each with a string id, scheme, value and endpoint',
    { requirements: ['CRED-001', 'CRED-002', 'CRED-003'] },
    (t: ConformanceContext) =>
      withSessions(t, async (sessions) => {
        const session = await openOwner(t, sessions, 'provisioned_credentials');
        const seen = new Map<string, string>(); // value label -> job id
        for (let k = 0; k < 3; k += 1) {
          const run = await runToTerminal(session, t, 'CRED-002', { steps: [{ op: 'emit', kind: 'log' }, { op: 'finish' }] }, {
            payload: { lease_request: credentialLease(session) },
          });
          requireCredentials(t, run.accepted);
          for (const credential of credentialsOf(payloadOf(run.accepted)) ?? []) {
            const bad = ['id', 'scheme', 'value', 'endpoint'].filter((field) => typeof credential[field] !== 'string' || credential[field] === '');
            t.must('CRED-002', bad.length === 0, () => ({
              expected: 'each credential with non-empty string id, scheme, value and endpoint',
              actual: `a credential of job ${run.jobId} lacking ${bad.join(', ')}`,
              ...evidenceAround(session, run.accepted),
            }));
            const value = credential.value as string;
            const earlier = seen.get(value);
            t.must('CRED-003', earlier === undefined, () => ({
              expected: `a credential value of job ${run.jobId} no other job was given`,
              actual: `the same value as a credential of job ${earlier}`,
              ...evidenceAround(session, run.accepted),
            }));
            seen.set(value, run.jobId);
          }
          const late = run.frames.find((f) => f !== run.accepted && lateCredentials(f));
          t.must('CRED-001', late === undefined, () => ({
            expected: `credentials of job ${run.jobId} only in job.accepted (or a credential_rotated status event)`,
            actual: `${String(late?.type)} carrying credentials`,
            ...evidenceAround(session, run.accepted, late as WireFrame),
          }));
        }
      }),
  );

  conformanceTest(
    'without provisioned_credentials negotiated, job.accepted carries no credentials',
    { requirements: ['CRED-009'] },
    (t: ConformanceContext) =>
      withSessions(t, async (sessions) => {
        const features = t.target.profile.features.filter((f) => f !== 'provisioned_credentials');
        const session = await sessions.open({ label: 'no provisioned_credentials', features });
        requireAgent(t, session);
        const run = await runToTerminal(session, t, 'CRED-009', { steps: [{ op: 'finish' }] }, { payload: { lease_request: credentialLease(session) } });
        t.must('CRED-009', credentialsOf(payloadOf(run.accepted)) === undefined, () => ({
          expected: 'job.accepted without credentials (provisioned_credentials was not offered in the hello)',
          actual: `job.accepted carrying ${credentialsOf(payloadOf(run.accepted))?.length} credential(s)`,
          ...evidenceAround(session, run.accepted),
        }));
      }),
  );

  conformanceTest('lease evaluation sees canonical paths: ".." cannot escape an fs pattern', { requirements: ['SEC-003'] }, (t: ConformanceContext) =>
    withSessions(t, async (sessions) => {
      const session = await openOwner(t, sessions);
      await expectDenied(t, session, 'SEC-003', { 'fs.read': ['/workspace/**'], 'fs.write': ['/workspace/out/**'] }, [
        [tool('read', 'fs.read', '/workspace/../etc/passwd'), 'fs.read /workspace/../etc/passwd'],
        [tool('read', 'fs.read', '/workspace/a/../../etc/passwd'), 'fs.read /workspace/a/../../etc/passwd'],
        [tool('read', 'fs.read', '/workspace//..//etc/passwd'), 'fs.read /workspace//..//etc/passwd'],
        [tool('read', 'fs.read', '/workspace/./../etc/shadow'), 'fs.read /workspace/./../etc/shadow'],
        [tool('write', 'fs.write', '/workspace/out/../src/main.ts'), 'fs.write /workspace/out/../src/main.ts (outside out/**)'],
      ]);
    }),
  );

  conformanceTest('lease evaluation sees canonical URLs: ".." and percent-encoded dots cannot escape a net.fetch pattern', { requirements: ['SEC-003'] }, (t: ConformanceContext) =>
    withSessions(t, async (sessions) => {
      const session = await openOwner(t, sessions);
      // Each target resolves (WHATWG URL, RFC 3986 §5.2.4) to https://api.example.com/admin.
      await expectDenied(t, session, 'SEC-003', { 'net.fetch': ['https://api.example.com/public/**'] }, [
        [tool('fetch', 'net.fetch', 'https://api.example.com/public/../admin'), 'net.fetch https://api.example.com/public/../admin'],
        [tool('fetch', 'net.fetch', 'https://api.example.com/public/%2e%2e/admin'), 'net.fetch https://api.example.com/public/%2e%2e/admin'],
        [tool('fetch', 'net.fetch', 'https://api.example.com/public/%2E%2E/admin'), 'net.fetch https://api.example.com/public/%2E%2E/admin'],
      ]);
    }),
  );
});

/** Credentials outside job.accepted: a `credentials` array in a payload, event body or result (rotation aside). */
function lateCredentials(frame: WireFrame): boolean {
  const payload = payloadOf(frame);
  const body = payload.body as Record<string, unknown> | undefined;
  if (frame.type === 'job.event' && payload.kind === 'status' && body?.phase === 'credential_rotated') return false;
  return credentialsOf(payload) !== undefined || credentialsOf(body) !== undefined || credentialsOf(payload.result) !== undefined;
}
