// Session resume (v1.1 §6.3, v1.0 §6.2-6.3, §8.3, §14): the welcome of a resume, token
// rotation, the replay after last_event_seq, live delivery after it, and refused resumes.
// The resume-window check waits on the server's timer, so the tests of this file run
// concurrently.
import { describe } from 'vitest';
import { timerWaitMs } from '../harness/config.ts';
import { assertServerStop } from '../harness/errors.ts';
import { nextMessageId } from '../harness/ids.ts';
import { type WireFrame, payloadOf } from '../harness/frames.ts';
import { resumeRequest, type Session } from '../harness/session.ts';
import type { TranscriptEntry } from '../harness/transcript-types.ts';
import {
  evidenceAround,
  submitAccepted,
  waitForTerminal,
  withAgentSession,
  withSessions,
} from '../support/index.ts';
import { requireWaitWithinMax } from '../support/server-timers.ts';
import { type ConformanceContext, conformanceTest } from '../verdicts/conformance-test.ts';
import { describeFrame } from '../verdicts/format.ts';
import { agentFrames, awaitRefusal, codeOf, describeFrames, describeRefusal, logsAroundPause, logsThenFinish, markerOf, probeSession, seqList, seqOf } from '../session/helpers.ts';
import { type Replay, type ResumeOutcome, chainBreak, collectReplay, sameFrame, sequencedOnly, tryResume } from './replay.ts';

/** The session id a welcome names (envelope first, then payload). */
function welcomedSessionId(welcome: WireFrame): unknown {
  return welcome.session_id ?? payloadOf(welcome).session_id;
}

/** Slack after the resume window for the server's expiry timer. */
const EXPIRY_SLACK_MS = 500;

/** The frames that prove a resume that should have been refused: its welcome, else the latest frames. */
function refusalEvidence(session: Session, outcome: ResumeOutcome): { transcript: TranscriptEntry[]; witnesses?: number[] } {
  if (outcome.replay === undefined) {
    // The refusal is the last frame the server sent (a session.error), when it sent one.
    const refusal = session.transcript.frames({ dir: 'in' }).at(-1);
    return { transcript: session.transcript.entries.slice(-6), ...(refusal === undefined ? {} : { witnesses: [refusal.index] }) };
  }
  return evidenceAround(session, outcome.replay.resumed.welcome);
}

