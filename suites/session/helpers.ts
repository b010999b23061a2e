// Helpers shared by the session, resume and errors suites: the answer to a hello the server
// should refuse, a liveness probe, small agent scripts, and one-line descriptions of frames
// for failure evidence.
import type { AgentScript } from '../../spec/agent-script.ts';
import { SEQUENCED_TYPES } from '../../spec/messages.ts';
import type { Session } from '../harness/session.ts';
import type { CloseInfo, Connection } from '../harness/connection.ts';
import { type WireFrame, isType, isWireFrame, payloadOf } from '../harness/frames.ts';
import { nextMessageId } from '../harness/ids.ts';
import { isRejection } from '../support/index.ts';
import { describeFrame } from '../verdicts/format.ts';
import type { ConformanceContext } from '../verdicts/conformance-test.ts';

/** Sends a frame with exactly these top-level fields (plus a fresh id unless given); returns the id. */
export function sendFrame(connection: Connection, frame: Record<string, unknown>): string {
  const id = typeof frame.id === 'string' ? frame.id : nextMessageId();
  connection.sendRaw(JSON.stringify({ id, ...frame }));
  return id;
}

export interface Refusal {
  /** The first session.welcome or session.error that answered, if any. */
  readonly answer: WireFrame | undefined;
  /** How the socket closed, if it did within the bound. */
  readonly closed: CloseInfo | undefined;
  /** Whether a session.welcome arrived at any point. */
  readonly welcomed: boolean;
}

/**
 * What became of a hello or resume the server should refuse: its answer (welcome or error)
 * and whether the server closed the socket, each within `timeoutMs`.
 */
export async function awaitRefusal(connection: Connection, timeoutMs: number, after = 0): Promise<Refusal> {
  const answer = await connection.watch(isType('session.welcome', 'session.error'), {
    description: 'session.welcome or session.error',
    forMs: timeoutMs,
    after,
  });
  const closed = await connection.closedWithin(timeoutMs);
  // The answer first: it was seen as it arrived, even when a flood left the inbox only its newest frames.
  const welcomed = answer?.type === 'session.welcome' || connection.framesSince(after).some((f) => f.type === 'session.welcome');
  return { answer, closed, welcomed };
}

/** `session.error UNAUTHENTICATED`, `socket closed (code 1008)`, ... */
export function describeRefusal(refusal: Refusal): string {
  const parts: string[] = [];
  parts.push(refusal.answer === undefined ? 'no session.welcome or session.error' : describeFrame(refusal.answer));
  parts.push(refusal.closed === undefined ? 'socket still open' : `socket closed (code ${refusal.closed.code})`);
  return parts.join(', ');
}

/** The error code of a rejection frame, or undefined. */
export function codeOf(frame: WireFrame | undefined): string | undefined {
  if (frame === undefined) return undefined;
  const code = payloadOf(frame).code;
  return typeof code === 'string' ? code : undefined;
}

export interface Probe {
  /** Whether the session answered. */
  readonly alive: boolean;
  /** What was asked, e.g. `session.ping`. */
  readonly asked: string;
  readonly answer: WireFrame | undefined;
}

/**
 * Asks the session something it must answer and waits for the answer: a ping when heartbeat
 * was negotiated, a list_jobs when list_jobs was, otherwise a submit of the conformance
 * agent when it is hosted. With none of them, only an open socket counts.
 */
export async function probeSession(t: ConformanceContext, session: Session): Promise<Probe> {
  const { timeoutMs } = t.target;
  if (!session.connection.isOpen) return { alive: false, asked: 'nothing (the socket is closed)', answer: undefined };
  try {
    if (session.features.has('heartbeat')) {
      const nonce = `probe-${nextMessageId()}`;
      const answer = await session.request('session.ping', { nonce, sent_at: new Date().toISOString() }, (f) => f.type === 'session.pong' || isRejection(f), {
        description: `session.pong for nonce ${nonce}`,
        timeoutMs,
      });
      return { alive: answer.type === 'session.pong', asked: 'session.ping', answer };
    }
    if (session.features.has('list_jobs')) {
      const answer = await session.request('session.list_jobs', { limit: 1 }, (f) => f.type === 'session.jobs' || isRejection(f), {
        description: 'session.jobs',
        timeoutMs,
      });
      return { alive: answer.type === 'session.jobs', asked: 'session.list_jobs', answer };
    }
    if (session.agents.some((a) => a.name === t.target.profile.agent)) {
      const answer = await session.request('job.submit', { agent: t.target.profile.agent, input: finishAtOnce() }, (f) => f.type === 'job.accepted' || isRejection(f), {
        description: 'job.accepted for a valid job.submit',
        timeoutMs,
      });
      return { alive: answer.type === 'job.accepted', asked: 'job.submit', answer };
    }
  } catch {
    return { alive: false, asked: 'a request the session must answer', answer: undefined };
  }
  const closed = await session.connection.closedWithin(300);
  return { alive: closed === undefined, asked: 'nothing (no ping, list_jobs or agent): the socket staying open for 300 ms', answer: undefined };
}

