// Error taxonomy (v1.1 §12, v1.0 §12, §7.3): the error payload shape, canonical codes, the
// pinned `retryable` values, code/final_status agreement, INVALID_REQUEST for malformed
// frames, JOB_NOT_FOUND, and a session that survives a rejected request.
import { ERROR_CODES } from '../../spec/errors.ts';
import { ARCP_VERSION } from '../../spec/messages.ts';
import { type WireFrame, isWireFrame, payloadOf } from '../harness/frames.ts';
import { helloPayload, type Session } from '../harness/session.ts';
import { nextMessageId } from '../harness/ids.ts';
import {
  type CaseResult,
  evidenceAround,
  judgeCases,
  isRejection,
  sendCancel,
  submit,
  submitAccepted,
  waitForTerminal,
  withAgentSession,
  withSessions,
} from '../support/index.ts';
import { answerOrSilence } from '../support/silence.ts';
import { type ConformanceContext, conformanceTest } from '../verdicts/conformance-test.ts';
import { describeFrame } from '../verdicts/format.ts';
import { codeOf, describeFrames, finishAtOnce, probeSession, runUntilCancelled } from '../session/helpers.ts';

const CANONICAL: ReadonlySet<string> = new Set(ERROR_CODES);

/** A job id no server has issued. */
function unknownJobId(): string {
  return `job_conformance_unknown_${nextMessageId().replace(/[^A-Za-z0-9]/g, '')}`;
}

/** An error payload found in a frame: session.error, job.error, or a tool_result's body.error. */
interface FoundError {
  readonly frame: WireFrame;
  readonly where: string;
  readonly payload: Readonly<Record<string, unknown>>;
}

function errorsIn(frames: readonly WireFrame[]): FoundError[] {
  const found: FoundError[] = [];
  for (const frame of frames) {
    if (frame.type === 'session.error' || frame.type === 'job.error') {
      found.push({ frame, where: describeFrame(frame), payload: payloadOf(frame) });
    } else if (frame.type === 'job.event' && payloadOf(frame).kind === 'tool_result') {
      const body = payloadOf(frame).body;
      const error = isWireFrame(body) ? body.error : undefined;
      if (isWireFrame(error)) found.push({ frame, where: `the tool_result error of ${describeFrame(frame)}`, payload: error });
    }
  }
  return found;
}

/** Why an error payload breaks v1.1 §12's shape (ERR-001), or undefined. */
function errorShapeProblem(payload: Readonly<Record<string, unknown>>): string | undefined {
  const problems: string[] = [];
  if (typeof payload.code !== 'string' || payload.code === '') problems.push(`code ${JSON.stringify(payload.code)}`);
  if (typeof payload.message !== 'string') problems.push(`message ${JSON.stringify(payload.message)}`);
  if (typeof payload.retryable !== 'boolean') problems.push(`retryable ${JSON.stringify(payload.retryable)}`);
  if (payload.details !== undefined && !isWireFrame(payload.details)) problems.push(`details ${JSON.stringify(payload.details)}`);
  return problems.length === 0 ? undefined : problems.join(', ');
}

/** Sends one request and returns the rejection that answers it (or undefined within the bound). */
async function rejectionOf(
  session: Session,
  send: () => void,
  isAnswer: (f: WireFrame) => boolean,
  timeoutMs: number,
  description = 'a rejection',
): Promise<WireFrame | undefined> {
  const after = session.mark();
  send();
  return session.watch(isAnswer, { description, forMs: timeoutMs, after });
}

const ANY_REJECTION = (f: WireFrame) => isRejection(f) || f.type === 'job.error';

