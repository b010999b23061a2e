// Sessions (v1.1 §5-6, v1.0 §5.1, §6.1-6.4): the envelope of every server frame, unknown
// envelope fields, authentication, the welcome, close and bye, and acknowledgements.
// Heartbeats are in heartbeat.suite.ts, job listing in list-jobs.suite.ts.
import { ARCP_VERSION } from '../../spec/messages.ts';
import { assertServerStop } from '../harness/errors.ts';
import { jobIdOf } from '../harness/job-holdings.ts';
import { helloPayload, type Session } from '../harness/session.ts';
import { type WireFrame, isType, isWireFrame, payloadOf } from '../harness/frames.ts';
import type { FrameEntry } from '../harness/transcript-types.ts';
import { Transcript } from '../harness/transcript.ts';
import { nextMessageId } from '../harness/ids.ts';
import {
  type TestSessions,
  answerEvidence,
  evidenceAround,
  isRejection,
  isTerminal,
  requireAgent,
  requireFeatures,
  submit,
  submitAccepted,
  waitForTerminal,
  withAgentSession,
  withSessions,
  waitForAgentEvent,
} from '../support/index.ts';
import { type ConformanceContext, conformanceTest } from '../verdicts/conformance-test.ts';
import { describeFrame } from '../verdicts/format.ts';
import {
  agentFrames,
  awaitHandled,
  awaitRefusal,
  codeOf,
  describeFrames,
  describeRefusal,
  isSequenced,
  logsAroundPause,
  logsThenFinish,
  markerOf,
  probeSession,
  sendFrame,
  seqOf,
} from './helpers.ts';
import { collectReplay, sameFrame, tryResume } from '../resume/replay.ts';

// ---- envelope -------------------------------------------------------------------------

/** Why an inbound entry is not a well-formed ARCP frame (ENV-003), or undefined. */
function envelopeShapeProblem(entry: FrameEntry): string | undefined {
  if (!isWireFrame(entry.frame)) return entry.raw === undefined ? 'not a JSON object' : `not a JSON object: ${entry.raw.slice(0, 80)}`;
  const { id, type, payload } = entry.frame;
  if (typeof id !== 'string' || id === '') return `id is ${JSON.stringify(id)}, not a non-empty string`;
  if (typeof type !== 'string') return `type is ${JSON.stringify(type)}, not a string`;
  if (!isWireFrame(payload)) return `payload is ${JSON.stringify(payload)?.slice(0, 40)}, not an object`;
  return undefined;
}

/** The window around `frame` on a raw connection's transcript, with the frame as its witness. */
function inboundEntries(session: Session): FrameEntry[] {
  return session.transcript.frames({ dir: 'in' });
}

/**
 * A hello with an unknown bearer token on a connection of its own: the refusal is a server
 * frame too, written before any session exists (often by other code than the session's).
 */
async function refusedHello(t: ConformanceContext, sessions: TestSessions): Promise<void> {
  const connection = await sessions.raw('refused hello');
  const { client, features } = t.target.profile;
  connection.send('session.hello', helloPayload(client, `invalid-conformance-token-${nextMessageId()}`, features));
  await awaitRefusal(connection, t.target.timeoutMs);
}

