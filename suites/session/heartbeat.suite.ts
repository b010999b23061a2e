// Heartbeats (v1.1 §6.2, §6.4) and feature negotiation seen through them. Several checks
// wait on the server's heartbeat timer, so the tests of this file run concurrently.
import { describe } from 'vitest';
import { timerWaitMs } from '../harness/config.ts';
import { type WireFrame, isType, payloadOf } from '../harness/frames.ts';
import { assertServerStop } from '../harness/errors.ts';
import type { Session } from '../harness/session.ts';
import { Transcript } from '../harness/transcript.ts';
import { answerEvidence, evidenceAround, requireAgent, requireFeatures, submitAccepted, withSessions } from '../support/index.ts';
import { requireWaitWithinMax } from '../support/server-timers.ts';
import { type ConformanceContext, conformanceTest } from '../verdicts/conformance-test.ts';
import { describeFrame } from '../verdicts/format.ts';
import { collectReplay } from '../resume/replay.ts';
import { describeFrames, logsAroundPause } from './helpers.ts';

/** How long to watch for pings when no session announced an interval. */
const DEFAULT_UNANNOUNCED_INTERVAL_MS = 2000;

function intervalMs(session: Session): number | undefined {
  const sec = session.heartbeatIntervalSec;
  return sec === undefined || sec <= 0 ? undefined : sec * 1000;
}