conformanceTest(
  'every error payload carries a string code, a string message and a boolean retryable, with canonical codes on rejections',
  { requirements: ['ERR-001', 'ERR-002'] },
  (t: ConformanceContext) =>
    withSessions(t, async (sessions) => {
      const session = await sessions.open();
      const { timeoutMs } = t.target;
      // A refused hello, on its own connection of the same transcript.
      const refused = await sessions.raw('unauthenticated');
      refused.send('session.hello', helloPayload(t.target.profile.client, `invalid-conformance-token-${nextMessageId()}`, t.target.profile.features));
      await refused.closedWithin(timeoutMs);
      // Rejected requests: a schema violation, an unknown job, an unknown agent.
      await rejectionOf(session, () => session.send('job.submit', { input: finishAtOnce() }), ANY_REJECTION, timeoutMs);
      const unknown = unknownJobId();
      await answerOrSilence(session, t, () => sendCancel(session, unknown), ANY_REJECTION, `the rejection of job.cancel for ${unknown}`);
      await rejectionOf(session, () => session.send('job.submit', { agent: 'conformance-no-such-agent', input: finishAtOnce() }), ANY_REJECTION, timeoutMs);
      if (session.agents.some((a) => a.name === t.target.profile.agent)) {
        // A tool call the (empty) lease denies, then the agent's own failure.
        const { jobId } = await submitAccepted(session, t, 'ERR-001', {
          steps: [{ op: 'tool', tool: 'conformance-denied-tool' }, { op: 'fail', code: 'x-conformance-failure', message: 'scripted failure' }],
        });
        await waitForTerminal(session, jobId, timeoutMs, 0);
      }

      const frames = session.transcript.frames({ dir: 'in' }).map((e) => e.frame).filter(isWireFrame);
      const errors = errorsIn(frames);
      t.must('ERR-001', errors.length >= 3, () => ({
        expected: 'error payloads for the refused hello and the rejected requests (a cancel of an unknown job may go unanswered)',
        actual: `${errors.length}: ${describeFrames(errors.map((e) => e.frame))}`,
        transcript: session.transcript.entries.slice(-12),
      }));
      for (const error of errors) {
        const problem = errorShapeProblem(error.payload);
        t.must('ERR-001', problem === undefined, () => ({
          expected: 'code (non-empty string), message (string), retryable (boolean), details (object, if present)',
          actual: `${error.where}: ${problem ?? ''}`,
          ...evidenceAround(session, error.frame),
        }));
      }
      for (const error of errors.filter((e) => isRejection(e.frame))) {
        const code = codeOf(error.frame);
        t.must('ERR-002', code !== undefined && CANONICAL.has(code), () => ({
          expected: `a canonical code (${ERROR_CODES.join(', ')}) on ${String(error.frame.type)} rejecting a request`,
          actual: `${error.where} carries ${JSON.stringify(code)}`,
          ...evidenceAround(session, error.frame),
        }));
      }
    }),
);

interface MalformedCase {
  readonly name: string;
  /**
   * Not an ARCP envelope at all: a server may close the transport instead of answering (no
   * sentence requires a reply to a frame that is no message). A payload that breaks its
   * message's schema in a well-formed envelope gets INVALID_REQUEST.
   */
  readonly envelope?: true;
  /** The exact text sent on the wire. */
  readonly text: (sessionId: string, agent: string) => string;
}