conformanceTest(
  'every server frame is a JSON object with arcp "1.1", a string id and type, an object payload and the session\'s id',
  { requirements: ['ENV-002', 'ENV-003', 'ENV-004'] },
  (t: ConformanceContext) =>
    withSessions(t, async (sessions) => {
      const session = await sessions.open();
      // A tour of whatever the server offers, so many frame types are judged.
      await refusedHello(t, sessions);
      if (session.features.has('heartbeat') || session.features.has('list_jobs')) await probeSession(t, session);
      if (session.features.has('list_jobs')) {
        await session.request('session.list_jobs', { limit: 2 }, (f) => f.type === 'session.jobs' || isRejection(f), { description: 'session.jobs' });
      }
      if (session.agents.some((a) => a.name === t.target.profile.agent)) {
        const outcome = await submit(session, t, logsThenFinish(2));
        if (outcome.accepted) await waitForTerminal(session, outcome.jobId, t.target.timeoutMs, 0);
      }
      await session.close({ reason: 'conformance envelope tour' });

      const entries = inboundEntries(session);
      for (const entry of entries) {
        const problem = envelopeShapeProblem(entry);
        t.must('ENV-003', problem === undefined, () => ({
          expected: 'a JSON object in a text frame with a non-empty string id, a string type and an object payload',
          actual: `frame #${entry.index}: ${problem ?? ''}`,
          transcript: session.transcript.window([entry.index]),
          witnesses: [entry.index],
        }));
      }
      for (const entry of entries) {
        const frame = entry.frame as WireFrame;
        t.must('ENV-002', frame.arcp === ARCP_VERSION, () => ({
          expected: `"arcp": "${ARCP_VERSION}" on every server frame`,
          actual: `${describeFrame(frame)} carries arcp ${JSON.stringify(frame.arcp)}`,
          transcript: session.transcript.window([entry.index]),
          witnesses: [entry.index],
        }));
      }
      const welcomeIndex = session.transcript.entryOf(session.welcome)?.index ?? -1;
      // The refused hello's connection never had a session: only the session's frames carry its id.
      for (const entry of entries.filter((e) => e.index > welcomeIndex && e.conn === session.connection.id)) {
        const frame = entry.frame as WireFrame;
        t.must('ENV-004', frame.session_id === session.sessionId, () => ({
          expected: `session_id "${session.sessionId}" on every frame after the welcome`,
          actual: `${describeFrame(frame)} carries session_id ${JSON.stringify(frame.session_id)}`,
          transcript: session.transcript.window([welcomeIndex, entry.index]),
          witnesses: [welcomeIndex, entry.index],
        }));
      }
    }),
);

conformanceTest(
  'every job.event, job.result and job.error carries the envelope job_id of its job',
  { requirements: ['ENV-005'] },
  (t: ConformanceContext) =>
    withAgentSession(t, async (session) => {
      // One job that succeeds and one that fails, so both terminal types are judged.
      const ok = await submitAccepted(session, t, 'ENV-005', logsThenFinish(3));
      await waitForTerminal(session, ok.jobId, t.target.timeoutMs);
      const failing = await submitAccepted(session, t, 'ENV-005', {
        steps: [{ op: 'emit', kind: 'log' }, { op: 'fail', code: 'x-conformance-failure', message: 'scripted failure' }],
      });
      await waitForTerminal(session, failing.jobId, t.target.timeoutMs);
      // And one past its max_runtime_sec: a watchdog's terminal is often written by other code.
      const late = await submitAccepted(session, t, 'ENV-005', { steps: [{ op: 'emit', kind: 'log' }, { op: 'wait_cancel', max_ms: 3000 }, { op: 'finish' }] }, { payload: { max_runtime_sec: 1 } });
      const lateEnd = await session.watch((f) => isTerminal(f) && jobIdOf(f) === late.jobId, { description: `the terminal of ${late.jobId}`, forMs: 3000 + t.target.timeoutMs });
      const jobIds = new Set([ok.jobId, failing.jobId, late.jobId]);
      const jobFrames = session.connection.framesSince(0).filter((f) => f.type === 'job.event' || f.type === 'job.result' || (f.type === 'job.error' && isSequenced(f)));
      t.must('ENV-005', jobFrames.length >= 7 && lateEnd !== undefined, () => ({
        expected: 'at least 7 job frames (3 logs and a job.result, a log and a job.error, a log), then a terminal for the job past its max_runtime_sec',
        actual: `${jobFrames.length}: ${describeFrames(jobFrames)}`,
        ...evidenceAround(session),
      }));
      for (const frame of jobFrames) {
        t.must('ENV-005', typeof frame.job_id === 'string' && jobIds.has(frame.job_id), () => ({
          expected: `envelope job_id ${[...jobIds].join(' or ')}`,
          actual: `${describeFrame(frame)} with envelope job_id ${JSON.stringify(frame.job_id)}`,
          ...evidenceAround(session, frame),
        }));
      }
    }),
);

