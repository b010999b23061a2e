// Invariant: event_seq is per session, strictly +1 on the wire, across own and subscribed
// jobs and across every resume (v1.1 §8.3, v1.0 §5.1, §8.3). Each connection is one stretch
// of its session's sequence: a fresh connection may start anywhere, a resume connection
// starts at last_event_seq + 1, and every sequenced frame after that is the previous + 1.
// Heartbeats stand outside the sequence (v1.1 §6.4), so one that consumed a seq shows as a
// gap in the job frames around it. Whether the content of a replay is right is
// resume-checker.ts's question.
import type { FrameFacts } from './session-tracker.ts';
import { FrameChecker } from './frame-checker.ts';
import type { CheckerContext, CheckerFactory } from './types.ts';
import { describeFrame, shortJson, type WireFrame } from './wire.ts';

const REQUIREMENTS = ['SEQ-001', 'SEQ-002', 'SEQ-004', 'SEQ-007'] as const;

/** "Heartbeats are NOT included in event_seq" (v1.1 §6.4): an event_seq on one is not followed. */
function isHeartbeat(wire: WireFrame): boolean {
  return wire.type === 'session.ping' || wire.type === 'session.pong';
}

interface Chain {
  /** The seq the next sequenced frame must carry, once known. */
  expected: number | undefined;
  /** The entry that set `expected`: the previous frame, or the resume request. */
  anchorIndex: number | undefined;
  /** Whether the chain started at a resume request. */
  resumed: boolean;
}

class SequenceChecker extends FrameChecker {
  private readonly chains = new Map<string, Chain>();

  constructor(context: CheckerContext) {
    super('sequence', REQUIREMENTS, context);
  }

  protected onFrame(facts: FrameFacts): void {
    const { entry, wire, conn } = facts;
    if (wire === undefined) return;
    if (entry.dir === 'out') {
      // A resume request restarts the connection's stretch at last_event_seq + 1.
      if (conn.resume?.index === entry.index) {
        this.chains.set(conn.id, { expected: conn.resume.lastEventSeq + 1, anchorIndex: entry.index, resumed: true });
      }
      return;
    }
    if (facts.sequenced && wire.seq === undefined) {
      this.log.add(
        'SEQ-001',
        `${describeFrame(wire)}${wire.jobId ? ` for job ${wire.jobId}` : ''} on ${conn.id} carries ${
          wire.hasSeq ? `an invalid event_seq (${shortJson(wire.rawSeq)})` : 'no event_seq'
        }.`,
        [entry.index],
      );
      return;
    }
    // v1.0 §8.3 (SEQ-007): any other frame that carries event_seq joins the same sequence.
    if (!facts.sequenced && (!wire.hasSeq || isHeartbeat(wire))) return;
    if (wire.seq === undefined) {
      this.log.add('SEQ-007', `${describeFrame(wire)} on ${conn.id} carries event_seq ${shortJson(wire.rawSeq)}, which is not a non-negative integer.`, [entry.index]);
      return;
    }
    this.follow(facts, wire, wire.seq);
  }

  private follow(facts: FrameFacts, wire: WireFrame, seq: number): void {
    const { entry, conn } = facts;
    const chain = this.chains.get(conn.id) ?? { expected: undefined, anchorIndex: undefined, resumed: false };
    this.chains.set(conn.id, chain);
    if (chain.expected !== undefined && seq !== chain.expected) {
      const who = facts.session ? this.tracker.describeSession(facts.session) : `connection ${conn.id}`;
      const what = `${describeFrame(wire)}${wire.jobId ? ` for job ${wire.jobId}` : ''}`;
      const resume = conn.resume;
      const replayEnd = resume === undefined ? undefined : (resume.owed?.seq ?? resume.lastEventSeq);
      let id: string;
      let message: string;
      if (!facts.sequenced) {
        id = 'SEQ-007';
        message = `${what} on ${conn.id} carries event_seq ${seq} where ${who}'s sequence was at ${chain.expected}.`;
      } else if (chain.resumed && replayEnd !== undefined && chain.expected <= replayEnd + 1) {
        id = 'SEQ-004';
        message =
          chain.anchorIndex === resume?.index
            ? `After resuming at last_event_seq ${resume?.lastEventSeq} on ${conn.id}, ${who}'s first sequenced frame (${what}) has event_seq ${seq}; expected ${chain.expected}.`
            : `In the replay on ${conn.id} after resuming ${who} at last_event_seq ${resume?.lastEventSeq}, ${what} has event_seq ${seq}; expected ${chain.expected}.`;
      } else {
        id = 'SEQ-002';
        message = `${what} on ${conn.id} has event_seq ${seq} where ${who} was due ${chain.expected}.`;
      }
      this.log.add(id, message, [chain.anchorIndex, entry.index]);
    }
    // Resynchronise so one slip is reported once: a jump ahead moves the chain there; a frame
    // from behind (a swap, a duplicate) leaves it where it was.
    chain.expected = Math.max(chain.expected ?? 0, seq + 1);
    chain.anchorIndex = entry.index;
  }
}

export const sequenceChecker: CheckerFactory = {
  name: 'sequence',
  requirements: REQUIREMENTS,
  create: (context) => new SequenceChecker(context),
};
