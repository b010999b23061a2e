// Cancel semantics (DESIGN §5, v1.1 §7.4, §7.6, §14). A cancel of a live job by its
// submitter is acknowledged with job.cancelled before the job's terminal, and a job whose
// cancel was acknowledged ends with job.error CANCELLED / "cancelled". A cancel racing
// completion may lose: a terminal that arrives with no acknowledgement before it is whatever
// the job produced. Only the submitting principal may cancel (DESIGN §5; session-tracker.ts
// CancelAuthority): a job.cancelled answering another principal's cancel, or a job that ends
// cancelled when every cancel it got before its terminal was such a foreign one, breaks
// CANCEL-007 (the canceller was a subscriber) or CANCEL-006. Cancels whose authority is
// unknown (no principals given) are treated as possibly legitimate.
// Second terminals and status changes after a cancel are terminal-checker.ts and
// status-checker.ts's findings.
import type { CancelAuthority, FrameFacts } from './session-tracker.ts';
import { FrameChecker } from './frame-checker.ts';
import type { CheckerContext, CheckerFactory } from './types.ts';
import { describeFrame, isCancelledResult, isCancelledTerminal, isTerminalFrame } from './wire.ts';

const REQUIREMENTS = ['CANCEL-001', 'CANCEL-002', 'CANCEL-006', 'CANCEL-007'] as const;

type Foreign = Extract<CancelAuthority, 'foreign-subscriber' | 'other-principal'>;

function isForeign(authority: CancelAuthority | undefined): authority is Foreign {
  return authority === 'foreign-subscriber' || authority === 'other-principal';
}

function foreignId(authority: Foreign): 'CANCEL-006' | 'CANCEL-007' {
  return authority === 'foreign-subscriber' ? 'CANCEL-007' : 'CANCEL-006';
}

function whoIs(authority: Foreign): string {
  return authority === 'foreign-subscriber' ? "a subscriber of another principal" : "another principal's session";
}

function key(a: string, b: string): string {
  return `${a}\u0000${b}`;
}

class CancelChecker extends FrameChecker {
  /** Per connection and job: an authorized cancel sent while the job was live, and its ack. */
  private readonly liveCancels = new Map<string, { cancelIndex: number; ackIndex: number | undefined }>();
  /** Per session and job: the first foreign cancel it sent. */
  private readonly foreignCancels = new Map<string, { index: number; authority: Foreign }>();
  /** Per session and job: a job.cancelled answering an authorized cancel, before any terminal. */
  private readonly acksBeforeTerminal = new Map<string, number>();

  constructor(context: CheckerContext) {
    super('cancel', REQUIREMENTS, context);
  }

  protected onFrame(facts: FrameFacts): void {
    const { entry, wire, conn, session, job } = facts;
    if (wire === undefined || session === undefined || job === undefined) return;
    if (entry.dir === 'out') {
      if (wire.type !== 'job.cancel') return;
      const authority = facts.cancelAuthority;
      if (isForeign(authority)) {
        if (!this.foreignCancels.has(key(session.id, job.id))) this.foreignCancels.set(key(session.id, job.id), { index: entry.index, authority });
      } else if ((authority === 'owner' || authority === 'same-principal') && job.firstTerminal === undefined) {
        if (!this.liveCancels.has(key(conn.id, job.id))) this.liveCancels.set(key(conn.id, job.id), { cancelIndex: entry.index, ackIndex: undefined });
      }
      return;
    }
    if (wire.type === 'job.cancelled') this.onAck(facts);
    else if (facts.fresh && isTerminalFrame(wire) && facts.priorTerminal === undefined) this.onTerminal(facts);
  }

