// Resume (v1.0 §6.3, v1.1 §6.3, DESIGN §5). A resume's welcome reuses the session's id
// (RESUME-001) with a resume_token the session has not had before (RESUME-002, compared via
// the redactor's stable labels, never shown). The replay on the new connection contains
// exactly the frames after last_event_seq (RESUME-003): none at or below it, and every
// sequenced frame the session had already received above it, each unchanged (same job, type,
// kind, marker, chunk and outcome, compared by fingerprint, seq-history.ts). A replay cut
// short is judged only when the test declares the transcript complete and the client did not
// cut that connection itself. The +1 chain across the resume is sequence-checker.ts's
// (SEQ-004).
import type { FrameFacts, ResumePoint, SessionState } from './session-tracker.ts';
import { FrameChecker } from './frame-checker.ts';
import type { CheckerContext, CheckerFactory, FinishOptions } from './types.ts';
import { describeFrame, stringField } from './wire.ts';

const REQUIREMENTS = ['RESUME-001', 'RESUME-002', 'RESUME-003'] as const;

interface ReplayState {
  readonly resume: ResumePoint;
  /** The next seq the replay still owes. */
  next: number;
  reportedLow: boolean;
}

class ResumeChecker extends FrameChecker {
  private readonly replays = new Map<string, ReplayState>();
  /** Per session: resume_token (a redaction label) -> the welcome that carried it. */
  private readonly tokens = new Map<string, Map<string, number>>();

  constructor(context: CheckerContext) {
    super('resume', REQUIREMENTS, context);
  }

  protected onFrame(facts: FrameFacts): void {
    const { entry, wire, conn } = facts;
    if (wire === undefined) return;
    if (entry.dir === 'out') {
      if (conn.resume?.index === entry.index) this.replays.set(conn.id, { resume: conn.resume, next: conn.resume.lastEventSeq + 1, reportedLow: false });
      return;
    }
    if (wire.type === 'session.welcome') this.onWelcome(facts);
    else if (facts.sequenced && wire.seq !== undefined) this.onSequenced(facts, wire.seq);
  }

  private onWelcome(facts: FrameFacts): void {
    const { entry, wire, conn, session } = facts;
    if (wire === undefined || session === undefined) return;
    const resume = conn.resume;
    const named = wire.sessionId ?? stringField(wire.payload, 'session_id');
    if (resume?.welcomeIndex === entry.index && resume.sessionId !== undefined && named !== undefined && named !== resume.sessionId) {
      this.log.add(
        'RESUME-001',
        `The welcome answering the resume of session ${resume.sessionId} on ${conn.id} names session ${named} instead.`,
        [resume.index, entry.index],
      );
    }
    const token = stringField(wire.payload, 'resume_token');
    if (token === undefined || session.anonymous) return;
    const seen = this.tokens.get(session.id) ?? new Map<string, number>();
    this.tokens.set(session.id, seen);
    const earlier = seen.get(token);
    if (earlier !== undefined) {
      this.log.add(
        'RESUME-002',
        `The welcome on ${conn.id} gives session ${session.id} the same resume_token as its welcome at #${earlier} (the token did not rotate).`,
        [earlier, entry.index],
      );
    } else {
      seen.set(token, entry.index);
    }
  }

  private onSequenced(facts: FrameFacts, seq: number): void {
    const { entry, wire, conn, session } = facts;
    const state = this.replays.get(conn.id);
    if (wire === undefined || session === undefined || state === undefined || state.resume.outcome === 'failed') return;
    const { resume } = state;
    const what = (): string => `${describeFrame(wire)}${wire.jobId ? ` for job ${wire.jobId}` : ''}`;
    if (seq <= resume.lastEventSeq) {
      if (!state.reportedLow) {
        state.reportedLow = true;
        this.log.add(
          'RESUME-003',
          `After resuming ${this.tracker.describeSession(session)} at last_event_seq ${resume.lastEventSeq} on ${conn.id}, the server sent ${what()} at seq ${seq}, at or below it.`,
          [resume.index, entry.index],
        );
      }
      return;
    }
    const owed = resume.owed;
    if (owed === undefined) return;
    if (seq > state.next && state.next <= owed.seq) {
      this.skipped(session, state, state.next, Math.min(seq - 1, owed.seq), entry.index);
    }
    state.next = Math.max(state.next, seq + 1);
    const receipt = facts.receipt;
    if (receipt?.state === 'seen' && receipt.receipt.index < resume.index && receipt.receipt.fingerprint !== facts.fingerprint) {
      this.log.add(
        'RESUME-003',
        `Replayed seq ${seq} on ${conn.id} is ${what()}, which differs from the seq ${seq} ${this.tracker.describeSession(session)} received at #${receipt.receipt.index}.`,
        [receipt.receipt.index, entry.index],
      );
    }
  }

  private skipped(session: SessionState, state: ReplayState, from: number, to: number, atIndex: number | undefined): void {
    const found = session.history.lookup(from);
    const first = found.state === 'seen' ? found.receipt : undefined;
    const range = from === to ? `seq ${from}` : `seqs ${from}..${to}`;
    const { resume } = state;
    this.log.add(
      'RESUME-003',
      `The replay on ${resume.conn} after resuming ${this.tracker.describeSession(session)} at last_event_seq ${resume.lastEventSeq} ${
        atIndex === undefined ? 'ended without' : 'skipped'
      } ${range}, which the session had received before${first ? ` (seq ${from} at #${first.index})` : ''}.`,
      [resume.index, first?.index, atIndex],
    );
  }

  protected override onFinish(options: FinishOptions): void {
    if (!options.complete) return;
    for (const [connId, state] of this.replays) {
      const conn = this.tracker.connection(connId);
      const owed = state.resume.owed;
      const session = state.resume.sessionId === undefined ? undefined : this.tracker.session(state.resume.sessionId);
      if (conn === undefined || session === undefined || owed === undefined) continue;
      if (state.resume.outcome !== 'welcomed' || conn.clientCutIndex !== undefined) continue;
      if (state.next <= owed.seq) this.skipped(session, state, state.next, owed.seq, undefined);
    }
  }
}

export const resumeChecker: CheckerFactory = {
  name: 'resume',
  requirements: REQUIREMENTS,
  create: (context) => new ResumeChecker(context),
};