conformanceTest('ignores unknown top-level envelope fields in client frames', { requirements: ['ENV-001'] }, (t: ConformanceContext) =>
  withSessions(t, async (sessions) => {
    const connection = await sessions.raw('primary');
    const { transcript } = connection;
    const token = t.target.tokens.primary;
    transcript.redactor.addSecret(token);
    const unknown = { x_conformance_extension: { nested: [1, 2, 3] }, future_field: 'ignore me' };
    sendFrame(connection, {
      arcp: ARCP_VERSION,
      type: 'session.hello',
      ...unknown,
      payload: helloPayload(t.target.profile.client, token, t.target.profile.features),
    });
    const answer = await connection.watch(isType('session.welcome', 'session.error'), { description: 'session.welcome', forMs: t.target.timeoutMs });
    t.must('ENV-001', answer?.type === 'session.welcome', () => ({
      expected: 'session.welcome for a valid hello that also carries unknown top-level fields',
      actual: answer === undefined ? 'no answer' : describeFrame(answer),
      ...answerEvidence(transcript, answer, 'session.hello', connection.id),
    }));
    const sessionId = String(answer.session_id ?? payloadOf(answer).session_id);
    connection.sessionId = sessionId;
    const features = payloadOf(answer).capabilities;
    const welcomed = isWireFrame(features) && Array.isArray(features.features) ? features.features : [];
    const agents = isWireFrame(features) && Array.isArray(features.agents) ? features.agents : [];
    const hostsAgent = agents.some((a) => a === t.target.profile.agent || (isWireFrame(a) && a.name === t.target.profile.agent));

    if (welcomed.includes('heartbeat') && t.target.profile.features.includes('heartbeat')) {
      const nonce = `unknown-fields-${nextMessageId()}`;
      const after = connection.mark();
      sendFrame(connection, { arcp: ARCP_VERSION, type: 'session.ping', session_id: sessionId, ...unknown, payload: { nonce, sent_at: new Date().toISOString() } });
      const pong = await connection.watch((f) => f.type === 'session.pong' || isRejection(f), { description: 'session.pong', forMs: t.target.timeoutMs, after });
      t.must('ENV-001', pong?.type === 'session.pong' && payloadOf(pong).ping_nonce === nonce, () => ({
        expected: `session.pong with ping_nonce ${nonce} for a ping carrying unknown top-level fields`,
        actual: pong === undefined ? 'no answer' : describeFrame(pong),
        ...answerEvidence(transcript, pong, 'session.ping', connection.id),
      }));
    }
    if (hostsAgent) {
      const after = connection.mark();
      sendFrame(connection, {
        arcp: ARCP_VERSION,
        type: 'job.submit',
        session_id: sessionId,
        ...unknown,
        // A job that waits to be cancelled, so the cancel below has a live job to act on.
        payload: { agent: t.target.profile.agent, input: { steps: [{ op: 'wait_cancel', max_ms: 10_000 }, { op: 'finish' }] } },
      });
      const accepted = await connection.watch((f) => f.type === 'job.accepted' || isRejection(f), { description: 'job.accepted', forMs: t.target.timeoutMs, after });
      t.must('ENV-001', accepted?.type === 'job.accepted', () => ({
        expected: 'job.accepted for a valid job.submit carrying unknown top-level fields',
        actual: accepted === undefined ? 'no answer' : describeFrame(accepted),
        ...answerEvidence(transcript, accepted, 'job.submit', connection.id),
      }));
      // A job.cancel of that live job, from its submitter: nothing but the unknown fields could make it a bad request.
      const jobId = String(accepted.job_id ?? payloadOf(accepted).job_id);
      const cancelAt = connection.mark();
      sendFrame(connection, { arcp: ARCP_VERSION, type: 'job.cancel', session_id: sessionId, job_id: jobId, ...unknown, payload: { job_id: jobId, reason: 'conformance unknown fields' } });
      const answer = await connection.watch((f) => isRejection(f) || (f.job_id ?? payloadOf(f).job_id) === jobId, {
        description: `job.cancelled, a terminal or a rejection for the job.cancel of ${jobId}`,
        forMs: t.target.timeoutMs,
        after: cancelAt,
      });
      t.must('ENV-001', answer === undefined || !isRejection(answer), () => ({
        expected: `the job.cancel of the live job ${jobId} carrying unknown top-level fields acted on (job.cancelled or its terminal), not rejected`,
        actual: describeFrame(answer as WireFrame),
        ...answerEvidence(transcript, answer, 'job.cancel', connection.id),
      }));
    }
  }),
);

// ---- authentication ---------------------------------------------------------------------

/**
 * Sends a hello the server must refuse and judges the answer: never a welcome and the socket
 * closed (v1.0 §6.1 "immediate transport close"), under `id`; the code of any session.error
 * it sent, UNAUTHENTICATED, under ERR-009 (only the error table names it: a SHOULD). A close
 * without the error frame is tolerated (DESIGN §5).
 */