/** Frames a server must reject with INVALID_REQUEST (v1.1 §12), or, for a broken envelope, close on. Submits are otherwise valid. */
const MALFORMED: readonly MalformedCase[] = [
  { name: 'text that is not JSON', envelope: true, text: () => '{"arcp": "1.1", "type": "job.submit", "payload": {' },
  { name: 'a JSON array', envelope: true, text: () => '[{"arcp": "1.1", "type": "session.ping"}]' },
  { name: 'an envelope without type', envelope: true, text: (sid) => JSON.stringify({ arcp: ARCP_VERSION, id: nextMessageId(), session_id: sid, payload: {} }) },
  {
    name: 'an unknown message type', envelope: true,
    text: (sid) => JSON.stringify({ arcp: ARCP_VERSION, id: nextMessageId(), type: 'session.no_such_message', session_id: sid, payload: {} }),
  },
  {
    name: 'a job.submit without arcp', envelope: true,
    text: (sid, agent) => JSON.stringify({ id: nextMessageId(), type: 'job.submit', session_id: sid, payload: { agent, input: finishAtOnce() } }),
  },
  {
    name: 'a job.submit with arcp "0.9"', envelope: true,
    text: (sid, agent) => JSON.stringify({ arcp: '0.9', id: nextMessageId(), type: 'job.submit', session_id: sid, payload: { agent, input: finishAtOnce() } }),
  },
  {
    name: 'a job.submit without id', envelope: true,
    text: (sid, agent) => JSON.stringify({ arcp: ARCP_VERSION, type: 'job.submit', session_id: sid, payload: { agent, input: finishAtOnce() } }),
  },
  {
    name: 'a job.submit whose payload is a string',
    text: (sid) => JSON.stringify({ arcp: ARCP_VERSION, id: nextMessageId(), type: 'job.submit', session_id: sid, payload: 'conformance' }),
  },
  {
    name: 'a job.submit without agent',
    text: (sid) => JSON.stringify({ arcp: ARCP_VERSION, id: nextMessageId(), type: 'job.submit', session_id: sid, payload: { input: finishAtOnce() } }),
  },
  {
    name: 'a job.submit whose agent is a number',
    text: (sid) => JSON.stringify({ arcp: ARCP_VERSION, id: nextMessageId(), type: 'job.submit', session_id: sid, payload: { agent: 42, input: finishAtOnce() } }),
  },
  {
    name: 'a job.cancel whose job_id is a number',
    text: (sid) => JSON.stringify({ arcp: ARCP_VERSION, id: nextMessageId(), type: 'job.cancel', session_id: sid, payload: { job_id: 42 } }),
  },
];

conformanceTest(
  'rejects malformed frames with INVALID_REQUEST (or closes on a broken envelope), creates no job, and keeps the session usable',
  { requirements: ['ERR-006', 'ERR-008'] },
  (t: ConformanceContext) =>
    withSessions(t, async (sessions) => {
      let session = await sessions.open();
      let survived = true;
      let answered = false;
      const cases: CaseResult[] = [];
      for (const malformed of MALFORMED) {
        if (!session.connection.isOpen) {
          // Closed over the previous case: after answering it (ERR-008), or instead of answering.
          if (answered) survived = false;
          session = await sessions.open();
        }
        const after = session.mark();
        session.connection.sendRaw(malformed.text(session.sessionId, t.target.profile.agent));
        const reply = await session.watch((f) => isRejection(f) || f.type === 'job.error' || f.type === 'job.accepted', {
          description: `the rejection of ${malformed.name}`,
          forMs: t.target.timeoutMs,
          after,
        });
        answered = reply !== undefined;
        const closedInstead = reply === undefined && !session.connection.isOpen && malformed.envelope === true;
        cases.push({
          name: malformed.name,
          ok: closedInstead || (reply !== undefined && reply.type !== 'job.accepted' && codeOf(reply) === 'INVALID_REQUEST'),
          expected: `an error with code INVALID_REQUEST${malformed.envelope ? ' (or the transport closed)' : ''}`,
          actual: reply === undefined ? `no reply within ${t.target.timeoutMs} ms; socket ${session.connection.isOpen ? 'open' : 'closed'}` : describeFrame(reply),
          frames: reply === undefined ? [] : [reply],
        });
      }
      // Every case is judged and each failed one reported, not only the first.
      judgeCases(t, session, 'ERR-006', cases);
      // Anything still in flight about the malformed submits would show up here.
      await session.watch(() => false, { description: 'nothing (settling)', forMs: 300 });
      const jobs = session.transcript.frames({ dir: 'in', type: 'job.accepted' });
      t.must('ERR-006', jobs.length === 0, () => ({
        expected: 'no job.accepted for any malformed job.submit',
        actual: describeFrames(jobs.map((e) => e.frame as WireFrame)),
        transcript: session.transcript.window(jobs.map((e) => e.index)),
      }));
      const probe = await probeSession(t, session);
      t.should('ERR-008', survived && probe.alive, () => ({
        expected: `the session stays open and usable after each rejected request (answers ${probe.asked})`,
        actual: survived ? (probe.answer === undefined ? 'no answer' : describeFrame(probe.answer)) : 'the server closed the transport after rejecting a malformed frame',
        transcript: session.transcript.entries.slice(-6),
      }));
    }),
);

