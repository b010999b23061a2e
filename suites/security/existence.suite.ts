// Security across principals and sessions (v1.0 §6.1, v1.1 §6.6): a resume authenticates
// like any hello, a resume never hands a session to another principal, and nothing another
// principal asks about a job it may not observe (cancel, subscribe, a filtered listing)
// tells it whether the job exists. Needs ARCP_TOKEN_2 for the second principal.
import { describe } from 'vitest';
import { assertServerStop } from '../harness/errors.ts';
import { type WireFrame, payloadOf } from '../harness/frames.ts';
import { nextMessageId } from '../harness/ids.ts';
import { awaitWelcome, resumeRequest, type Session } from '../harness/session.ts';
import { type TestSessions, brief, evidenceAround, isRejection, listJobs, listedJob, requireAgent, requireFeatures, waitForTerminal, withSessions } from '../support/index.ts';
import { HOLD_MS } from '../support/held-job.ts';
import { type ConformanceContext, conformanceTest } from '../verdicts/conformance-test.ts';
import { startHeldJob } from './support.ts';

/** How one resume attempt was answered: welcomed, or not (refused, closed, or no answer in time). */
interface ResumeAttempt {
  readonly welcomed: boolean;
  readonly answer: string;
  /** The welcome that should not have come: the frame that proves the failure. */
  readonly welcome?: WireFrame;
}

/**
 * Sends the profile's resume request for `session` on a new raw connection, with `token` as
 * the bearer token (none when undefined), and reports whether a welcome came back.
 */
async function attemptResume(t: ConformanceContext, sessions: TestSessions, session: Session, label: string, token: string | undefined): Promise<ResumeAttempt> {
  const connection = await sessions.raw(label);
  const resumeToken = session.resumeToken as string;
  for (const secret of [token, resumeToken]) if (secret) connection.transcript.redactor.addSecret(secret);
  const request = resumeRequest(t.target.profile.resumeForm, {
    client: t.target.profile.client,
    token: token ?? '',
    features: t.target.profile.features,
    sessionId: session.sessionId,
    resumeToken,
    lastEventSeq: 0,
  });
  if (token === undefined) delete request.payload.auth;
  connection.send(request.type, request.payload, request.envelope);
  try {
    const welcome = await awaitWelcome(connection, t.target.timeoutMs);
    return { welcomed: true, answer: `${String(welcome.type)} for session ${String(welcome.session_id ?? payloadOf(welcome).session_id)}`, welcome };
  } catch (error) {
    assertServerStop(error);
    return { welcomed: false, answer: error.message };
  } finally {
    await connection.closeSocket(1000, '', 1000).catch(() => undefined);
  }
}

/** A session of the primary principal, dropped so that a resume is what it waits for. */
async function resumableSession(t: ConformanceContext, sessions: TestSessions): Promise<Session> {
  const session = await sessions.open({ label: 'owner' });
  if (session.resumeToken === undefined) t.untestable('the welcome carried no resume_token, so no resume can be attempted');
  session.drop();
  return session;
}

/** Judges under `id` that a resume of `session` presenting `what` (and the current resume token) is not welcomed. */
async function judgeNoWelcome(t: ConformanceContext, sessions: TestSessions, session: Session, id: string, what: string, token: string | undefined): Promise<void> {
  const attempt = await attemptResume(t, sessions, session, `intruder (${what})`, token);
  t.must(id, !attempt.welcomed, () => ({
    expected: `no session.welcome for a resume of ${session.sessionId} presenting ${what} and the current resume token (v1.0 §6.1, v1.1 §6.6)`,
    actual: attempt.answer,
    ...evidenceAround(session, ...(attempt.welcome === undefined ? [] : [attempt.welcome])),
  }));
}

/**
 * A job id that does not exist but looks like `jobId`: the same prefix, length and alphabet
 * (its last six characters reversed or rotated), so a server cannot refuse it as malformed.
 */