async function judgeRefusedHello(
  t: ConformanceContext,
  id: string,
  payload: Record<string, unknown>,
  what: string,
): Promise<void> {
  await withSessions(t, async (sessions) => {
    const connection = await sessions.raw('unauthenticated');
    const { transcript } = connection;
    connection.send('session.hello', payload);
    const refusal = await awaitRefusal(connection, t.target.timeoutMs);
    // The welcome it should not have sent, or else the hello it did not refuse.
    const welcome = connection.framesKeptSince(0).find((f) => f.type === 'session.welcome');
    const evidence = () => ({ expected: '', actual: describeRefusal(refusal), ...answerEvidence(transcript, welcome, 'session.hello', connection.id) });
    t.must(id, !refusal.welcomed, () => ({ ...evidence(), expected: `no session.welcome for ${what}` }));
    const errors = connection.framesSince(0).filter((f) => f.type === 'session.error');
    for (const error of errors) {
      t.should('ERR-009', codeOf(error) === 'UNAUTHENTICATED', () => ({ ...evidence(), expected: `session.error code UNAUTHENTICATED for ${what}`, actual: describeFrame(error) }));
    }
    // Every session.error it sent carried UNAUTHENTICATED; with none sent, there was none to get wrong.
    if (errors.length === 0) t.should('ERR-009', true, { expected: '', actual: 'no session.error: the server only closed' });
    t.must(id, refusal.closed !== undefined, () => ({
      ...evidence(),
      expected: `session.error UNAUTHENTICATED and the transport closed within ${t.target.timeoutMs} ms for ${what}`,
    }));
  });
}

conformanceTest('refuses a hello without a bearer token: UNAUTHENTICATED and a close, never a welcome', { requirements: ['AUTH-001', 'ERR-009'] }, async (t: ConformanceContext) => {
  const { client, features } = t.target.profile;
  await judgeRefusedHello(t, 'AUTH-001', { client, capabilities: { encodings: ['json'], features } }, 'a hello with no auth');
});

conformanceTest('refuses a hello with an invalid bearer token: UNAUTHENTICATED and a close, never a welcome', { requirements: ['AUTH-002', 'ERR-009'] }, async (t: ConformanceContext) => {
  const { client, features } = t.target.profile;
  const bogus = `invalid-conformance-token-${nextMessageId()}`;
  await judgeRefusedHello(t, 'AUTH-002', helloPayload(client, bogus, features), 'a hello with an unknown bearer token');
});

conformanceTest('never acts on a frame sent before the hello (answering it or dropping it silently)', { requirements: ['AUTH-003'] }, (t: ConformanceContext) =>
  withAgentSession(t, async (session, sessions) => {
    // The early submit uses an idempotency key: had the server created that job, a later
    // submit with the same key and different input would be refused with DUPLICATE_KEY.
    const key = `conformance-pre-hello-${nextMessageId()}`;
    const connection = await sessions.raw('before-hello');
    connection.send('job.submit', { agent: t.target.profile.agent, input: logsThenFinish(1), idempotency_key: key });
    // The server may answer the early frame, close, or drop it silently (no sentence requires an
    // answer). A hello right after it is handled after it: its answer shows the early frame was handled.
    if (connection.isOpen) {
      const { client, features } = t.target.profile;
      connection.transcript.redactor.addSecret(t.target.tokens.primary);
      connection.send('session.hello', helloPayload(client, t.target.tokens.primary, features));
      await connection.watch(isType('session.welcome', 'session.error'), { description: 'the answer to the hello after the early job.submit', forMs: t.target.timeoutMs });
    }
    const early = connection.framesSince(0);
    const actedOn = early.filter((f) => f.type === 'job.accepted' || isSequenced(f));
    t.must('AUTH-003', actedOn.length === 0, () => ({
      expected: 'no job.accepted and no job frames for a job.submit sent before any hello',
      actual: describeFrames(early),
      ...evidenceAround(connection, ...actedOn),
    }));
    const outcome = await session.request(
      'job.submit',
      { agent: t.target.profile.agent, input: logsThenFinish(2), idempotency_key: key },
      (f) => f.type === 'job.accepted' || isRejection(f),
      { description: 'job.accepted for a fresh idempotency key' },
    );
    t.must('AUTH-003', outcome.type === 'job.accepted', () => ({
      expected: `job.accepted: the key ${key} was only used by the pre-hello submit, which must not have created a job`,
      actual: `${describeFrame(outcome)} (the pre-hello submit created a job)`,
      ...evidenceAround(session, outcome),
    }));
  }),
);