conformanceTest(
  'a job.subscribe naming an unknown job is rejected with JOB_NOT_FOUND, and so is a job.cancel the server answers',
  { requirements: ['ERR-007'] },
  (t: ConformanceContext) =>
    withSessions(t, async (sessions) => {
      const session = await sessions.open();
      // A job.cancel may go unanswered (v1.1 §7.6 requires no reply to a cancel the server will
      // not act on, and §6.6 wants an unknown id answered like another principal's job); a
      // job.subscribe is answered (v1.1 §7.6). A job.error naming the unknown job is no job's terminal.
      const requests: { what: string; send: (jobId: string) => void; mayBeSilent: boolean }[] = [
        { what: 'job.cancel', send: (jobId) => sendCancel(session, jobId), mayBeSilent: true },
      ];
      if (session.features.has('subscribe')) {
        requests.push({ what: 'job.subscribe', send: (jobId) => session.send('job.subscribe', { job_id: jobId }), mayBeSilent: false });
      }
      let judged = 0;
      for (const request of requests) {
        const jobId = unknownJobId();
        const isAnswer = isRejection;
        const description = `the rejection of ${request.what} for ${jobId}`;
        const reply = request.mayBeSilent
          ? (await answerOrSilence(session, t, () => request.send(jobId), isAnswer, description)).reply
          : await rejectionOf(session, () => request.send(jobId), isAnswer, t.target.timeoutMs, description);
        if (reply === undefined && request.mayBeSilent) continue;
        judged += 1;
        t.must('ERR-007', reply !== undefined && codeOf(reply) === 'JOB_NOT_FOUND', () => ({
          expected: `an error with code JOB_NOT_FOUND for ${request.what} of unknown job ${jobId}`,
          actual: reply === undefined ? 'no error' : describeFrame(reply),
          transcript: session.transcript.entries.slice(-6),
        }));
      }
      if (judged === 0) t.notApplicable('the server ignores a job.cancel for an unknown job (allowed) and subscribe was not negotiated: nothing names an unknown job back');
    }),
);

/** Runs a script and returns its job.error terminal (or the rejection / other terminal). */
async function terminalOf(session: Session, t: ConformanceContext, id: string, input: unknown, payload: Record<string, unknown> = {}): Promise<WireFrame> {
  const { jobId } = await submitAccepted(session, t, id, input, { payload });
  return waitForTerminal(session, jobId, t.target.timeoutMs, 0);
}

conformanceTest('INTERNAL_ERROR errors carry retryable true', { requirements: ['ERR-004'] }, (t: ConformanceContext) =>
  withAgentSession(t, async (session) => {
    // The agent reports an INTERNAL_ERROR without saying whether it is retryable: the runtime pins it.
    const terminal = await terminalOf(session, t, 'ERR-004', { steps: [{ op: 'fail', code: 'INTERNAL_ERROR', message: 'scripted internal error' }] });
    t.must('ERR-004', terminal.type === 'job.error' && codeOf(terminal) === 'INTERNAL_ERROR' && payloadOf(terminal).retryable === true, () => ({
      expected: 'job.error code INTERNAL_ERROR with retryable true',
      actual: `${describeFrame(terminal)} retryable ${JSON.stringify(payloadOf(terminal).retryable)}`,
      ...evidenceAround(session, terminal),
    }));
  }),
);