export function lookalikeJobId(jobId: string): string {
  const head = jobId.slice(0, -6);
  const tail = [...jobId.slice(-6)];
  for (let turn = 1; turn < tail.length; turn += 1) {
    const candidate = head + [...tail.slice(turn), ...tail.slice(0, turn)].join('');
    if (candidate !== jobId) return candidate;
  }
  return `${jobId}0`;
}

/** The answer to a request about a job, as far as its existence could show: type and code, or silence. */
interface Answer {
  readonly shape: string;
  readonly frame: WireFrame | undefined;
}

/**
 * Sends one request naming `jobId` and watches for its answer: a rejection, or any frame
 * naming the job (job.cancelled, job.subscribed, a job.error). Silence for the whole reply
 * bound is an answer too. One request at a time, so a session.error answers this one.
 */
async function answerTo(t: ConformanceContext, session: Session, type: string, payload: Record<string, unknown>, jobId: string): Promise<Answer> {
  const mark = session.mark();
  session.send(type, payload, type === 'job.cancel' ? { job_id: jobId } : {});
  const frame = await session.watch((f) => isRejection(f) || f.job_id === jobId || payloadOf(f).job_id === jobId, {
    description: `the answer to ${type} for ${jobId}`,
    forMs: t.target.timeoutMs,
    after: mark,
  });
  if (frame === undefined) return { shape: 'silence', frame };
  const code = payloadOf(frame).code;
  return { shape: code === undefined ? String(frame.type) : `${String(frame.type)} ${String(code)}`, frame };
}

/**
 * Ends the test as N/A when the deployment lets other principals know of jobs on purpose:
 * listing them (listPolicy "any"), or, for cancel and subscribe, observing them too.
 */
function requireOwnScope(t: ConformanceContext, ask: 'listing' | 'cancel and subscribe'): void {
  const { listPolicy, subscribePolicy } = t.target.profile;
  if (listPolicy === 'any' || (ask === 'cancel and subscribe' && subscribePolicy === 'any')) {
    t.notApplicable(
      `the profile lets other principals ${listPolicy === 'any' ? 'list' : 'subscribe to'} jobs (${listPolicy === 'any' ? 'listPolicy' : 'subscribePolicy'} "any"), ` +
        'so a job\'s existence is no secret from them (suites/deployments.test.ts runs this check against a same-principal reference)',
    );
  }
}

async function openOwner(t: ConformanceContext, sessions: TestSessions): Promise<Session> {
  const owner = await sessions.open({ label: 'owner' });
  requireAgent(t, owner);
  return owner;
}