// ---- hello / welcome --------------------------------------------------------------------

conformanceTest('answers each hello first with a welcome carrying a new, distinct session id', { requirements: ['HELLO-001'] }, (t: ConformanceContext) =>
  withSessions(t, async (sessions) => {
    // Each session on a transcript of its own, so each one's evidence starts at its own hello.
    const opened: Session[] = [];
    for (const label of ['first', 'second', 'third']) opened.push(await sessions.open({ label, transcript: new Transcript() }));
    for (const session of opened) {
      // From the transcript, whose head is always kept: the inbox keeps only the newest frames
      // once a busy server outgrows it, and its oldest is then not the first.
      const first = session.transcript.frames({ conn: session.connection.id, dir: 'in' })[0];
      const frame = first !== undefined && isWireFrame(first.frame) ? first.frame : undefined;
      t.must('HELLO-001', frame?.type === 'session.welcome', () => ({
        expected: 'session.welcome as the first frame answering a hello',
        actual: first === undefined ? 'nothing' : frame === undefined ? 'a message that is not an ARCP frame' : describeFrame(frame),
        transcript: session.transcript.entries.slice(0, 6),
        witnesses: first === undefined ? [] : [first.index],
      }));
    }
    const ids = opened.map((s) => s.sessionId);
    t.must('HELLO-001', new Set(ids).size === ids.length, {
      expected: 'three different session ids for three hellos',
      actual: ids.join(', '),
    });
  }),
);

conformanceTest(
  'the welcome carries a non-empty resume_token and the accepted features as a string array',
  { requirements: ['HELLO-002', 'HELLO-003'] },
  (t: ConformanceContext) =>
    withSessions(t, async (sessions) => {
      const session = await sessions.open();
      // Every welcome carries one, also for a hello that offers no feature at all.
      const bare = await sessions.open({ label: 'no features', features: [] });
      for (const [opened, what] of [[session, 'a hello offering the profile features'], [bare, 'a hello offering no features']] as const) {
        const token = opened.resumeToken;
        t.must('HELLO-002', typeof token === 'string' && token !== '', {
          expected: `payload.resume_token: a non-empty string, in the welcome answering ${what}`,
          actual: token === undefined ? 'missing or empty' : 'present',
          ...evidenceAround(opened, opened.welcome),
        });
      }
      const capabilities = payloadOf(session.welcome).capabilities;
      const features = isWireFrame(capabilities) ? capabilities.features : undefined;
      t.must('HELLO-003', Array.isArray(features) && features.every((f) => typeof f === 'string'), () => ({
        expected: 'payload.capabilities.features: an array of strings',
        actual: JSON.stringify(features) ?? 'missing',
        ...evidenceAround(session, session.welcome),
      }));
    }),
);

/** A feature name no server knows: v1.1 §6.2 leaves it out of the intersection. */
const UNKNOWN_FEATURE = 'x-conformance-unknown-feature';

// Only the welcome is judged here. Whether a server uses a feature outside the intersection
// is judged once per feature, by HB-005, EVT-008, CHUNK-006 and CRED-009 (one observation,
// one verdict).
conformanceTest(
  'answers a hello offering only an unknown feature name with a welcome',
  { requirements: ['HELLO-005'] },
  (t: ConformanceContext) =>
    withSessions(t, async (sessions) => {
      let refusal: string | undefined;
      try {
        await sessions.open({ features: [UNKNOWN_FEATURE] });
      } catch (error) {
        assertServerStop(error);
        refusal = error.message;
      }
      t.should('HELLO-005', refusal === undefined, () => ({
        expected: `session.welcome for a hello offering only the unknown feature "${UNKNOWN_FEATURE}"`,
        actual: refusal ?? '',
      }));
    }),
);

// ---- close ------------------------------------------------------------------------------

conformanceTest('answers session.close with session.closed', { requirements: ['CLOSE-001'] }, (t: ConformanceContext) =>
  withSessions(t, async (sessions) => {
    const session = await sessions.open();
    const after = session.mark();
    session.send('session.close', { reason: 'conformance close' });
    const closed = await session.watch(isType('session.closed'), { description: 'session.closed', forMs: t.target.timeoutMs, after });
    t.should('CLOSE-001', closed !== undefined, () => ({
      expected: 'session.closed answering session.close',
      actual: `${describeFrames(session.connection.framesKeptSince(after))}; socket ${session.connection.isOpen ? 'open' : 'closed'}`,
      transcript: session.transcript.entries.slice(-6),
    }));
  }),
);