/**
 * Waits until the server has handled everything sent so far, without adding job frames:
 * a ping/pong or list_jobs round trip (frames are handled in order), else a 300 ms pause.
 */
export async function awaitHandled(t: ConformanceContext, session: Session): Promise<void> {
  if (session.features.has('heartbeat') || session.features.has('list_jobs')) {
    await probeSession(t, session);
    return;
  }
  await session.watch(() => false, { description: 'nothing (letting the server catch up)', forMs: 300 });
}

// ---- scripts --------------------------------------------------------------------------

/** A job that ends at once with success. */
export function finishAtOnce(): AgentScript {
  return { steps: [{ op: 'finish' }] };
}

/** `count` log events, then success. */
export function logsThenFinish(count: number): AgentScript {
  return { steps: [{ op: 'emit', kind: 'log', count }, { op: 'finish' }] };
}

/** `before` logs, a pause of `pauseMs`, `after` more logs, then success: a job that outlives a drop. */
export function logsAroundPause(before: number, pauseMs: number, after: number): AgentScript {
  return {
    steps: [
      { op: 'emit', kind: 'log', count: before },
      { op: 'sleep', ms: pauseMs },
      { op: 'emit', kind: 'log', count: after },
      { op: 'finish' },
    ],
  };
}

/** A job that runs until cancelled (stopping at once), or ends with success after `maxMs`. */
export function runUntilCancelled(maxMs: number): AgentScript {
  return { steps: [{ op: 'wait_cancel', max_ms: maxMs }, { op: 'finish' }] };
}

// ---- frames ---------------------------------------------------------------------------

/** job.event, job.result or job.error with an event_seq (a job frame of the seq space). */
export function isSequenced(frame: WireFrame): boolean {
  return typeof frame.type === 'string' && SEQUENCED_TYPES.has(frame.type) && frame.event_seq !== undefined;
}

/** The event_seq of a frame, when it is an integer. */
export function seqOf(frame: WireFrame): number | undefined {
  return typeof frame.event_seq === 'number' && Number.isInteger(frame.event_seq) ? frame.event_seq : undefined;
}

/** The marker `branch/i` of an agent event, or undefined. */
export function markerOf(frame: WireFrame): string | undefined {
  const body = payloadOf(frame).body;
  if (!isWireFrame(body) || !isWireFrame(body.marker)) return undefined;
  return `${String(body.marker.branch)}/${String(body.marker.i)}`;
}

/**
 * The agent's marked events and the job's terminal among sequenced frames: what a script
 * produces, counted without the events a runtime adds on its own (unmarked status or budget
 * events, spec/conformance-agent.md), which stay in the seq chain all the same.
 */
export function agentFrames(frames: readonly WireFrame[]): WireFrame[] {
  return frames.filter((f) => markerOf(f) !== undefined || f.type === 'job.result' || f.type === 'job.error');
}

/** `job.event seq=4 kind=log; job.result seq=5 final=success` (at most `limit` frames). */
export function describeFrames(frames: readonly WireFrame[], limit = 12): string {
  if (frames.length === 0) return 'nothing';
  const shown = frames.slice(0, limit).map((f) => describeFrame(f)).join('; ');
  return frames.length > limit ? `${shown}; … (${frames.length} frames)` : shown;
}

/** A list of seqs as text: `3, 4, 5`. */
export function seqList(seqs: readonly (number | undefined)[]): string {
  return seqs.length === 0 ? '(none)' : seqs.map((s) => (s === undefined ? '?' : String(s))).join(', ');
}