describe('security: principals and existence', () => {
  conformanceTest(
    'a resume hello with no bearer token or a wrong one gets no welcome, even with the session\'s current resume token',
    { requirements: ['AUTH-001', 'AUTH-002'] },
    (t: ConformanceContext) =>
      withSessions(t, async (sessions) => {
        // session.resume may authenticate by its resume token alone (v1.1 §6.3); a hello may not (v1.0 §6.1).
        if (t.target.profile.resumeForm === 'session-resume') {
          t.notApplicable('the profile resumes with session.resume, which may authenticate by the resume token alone; v1.0 §6.1 binds session.hello');
        }
        const session = await resumableSession(t, sessions);
        await judgeNoWelcome(t, sessions, session, 'AUTH-001', 'no bearer token', undefined);
        await judgeNoWelcome(t, sessions, session, 'AUTH-002', 'a wrong bearer token', `conformance-wrong-${nextMessageId()}`);
      }),
  );

  conformanceTest(
    "a resume authenticated as another principal gets no welcome, even with the session's current resume token",
    { requirements: ['AUTH-004'] },
    (t: ConformanceContext) =>
      withSessions(t, async (sessions) => {
        const secondary = t.target.tokens.secondary;
        if (secondary === undefined) t.untestable('needs a second principal: set ARCP_TOKEN_2');
        const session = await resumableSession(t, sessions);
        await judgeNoWelcome(t, sessions, session, 'AUTH-004', "the second principal's valid bearer token", secondary);
      }),
  );

  conformanceTest(
    "job.cancel and job.subscribe of another principal's job get the same answer as for a job id that does not exist",
    { requirements: ['LIST-008'] },
    (t: ConformanceContext) =>
      withSessions(t, async (sessions) => {
        requireOwnScope(t, 'cancel and subscribe');
        const owner = await openOwner(t, sessions);
        const { jobId } = await startHeldJob(t, owner, 'LIST-008');
        const foreign = await sessions.open({ principal: 'secondary', label: 'other principal' });
        const unknownId = lookalikeJobId(jobId);
        const judgeSame = (request: string, real: Answer, unknown: Answer, alsoLegal = false) =>
          t.must('LIST-008', real.shape === unknown.shape || alsoLegal, () => ({
            expected: `the same answer to ${request} for ${jobId} (another principal's job) as for ${unknownId} (no such job): it must not reveal that the job exists`,
            actual: `${real.shape} for the existing job, ${unknown.shape} for the unknown id`,
            ...evidenceAround(foreign, ...[real.frame, unknown.frame].filter((f): f is WireFrame => f !== undefined)),
          }));

        const cancel = (id: string) => answerTo(t, foreign, 'job.cancel', { job_id: id, reason: 'conformance: existence probe' }, id);
        judgeSame('job.cancel', await cancel(jobId), await cancel(unknownId));

        if (foreign.features.has('subscribe')) {
          const subscribe = (id: string) => answerTo(t, foreign, 'job.subscribe', { job_id: id }, id);
          const real = await subscribe(jobId);
          const unknown = await subscribe(unknownId);
          // v1.1 §7.6 itself says an unauthorized subscription returns PERMISSION_DENIED, and
          // JOB_NOT_FOUND is the code for an unknown id (§12): that pair is the spec's own.
          const specPair = real.shape.endsWith(' PERMISSION_DENIED') && unknown.shape.endsWith(' JOB_NOT_FOUND') && isRejection(real.frame as WireFrame);
          judgeSame('job.subscribe', real, unknown, specPair);
        }
        // The held job ends on its own after its hold (suites/support/held-job.ts).
        await waitForTerminal(owner, jobId, t.target.timeoutMs + HOLD_MS);
      }),
  );

  conformanceTest(
    "another principal's filtered session.list_jobs does not list the job either",
    { requirements: ['LIST-002'] },
    (t: ConformanceContext) =>
      withSessions(t, async (sessions) => {
        requireOwnScope(t, 'listing');
        const owner = await openOwner(t, sessions);
        requireFeatures(t, owner, 'list_jobs');
        const { jobId, frame: accepted } = await startHeldJob(t, owner, 'LIST-002');
        const foreign = await sessions.open({ principal: 'secondary', label: 'other principal' });
        requireFeatures(t, foreign, 'list_jobs');
        const acceptedAt = payloadOf(accepted).accepted_at;
        const filters: Record<string, unknown>[] = [
          { status: ['pending', 'running'] },
          ...(typeof acceptedAt === 'string' ? [{ created_after: new Date(Date.parse(acceptedAt) - 60_000).toISOString() }] : []),
        ];
        for (const filter of filters) {
          const listing = await listJobs(foreign, t, { filter, limit: 100 });
          const row = listing.type === 'session.jobs' ? listedJob(listing, jobId) : undefined;
          t.must('LIST-002', row === undefined, () => ({
            expected: `session.list_jobs of another principal with filter ${JSON.stringify(filter)} without job ${jobId}`,
            actual: `a row for ${jobId} with status ${String(row?.status)} in ${brief(listing)}`,
            ...evidenceAround(foreign, accepted, listing),
          }));
        }
        // The held job ends on its own after its hold (suites/support/held-job.ts).
        await waitForTerminal(owner, jobId, t.target.timeoutMs + HOLD_MS);
      }),
  );
});