describe.concurrent('resume', () => {
  conformanceTest(
    'a resume after an abrupt drop is welcomed with the same session id and a fresh resume token, every time',
    { requirements: ['RESUME-001', 'RESUME-002'] },
    (t: ConformanceContext) =>
      withSessions(t, async (sessions) => {
        const session = await sessions.open();
        const tokens: string[] = [];
        if (session.resumeToken !== undefined) tokens.push(session.resumeToken);
        for (const round of [1, 2]) {
          session.drop();
          const outcome = await tryResume(session, t.target.timeoutMs);
          t.must('RESUME-001', outcome.replay !== undefined, () => ({
            expected: `session.welcome for resume #${round} with the current resume_token right after a drop`,
            actual: outcome.refused ?? '',
            ...refusalEvidence(session, outcome),
          }));
          const welcome = outcome.replay.resumed.welcome;
          t.must('RESUME-001', welcomedSessionId(welcome) === session.sessionId, () => ({
            expected: `the resume's welcome names session ${session.sessionId}`,
            actual: `it names ${JSON.stringify(welcomedSessionId(welcome))}`,
            ...evidenceAround(session, welcome),
          }));
          const token = session.resumeToken;
          // Tokens are compared, never shown (they are credentials).
          t.must('RESUME-002', token !== undefined && !tokens.includes(token), () => ({
            expected: `resume #${round}'s welcome carries a resume_token different from the session's ${tokens.length} earlier token(s)`,
            actual: token === undefined ? 'no resume_token' : `the same token as welcome #${tokens.indexOf(token) + 1}`,
            ...evidenceAround(session, welcome),
          }));
          tokens.push(token);
        }
      }),
  );

  conformanceTest(
    'a resume replays exactly the job frames after last_event_seq, each once and unchanged',
    { requirements: ['RESUME-003'] },
    (t: ConformanceContext) =>
      withAgentSession(t, async (session) => {
        const { jobId } = await submitAccepted(session, t, 'RESUME-003', logsThenFinish(5));
        await waitForTerminal(session, jobId, t.target.timeoutMs, 0);
        const original = sequencedOnly(session.connection.framesSince(0));
        const seqs = agentFrames(original).map(seqOf);
        t.must('RESUME-003', seqs.length === 6 && original.every((f) => seqOf(f) !== undefined), () => ({
          expected: "six job frames with an integer event_seq (5 marked logs and the job.result; a runtime's own events aside)",
          actual: describeFrames(original),
        }));
        // From the middle of the history, then from its end (nothing is owed).
        for (const last of [seqs[1] as number, seqs[5] as number]) {
          session.drop();
          const outcome = await tryResume(session, t.target.timeoutMs, { lastEventSeq: last, settleMs: 400 });
          t.must('RESUME-003', outcome.replay !== undefined, () => ({
            expected: `session.welcome for a resume at last_event_seq ${last}`,
            actual: outcome.refused ?? '',
            transcript: session.transcript.entries.slice(-6),
          }));
          const replayed = sequencedOnly(outcome.replay.frames);
          const owed = original.filter((f) => (seqOf(f) as number) > last);
          const evidence = () => ({
            expected: `the replay after last_event_seq ${last}: seqs ${seqList(owed.map(seqOf))}, each once, as first delivered`,
            actual: `replayed seqs ${seqList(replayed.map(seqOf))}: ${describeFrames(replayed)}`,
            transcript: session.transcript.entries.slice(-(replayed.length + 6)),
          });
          t.must('RESUME-003', replayed.every((f) => (seqOf(f) ?? 0) > last), evidence);
          t.must('RESUME-003', replayed.length === owed.length && replayed.every((f, i) => sameFrame(f, owed[i] as WireFrame)), evidence);
        }
      }),
  );

  conformanceTest(
    'jobs running across a drop deliver every remaining event and their terminal after the resume, continuing the seq chain',
    { requirements: ['RESUME-004', 'SEQ-004'] },
    (t: ConformanceContext) =>
      withAgentSession(t, async (session) => {
        // Two concurrent jobs share the session's seq space; both pause while the client is away.
        const script = logsAroundPause(2, 500, 3);
        const jobs = [(await submitAccepted(session, t, 'RESUME-004', script)).jobId, (await submitAccepted(session, t, 'RESUME-004', script)).jobId];
        for (const jobId of jobs) {
          await session.waitFor((f) => f.job_id === jobId && markerOf(f) === '0/1', { description: `the second event of ${jobId}`, after: 0 });
        }
        const before = sequencedOnly(session.connection.framesSince(0));
        session.drop();
        let replay: Replay;
        try {
          replay = await collectReplay(session, jobs, t.target.timeoutMs + 500, { settleMs: 300 });
        } catch (error) {
          assertServerStop(error);
          t.must('RESUME-004', false, {
            expected: 'session.welcome for a resume right after a drop',
            actual: error.message,
            transcript: session.transcript.entries.slice(-6),
          });
        }
        const after = sequencedOnly(replay.frames);
        // The seq chain first: a session-scoped seq that breaks explains any lost or repeated events.
        const broken = chainBreak(after, replay.lastEventSeq + 1);
        t.must('SEQ-004', broken === undefined, () => ({
          expected: `after the resume at last_event_seq ${replay.lastEventSeq}: seqs ${replay.lastEventSeq + 1}, ${replay.lastEventSeq + 2}, … with no gap or repeat`,
          actual: `seqs before the drop ${seqList(before.map(seqOf))}; after the resume ${seqList(after.map(seqOf))} (expected ${broken?.expected}, got ${String(broken?.actual)})`,
          ...evidenceAround(session, ...(broken === undefined ? [] : [after[broken.index] as WireFrame])),
        }));
        for (const jobId of jobs) {
          const markers = [...before, ...after].filter((f) => f.job_id === jobId).map(markerOf).filter((m) => m !== undefined);
          const terminal = replay.terminals.get(jobId);
          const complete = ['0/0', '0/1', '0/2', '0/3', '0/4'].every((m) => markers.filter((x) => x === m).length === 1);
          t.must('RESUME-004', complete && terminal?.type === 'job.result', () => ({
            expected: `job ${jobId}: markers 0/0..0/4 once each across both connections, then its job.result on the resumed one`,
            actual: `markers ${markers.join(', ') || 'none'}; terminal ${terminal === undefined ? 'missing' : describeFrame(terminal)}`,
            transcript: session.transcript.entries.slice(-(after.length + 6)),
          }));
        }
      }),
  );

  conformanceTest(
    'refuses a resume with a wrong or superseded resume token and leaves the session with its owner',
    { requirements: ['RESUME-006', 'RESUME-001'] },
    (t: ConformanceContext) =>
      withSessions(t, async (sessions) => {
        const session = await sessions.open();
        const first = session.resumeToken;
        t.must('RESUME-001', first !== undefined, { expected: 'a resume_token in the welcome', actual: 'none' });
        const wrong = `rt_conformance_wrong_${nextMessageId()}`;

        // A hijack attempt while the owner is attached: refused, and the owner keeps the session.
        const owner = session.connection;
        const hijack = await tryResume(session, t.target.timeoutMs, { token: wrong, label: 'intruder' });
        t.must('RESUME-006', hijack.refused !== undefined && hijack.rejected, () => ({
          expected: 'session.error (or a close) for a resume presenting a wrong resume_token, never a welcome',
          actual: hijack.refused ?? 'session.welcome',
          ...refusalEvidence(session, hijack),
        }));
        const probe = await probeSession(t, session);
        t.must('RESUME-006', session.connection === owner && probe.alive, () => ({
          expected: `the owner's connection still carries the session after the refused resume (answers ${probe.asked})`,
          actual: probe.answer === undefined ? `no answer; socket ${owner.isOpen ? 'open' : 'closed'}` : describeFrame(probe.answer),
          transcript: session.transcript.entries.slice(-6),
        }));

        // After a drop and a good resume, the superseded token must not work any more.
        session.drop();
        const good = await tryResume(session, t.target.timeoutMs);
        t.must('RESUME-001', good.replay !== undefined, () => ({
          expected: 'session.welcome for a resume with the current token after refused attempts',
          actual: good.refused ?? '',
          transcript: session.transcript.entries.slice(-6),
        }));
        session.drop();
        const stale = await tryResume(session, t.target.timeoutMs, { token: first, label: 'stale' });
        t.must('RESUME-006', stale.refused !== undefined && stale.rejected, () => ({
          expected: 'session.error (or a close) for a resume presenting the superseded resume_token of the first welcome',
          actual: stale.refused ?? 'session.welcome',
          ...refusalEvidence(session, stale),
        }));
        const wrongWhileDetached = await tryResume(session, t.target.timeoutMs, { token: wrong, label: 'intruder' });
        t.must('RESUME-006', wrongWhileDetached.refused !== undefined && wrongWhileDetached.rejected, () => ({
          expected: 'session.error (or a close) for a resume presenting a wrong resume_token while the session is detached',
          actual: wrongWhileDetached.refused ?? 'session.welcome',
          ...refusalEvidence(session, wrongWhileDetached),
        }));
        const owned = await tryResume(session, t.target.timeoutMs);
        t.must('RESUME-001', owned.replay !== undefined, () => ({
          expected: 'the owner can still resume with the current token after the refused attempts',
          actual: owned.refused ?? '',
          transcript: session.transcript.entries.slice(-6),
        }));
      }),
  );

  conformanceTest(
    'refuses a resume after the resume window with RESUME_WINDOW_EXPIRED and a close, never a welcome; never replays with a gap',
    { requirements: ['RESUME-005'] },
    (t: ConformanceContext) =>
      withSessions(t, async (sessions) => {
        const session = await sessions.open();
        // Beside it, a session that stays attached while its events grow older than the window
        // (without ack, so nothing keeps them: v1.1 §6.5): a later resume at seq 0 gets them all
        // or RESUME_WINDOW_EXPIRED (v1.0 §6.3), never a welcome and a replay with a gap.
        const kept = await sessions.open({ label: 'kept attached', features: t.target.profile.features.filter((f) => f !== 'ack') });
        const keptJob = kept.agents.some((a) => a.name === t.target.profile.agent) ? await submitAccepted(kept, t, 'RESUME-005', logsThenFinish(2)) : undefined;
        if (keptJob !== undefined) await waitForTerminal(kept, keptJob.jobId, t.target.timeoutMs, 0);
        const windowSec = session.resumeWindowSec;
        if (windowSec === undefined) t.untestable('the welcome announces no resume_window_sec, so the kit cannot tell when the window has passed');
        const waitMs = windowSec * 1000 + EXPIRY_SLACK_MS;
        requireWaitWithinMax(t, timerWaitMs(t.target, waitMs), `resume window (resume_window_sec ${windowSec})`, session);
        const resumeToken = session.resumeToken;
        if (resumeToken === undefined) t.untestable('the welcome carried no resume_token');
        session.drop();
        // The server-side timer is the subject of this test; nothing on the wire marks its end.
        await new Promise((resolve) => setTimeout(resolve, waitMs));

        if (keptJob !== undefined) {
          const original = sequencedOnly(kept.connection.framesSince(0));
          kept.drop();
          const late = await tryResume(kept, t.target.timeoutMs, { lastEventSeq: 0, settleMs: 400 });
          const replayed = late.replay === undefined ? undefined : sequencedOnly(late.replay.frames);
          t.must('RESUME-005', replayed === undefined || (replayed.length === original.length && replayed.every((f, i) => sameFrame(f, original[i] as WireFrame))), () => ({
            expected: `a resume at last_event_seq 0 of a session whose events are older than the window: all of them again (seq ${seqList(original.map(seqOf))}) or RESUME_WINDOW_EXPIRED`,
            actual: `a welcome, then ${describeFrames(replayed ?? [])}`,
            ...refusalEvidence(kept, late),
          }));
        }

        session.transcript.redactor.addSecret(resumeToken);
        const connection = await sessions.raw('late-resume');
        const request = resumeRequest(t.target.profile.resumeForm, {
          client: t.target.profile.client,
          token: t.target.tokens.primary,
          features: session.offeredFeatures,
          sessionId: session.sessionId,
          resumeToken,
          lastEventSeq: session.lastEventSeq ?? 0,
        });
        connection.send(request.type, request.payload, request.envelope);
        const refusal = await awaitRefusal(connection, t.target.timeoutMs);
        const evidence = (expected: string) => ({ expected, actual: describeRefusal(refusal), transcript: session.transcript.entries.slice(-6) });
        t.must('RESUME-005', !refusal.welcomed, () => evidence(`no session.welcome for a resume ${waitMs} ms after the drop (window ${windowSec} s)`));
        t.must('RESUME-005', refusal.answer?.type === 'session.error' && codeOf(refusal.answer) === 'RESUME_WINDOW_EXPIRED', () =>
          evidence('session.error code RESUME_WINDOW_EXPIRED'),
        );
        t.must('RESUME-005', refusal.closed !== undefined, () => evidence(`the transport closed within ${t.target.timeoutMs} ms after RESUME_WINDOW_EXPIRED`));
      }),
  );
});