conformanceTest('accepts session.bye as a clean close and sends nothing more on that transport', { requirements: ['CLOSE-004'] }, (t: ConformanceContext) =>
  withSessions(t, async (sessions) => {
    if (t.target.profile.closeForm !== 'session.bye') {
      t.notApplicable('the profile closes with session.close (v1.1 §6.7); the kit sends the v1.0 session.bye only when the profile names it (closeForm)');
    }
    const session = await sessions.open();
    const hostsAgent = session.agents.some((a) => a.name === t.target.profile.agent);
    if (hostsAgent) {
      // A job that is quiet when the bye goes out and talks again 300 ms later: a server
      // that keeps sending after the bye shows it, with nothing in flight to excuse it.
      const { jobId } = await submitAccepted(session, t, 'CLOSE-004', logsAroundPause(1, 300, 3));
      await waitForAgentEvent(session, jobId, { after: 0 });
    }
    const after = session.mark();
    session.send('session.bye', { reason: 'client_shutdown' });
    await session.connection.closedWithin(hostsAgent ? 800 : 500);
    const later = session.connection.framesSince(after);
    const acks = later.filter((f) => f.type === 'session.bye' || f.type === 'session.closed');
    // Only what the server can have sent after reading the bye counts: frames already in
    // flight when it left (the runtime's own unmarked events, a ping) prove nothing; the
    // agent's events after its pause and any error do.
    const inFlight = (f: WireFrame) => f.type === 'session.ping' || (f.type === 'job.event' && markerOf(f) === undefined);
    const others = later.filter((f) => f.type !== 'session.bye' && f.type !== 'session.closed' && !inFlight(f));
    t.must('CLOSE-004', others.length === 0 && acks.length <= 1, () => ({
      expected: 'nothing after session.bye (at most one session.bye or session.closed acknowledging it), no error',
      actual: describeFrames(later),
      transcript: session.transcript.entries.slice(-8),
    }));
  }),
);

conformanceTest(
  'jobs keep running after session.close and a resume delivers their remaining events and terminal',
  { requirements: ['CLOSE-002', 'CLOSE-003'] },
  (t: ConformanceContext) =>
    withAgentSession(t, async (session) => {
      const { jobId } = await submitAccepted(session, t, 'CLOSE-002', logsAroundPause(1, 400, 2));
      await waitForAgentEvent(session, jobId, { after: 0 });
      await session.close({ reason: 'conformance close with a running job' });
      let replay: Awaited<ReturnType<typeof collectReplay>>;
      try {
        replay = await collectReplay(session, [jobId], t.target.timeoutMs);
      } catch (error) {
        assertServerStop(error);
        t.must('CLOSE-003', false, {
          expected: 'a session.welcome for a resume within the window after session.close',
          actual: error.message,
          transcript: session.transcript.entries.slice(-8),
        });
      }
      const all = session.transcript.frames({ dir: 'in' }).map((e) => e.frame).filter(isWireFrame);
      const markers = new Set(all.filter((f) => f.job_id === jobId).map(markerOf).filter((m) => m !== undefined));
      const terminal = replay.terminals.get(jobId);
      // CLOSE-002 is a SHOULD: judged without stopping, so CLOSE-003 (a MUST) is judged too.
      if (terminal !== undefined) {
        t.should('CLOSE-002', terminal.type === 'job.result' && payloadOf(terminal).final_status === 'success', () => ({
          expected: `job ${jobId} runs on after session.close and ends with its own job.result final_status "success"`,
          actual: describeFrame(terminal),
          ...evidenceAround(session, terminal),
        }));
      }
      t.must('CLOSE-003', terminal !== undefined && ['0/0', '0/1', '0/2'].every((m) => markers.has(m)), () => ({
        expected: `after the resume: the remaining events (markers 0/1, 0/2) and the terminal of ${jobId}`,
        actual: `markers seen: ${[...markers].join(', ') || 'none'}; after the resume: ${describeFrames(replay.frames)}`,
        // What the resume brought instead is the proof.
        ...(replay.frames.length > 0 ? evidenceAround(session, ...replay.frames) : { transcript: session.transcript.entries.slice(-10) }),
      }));
    }),
);

// ---- acknowledgements ---------------------------------------------------------------------