describe.concurrent('heartbeats', () => {
  conformanceTest('the welcome carries a positive heartbeat_interval_sec when heartbeat is negotiated', { requirements: ['HELLO-004'] }, (t: ConformanceContext) =>
    withSessions(t, async (sessions) => {
      const session = await sessions.open();
      requireFeatures(t, session, 'heartbeat');
      const value = payloadOf(session.welcome).heartbeat_interval_sec;
      t.must('HELLO-004', typeof value === 'number' && Number.isFinite(value) && value > 0, () => ({
        expected: 'payload.heartbeat_interval_sec: a positive number',
        actual: JSON.stringify(value) ?? 'missing',
        ...evidenceAround(session, session.welcome),
      }));
    }),
  );

  conformanceTest('answers session.ping with a session.pong echoing its nonce within the heartbeat interval', { requirements: ['HB-001'] }, (t: ConformanceContext) =>
    withSessions(t, async (sessions) => {
      const session = await sessions.open();
      requireFeatures(t, session, 'heartbeat');
      const deadline = intervalMs(session) ?? t.target.timeoutMs;
      for (const nonce of ['p_conformance_1', 'p_conformance_2']) {
        const after = session.mark();
        session.send('session.ping', { nonce, sent_at: new Date().toISOString() });
        const pong = await session.watch(isType('session.pong'), { description: `session.pong for ${nonce}`, forMs: deadline, after });
        t.must('HB-001', pong !== undefined && payloadOf(pong).ping_nonce === nonce, () => ({
          expected: `session.pong with ping_nonce "${nonce}" within heartbeat_interval_sec (${deadline} ms)`,
          actual: pong === undefined ? `no session.pong; received ${describeFrames(session.connection.framesKeptSince(after))}` : describeFrame(pong),
          ...answerEvidence(session.transcript, pong, 'session.ping', session.connection.id),
        }));
      }
    }),
  );

  conformanceTest('sends a session.ping to a session that is otherwise idle for a heartbeat interval', { requirements: ['HB-002'] }, (t: ConformanceContext) =>
    withSessions(t, async (sessions) => {
      const session = await sessions.open();
      requireFeatures(t, session, 'heartbeat');
      const interval = intervalMs(session) ?? t.target.timeoutMs;
      // One interval of silence, and a second one of grace for the server's timer granularity.
      requireWaitWithinMax(t, 2 * interval, 'heartbeat interval', session);
      const ping = await session.watch(isType('session.ping'), { description: 'session.ping', forMs: 2 * interval, after: 0 });
      t.should('HB-002', ping !== undefined, () => ({
        expected: `a session.ping on an idle session within two heartbeat intervals (${2 * interval} ms)`,
        actual: `received ${describeFrames(session.connection.framesKeptSince(0))}`,
        transcript: session.transcript.entries.slice(-6),
      }));
    }),
  );

  conformanceTest('sends no session.ping on a session that did not offer heartbeat', { requirements: ['HB-005'] }, (t: ConformanceContext) =>
    withSessions(t, async (sessions) => {
      // The server's interval, learned from a session that did negotiate heartbeat.
      const reference = await sessions.open({ label: 'with-heartbeat' });
      // On a transcript of its own: the evidence shows only the session under test.
      const session = await sessions.open({
        label: 'without-heartbeat',
        features: t.target.profile.features.filter((f) => f !== 'heartbeat'),
        transcript: new Transcript(),
      });
      await reference.connection.closeSocket();
      const interval = intervalMs(reference) ?? intervalMs(session) ?? DEFAULT_UNANNOUNCED_INTERVAL_MS;
      const watchMs = Math.ceil(1.5 * interval);
      requireWaitWithinMax(t, watchMs, 'heartbeat interval', reference);
      const ping = await session.watch(isType('session.ping'), { description: 'session.ping', forMs: watchMs, after: 0 });
      t.must('HB-005', ping === undefined, () => ({
        expected: `no session.ping within ${watchMs} ms (1.5 heartbeat intervals) on a session that did not offer heartbeat`,
        actual: describeFrame(ping as WireFrame),
        ...evidenceAround(session, ping as WireFrame),
      }));
      // The negotiated set outlives the transport: after a resume the session still did not offer heartbeat.
      session.drop();
      try {
        await session.resume();
      } catch (error) {
        assertServerStop(error);
        return t.note(`no resume to watch after (not HB-005's to judge): ${error.message}`);
      }
      const later = await session.watch(isType('session.ping'), { description: 'session.ping after the resume', forMs: watchMs, after: 0 });
      t.must('HB-005', later === undefined, () => ({
        expected: `no session.ping within ${watchMs} ms of the resume of a session that did not offer heartbeat`,
        actual: describeFrame(later as WireFrame),
        ...evidenceAround(session, later as WireFrame),
      }));
    }),
  );

  conformanceTest(
    'a job outlives a lost heartbeat and the session stays resumable',
    { requirements: ['HB-003'] },
    (t: ConformanceContext) =>
      withSessions(t, async (sessions) => {
        const session = await sessions.open();
        requireFeatures(t, session, 'heartbeat');
        requireAgent(t, session);
        const interval = intervalMs(session) ?? t.target.timeoutMs;
        // The server may give up on a silent client after two intervals (v1.1 §6.4); the job
        // pauses past that, then finishes on its own.
        const pauseMs = Math.ceil(2.5 * interval) + 500;
        requireWaitWithinMax(t, timerWaitMs(t.target, pauseMs), 'heartbeat loss (two heartbeat intervals)', session);
        session.connection.autoPong = false;
        const { jobId } = await submitAccepted(session, t, 'HB-003', logsAroundPause(1, pauseMs, 2));
        const closed = await session.connection.closedWithin(Math.ceil(2.5 * interval));
        // A server that does not act on the silence (a MAY) is cut here: the job must survive either way.
        if (closed === undefined) session.drop();
        let terminal: WireFrame | undefined;
        try {
          const replay = await collectReplay(session, [jobId], pauseMs + t.target.timeoutMs);
          terminal = replay.terminals.get(jobId);
        } catch (error) {
          assertServerStop(error);
          t.must('HB-003', false, {
            expected: `the session resumable after ${closed === undefined ? 'a silent interval' : 'the server closed it for heartbeat loss'}`,
            actual: error.message,
            transcript: session.transcript.entries.slice(-8),
          });
        }
        t.must('HB-003', terminal !== undefined && terminal.type === 'job.result' && payloadOf(terminal).final_status === 'success', () => ({
          expected: `job ${jobId} keeps running through the heartbeat loss and ends with job.result "success"`,
          actual: terminal === undefined ? 'no terminal after the resume' : describeFrame(terminal),
          transcript: session.transcript.entries.slice(-10),
        }));
      }),
  );
});