  private onAck(facts: FrameFacts): void {
    const { entry, conn, session, job } = facts;
    if (session === undefined || job === undefined) return;
    const live = this.liveCancels.get(key(conn.id, job.id));
    // An acknowledgement counts only before the job's terminal in that session.
    if (live !== undefined && !session.terminals.has(job.id)) live.ackIndex ??= entry.index;
    const authorizedBefore = job.cancels.firstAuthorizedIndex !== undefined || job.cancels.firstUnknownIndex !== undefined;
    const foreign = this.foreignCancels.get(key(session.id, job.id));
    if (foreign !== undefined && !authorizedBefore) {
      this.log.add(
        foreignId(foreign.authority),
        `job.cancelled for job ${job.id} on ${conn.id} acknowledged the cancel sent by ${whoIs(foreign.authority)} (session ${session.id}), which has no authority to cancel it.`,
        [foreign.index, entry.index],
      );
      return;
    }
    if (live !== undefined && !session.terminals.has(job.id) && !this.acksBeforeTerminal.has(key(session.id, job.id))) {
      this.acksBeforeTerminal.set(key(session.id, job.id), entry.index);
    }
  }

  private onTerminal(facts: FrameFacts): void {
    const { entry, wire, conn, session, job } = facts;
    if (wire === undefined || session === undefined || job === undefined) return;
    const cancelled = isCancelledTerminal(wire);
    const what = `${describeFrame(wire)} at seq ${wire.seq}`;

    // The job's first terminal anywhere, ending it cancelled, when only foreign cancels came before.
    const cancels = job.cancels;
    if (cancelled && job.firstTerminal?.index === entry.index && cancels.firstForeign !== undefined) {
      const foreign = cancels.firstForeign;
      if (cancels.firstAuthorizedIndex === undefined && cancels.firstUnknownIndex === undefined && isForeign(foreign.authority)) {
        this.log.add(
          foreignId(foreign.authority),
          `Job ${job.id} ended cancelled (${what} in session ${session.id}) although its only cancels came from ${whoIs(foreign.authority)} (session ${foreign.session}).`,
          [foreign.index, entry.index],
        );
      }
    }

    const ack = this.acksBeforeTerminal.get(key(session.id, job.id));
    const cancelIndex = cancels.firstAuthorizedIndex;
    if (ack !== undefined && !cancelled) {
      this.log.add(
        'CANCEL-002',
        `Job ${job.id} was acknowledged cancelled in session ${session.id} (job.cancelled before its terminal) but ended with ${what}.`,
        [ack, entry.index],
      );
    } else if (cancelIndex !== undefined && cancelIndex < entry.index && isCancelledResult(wire)) {
      this.log.add(
        'CANCEL-002',
        `Job ${job.id} was cancelled and ended cancelled, but with ${what} in session ${session.id}: a cancelled job ends with job.error CANCELLED.`,
        [cancelIndex, entry.index],
      );
    }

    const live = this.liveCancels.get(key(conn.id, job.id));
    if (live !== undefined && cancelled && live.ackIndex === undefined) {
      this.unacknowledged.push({ jobId: job.id, conn: conn.id, cancelIndex: live.cancelIndex, terminalIndex: entry.index, what });
    }
  }

  /**
   * Judged at the end: DESIGN §5 wants one job.cancelled per job, so when two connections
   * cancel at once the server may acknowledge whichever arrives first and refuse the other;
   * the transcript's cross-connection order cannot say which that was.
   */
  private readonly unacknowledged: { jobId: string; conn: string; cancelIndex: number; terminalIndex: number; what: string }[] = [];

  protected override onFinish(): void {
    for (const u of this.unacknowledged) {
      const acknowledgedElsewhere = [...this.liveCancels.entries()].some(
        ([k, v]) => k.endsWith(`\u0000${u.jobId}`) && v.ackIndex !== undefined,
      );
      if (acknowledgedElsewhere) continue;
      this.log.add(
        'CANCEL-001',
        `Job ${u.jobId}, cancelled while live on ${u.conn}, ended with ${u.what} there without a job.cancelled acknowledgement before it.`,
        [u.cancelIndex, u.terminalIndex],
      );
    }
  }
}

export const cancelChecker: CheckerFactory = {
  name: 'cancel',
  requirements: REQUIREMENTS,
  create: (context) => new CancelChecker(context),
};