conformanceTest('accepts session.ack silently', { requirements: ['ACK-001'] }, (t: ConformanceContext) =>
  withSessions(t, async (sessions) => {
    const session = await sessions.open();
    requireFeatures(t, session, 'ack');
    if (session.agents.some((a) => a.name === t.target.profile.agent)) {
      const { jobId } = await submitAccepted(session, t, 'ACK-001', logsThenFinish(3));
      await waitForTerminal(session, jobId, t.target.timeoutMs, 0);
    }
    const seq = session.lastEventSeq ?? 0;
    const after = session.mark();
    session.send('session.ack', { last_processed_seq: seq });
    const error = await session.watch(isRejection, { description: 'an error answering session.ack', forMs: 500, after });
    t.must('ACK-001', error === undefined, () => ({
      expected: `no reply to session.ack {last_processed_seq: ${seq}} within 500 ms`,
      actual: describeFrame(error as WireFrame),
      ...evidenceAround(session, error as WireFrame),
    }));
    const probe = await probeSession(t, session);
    t.must('ACK-001', probe.alive, {
      expected: `the session still answers (${probe.asked}) after session.ack`,
      actual: probe.answer === undefined ? 'no answer' : describeFrame(probe.answer),
      transcript: session.transcript.entries.slice(-6),
    });
  }),
);

conformanceTest(
  'acknowledgements never change what a resume replays',
  { requirements: ['ACK-005'] },
  (t: ConformanceContext) =>
    withSessions(t, async (sessions) => {
      const session = await sessions.open();
      requireFeatures(t, session, 'ack');
      requireAgent(t, session);
      const { jobId } = await submitAccepted(session, t, 'ACK-005', logsThenFinish(5));
      await waitForTerminal(session, jobId, t.target.timeoutMs, 0);
      const original = session.connection.framesSince(0).filter(isSequenced);
      const produced = agentFrames(original);
      const seqs = produced.map(seqOf);
      const below = seqs[1];
      const acked = seqs[3];
      t.must('ACK-005', produced.length === 6 && below !== undefined && acked !== undefined, {
        expected: "six job frames with integer event_seq (5 marked logs and the job.result; a runtime's own events aside)",
        actual: describeFrames(original),
      });
      session.send('session.ack', { last_processed_seq: acked });
      await awaitHandled(t, session);

      // Resume at the acknowledged seq: exactly the frames after it, which were never acknowledged.
      session.drop();
      const atAck = await tryResume(session, t.target.timeoutMs, { lastEventSeq: acked, settleMs: 300 });
      const replayedAtAck = atAck.replay?.frames.filter(isSequenced);
      const expectedAtAck = original.filter((f) => (seqOf(f) ?? 0) > acked);
      t.must('ACK-005', replayedAtAck !== undefined && sameFrames(replayedAtAck, expectedAtAck), () => ({
        expected: `after acknowledging seq ${acked}, a resume at last_event_seq ${acked} replays ${describeFrames(expectedAtAck)}`,
        actual: replayedAtAck === undefined ? `refused: ${atAck.refused}` : describeFrames(replayedAtAck),
        transcript: session.transcript.entries.slice(-10),
      }));

      // Resume below the acknowledged seq: the same frames as without the ack, or RESUME_WINDOW_EXPIRED.
      session.drop();
      const belowAck = await tryResume(session, t.target.timeoutMs, { lastEventSeq: below, settleMs: 300 });
      const replayedBelow = belowAck.replay?.frames.filter(isSequenced);
      const expectedBelow = original.filter((f) => (seqOf(f) ?? 0) > below);
      const ok = belowAck.replay === undefined ? belowAck.code === 'RESUME_WINDOW_EXPIRED' : sameFrames(replayedBelow ?? [], expectedBelow);
      t.must('ACK-005', ok, () => ({
        expected: `a resume at last_event_seq ${below} (below the acknowledged ${acked}) replays ${describeFrames(expectedBelow)}, or is refused with RESUME_WINDOW_EXPIRED`,
        actual: replayedBelow === undefined ? `refused: ${belowAck.refused}` : describeFrames(replayedBelow),
        transcript: session.transcript.entries.slice(-10),
      }));
    }),
);

function sameFrames(actual: readonly WireFrame[], expected: readonly WireFrame[]): boolean {
  return actual.length === expected.length && actual.every((f, i) => sameFrame(f, expected[i] as WireFrame));
}