conformanceTest('LEASE_EXPIRED and BUDGET_EXHAUSTED errors carry retryable false', { requirements: ['ERR-003'] }, (t: ConformanceContext) =>
  withAgentSession(t, async (session) => {
    for (const code of ['LEASE_EXPIRED', 'BUDGET_EXHAUSTED']) {
      const terminal = await terminalOf(session, t, 'ERR-003', { steps: [{ op: 'fail', code, message: `scripted ${code}` }] });
      t.must('ERR-003', terminal.type === 'job.error' && codeOf(terminal) === code && payloadOf(terminal).retryable === false, () => ({
        expected: `job.error code ${code} with retryable false`,
        actual: `${describeFrame(terminal)} retryable ${JSON.stringify(payloadOf(terminal).retryable)}`,
        ...evidenceAround(session, terminal),
      }));
    }
    if (session.features.has('cost.budget')) {
      // A real exhaustion: spend the whole budget, then call a tool the lease allows.
      const script = { steps: [{ op: 'cost', amount: 0.1, currency: 'USD' }, { op: 'tool', tool: 'conformance-probe' }, { op: 'finish' }] };
      const { jobId } = await submitAccepted(session, t, 'ERR-003', script, {
        payload: { lease_request: { 'tool.call': ['conformance-probe'], 'cost.budget': ['USD:0.10'] } },
      });
      await waitForTerminal(session, jobId, t.target.timeoutMs, 0);
      const errors = errorsIn(session.connection.framesSince(0).filter((f) => f.job_id === jobId)).filter((e) => e.payload.code === 'BUDGET_EXHAUSTED');
      // No BUDGET_EXHAUSTED at all is BUDGET-004's observation (leases suite), judged there once;
      // ERR-003 judges only the retryable flag of the errors that did arrive.
      if (errors.length === 0) {
        t.note(`ERR-003: job ${jobId} got no BUDGET_EXHAUSTED error to judge (BUDGET-004 judges its absence): ${describeFrames(session.connection.framesKeptSince(0).filter((f) => f.job_id === jobId))}`);
        return;
      }
      t.must('ERR-003', errors.every((e) => e.payload.retryable === false), () => ({
        expected: `a BUDGET_EXHAUSTED error with retryable false for the tool call of job ${jobId} after its USD budget reached 0`,
        actual: errors.map((e) => `${e.where} retryable ${JSON.stringify(e.payload.retryable)}`).join('; '),
        ...evidenceAround(session, ...errors.map((e) => e.frame)),
      }));
    }
  }),
);

/** v1.1 §7.3: the final_status a job.error with `code` must carry. */
function statusFor(code: string | undefined): string {
  if (code === 'CANCELLED') return 'cancelled';
  if (code === 'TIMEOUT') return 'timed_out';
  return 'error';
}

conformanceTest("a job.error's code agrees with its final_status (error, cancelled, timed_out)", { requirements: ['ERR-005'] }, (t: ConformanceContext) =>
  withAgentSession(t, async (session) => {
    const failed = await submitAccepted(session, t, 'ERR-005', { steps: [{ op: 'fail', code: 'x-conformance-failure', message: 'scripted failure' }] });
    const cancelled = await submitAccepted(session, t, 'ERR-005', runUntilCancelled(5000));
    // Whole seconds only: the spec's max_runtime_sec is an integer (one server read 0.5 as 0, no limit).
    const timed = await submit(session, t, runUntilCancelled(5000), { payload: { max_runtime_sec: 1 } });
    t.must('ERR-005', timed.accepted, () => ({
      expected: 'job.accepted for a job with max_runtime_sec 1',
      actual: describeFrame(timed.frame),
      ...evidenceAround(session, timed.frame),
    }));
    sendCancel(session, cancelled.jobId);
    for (const jobId of [failed.jobId, cancelled.jobId, timed.jobId]) {
      const terminal = await waitForTerminal(session, jobId, t.target.timeoutMs, 0);
      const code = codeOf(terminal);
      t.must('ERR-005', terminal.type === 'job.error' && payloadOf(terminal).final_status === statusFor(code), () => ({
        expected: `job.error code ${String(code)} with final_status "${statusFor(code)}"`,
        actual: describeFrame(terminal),
        ...evidenceAround(session, terminal),
      }));
    }
  }),
);
