// Invariant: jobs outlive their connections (DESIGN §5, v1.1 §6.7, v1.0 §6.3). When the test
// declares the transcript complete (it waited for every job it started to end), every
// session still attached at the end that submitted or subscribed to a job must have its
// terminal. The finding is named after the disconnect it survived:
// - the session itself was dropped / closed and resumed: RESUME-004 / CLOSE-003;
// - the submitting session was dropped / closed and another session watches: LIFE-006 / CLOSE-002;
// - no disconnect at all: LIFE-001 (exactly one terminal, here: none).
// Sessions whose client cut their last connection are not expected to hear anything.
// Also, complete or not: a job that ends cancelled although its submitting principal never
// cancelled it, after its submitting session was dropped or closed, was killed by the
// disconnect (LIFE-006 / CLOSE-002).
import { isTerminalStatus } from '../../spec/primitives.ts';
import type { FrameFacts, JobState, SessionState } from './session-tracker.ts';
import { FrameChecker } from './frame-checker.ts';
import type { CheckerContext, CheckerFactory, FinishOptions } from './types.ts';
import { isCancelledTerminal } from './wire.ts';

const REQUIREMENTS = ['LIFE-001', 'LIFE-006', 'CLOSE-002', 'CLOSE-003', 'RESUME-004'] as const;

class LivenessChecker extends FrameChecker {
  constructor(context: CheckerContext) {
    super('liveness', REQUIREMENTS, context);
  }

  protected onFrame(facts: FrameFacts): void {
    const { entry, wire, job } = facts;
    if (wire === undefined || job === undefined || !facts.fresh || job.firstTerminal?.index !== entry.index) return;
    // Only cancels with (possible) authority count: another principal's cannot end the job.
    if (!isCancelledTerminal(wire) || job.cancels.firstAuthorizedIndex !== undefined || job.cancels.firstUnknownIndex !== undefined) return;
    const cut = this.ownerDisconnect(job);
    if (cut === undefined) return;
    this.log.add(
      cut.how === 'close' ? 'CLOSE-002' : 'LIFE-006',
      `Job ${job.id} ended cancelled (${wire.type} at seq ${wire.seq}) although its submitter never cancelled it, after its submitting session was ${
        cut.how === 'close' ? 'closed' : 'dropped'
      }.`,
      [job.acceptedIndex, cut.index, entry.index],
    );
  }

  /** The latest drop or close of a submitting session since the job was accepted. */
  private ownerDisconnect(job: JobState): SessionState['lastDisconnect'] {
    return job.owners
      .map((id) => this.tracker.session(id)?.lastDisconnect)
      .find((d) => d !== undefined && (job.acceptedIndex === undefined || d.index > job.acceptedIndex));
  }

  protected override onFinish(options: FinishOptions): void {
    if (!options.complete) return;
    for (const job of this.tracker.jobs()) {
      for (const session of this.observers(job)) {
        if (!this.tracker.isAttached(session) || session.terminals.has(job.id)) continue;
        this.missing(job, session);
      }
    }
  }

  private observers(job: JobState): SessionState[] {
    const ids = new Set(job.owners);
    for (const id of job.subscribers) {
      // Subscribing to a job that had already ended promises no terminal (history replay may or may not hold it).
      const subscription = this.tracker.session(id)?.subscriptions.get(job.id);
      if (subscription?.active && !(subscription.status !== undefined && isTerminalStatus(subscription.status))) ids.add(id);
    }
    return [...ids].map((id) => this.tracker.session(id)).filter((s): s is SessionState => s !== undefined);
  }

  private missing(job: JobState, session: SessionState): void {
    const since = job.owners.includes(session.id) ? job.acceptedIndex : session.subscriptions.get(job.id)?.index;
    const role = job.owners.includes(session.id) ? 'submitted' : 'subscribed to';
    const who = this.tracker.describeSession(session);
    const own = session.lastDisconnect;
    if (own !== undefined && (since === undefined || own.index > since)) {
      const resumeIndex = this.tracker.currentConnection(session)?.resume?.index;
      this.log.add(
        own.how === 'close' ? 'CLOSE-003' : 'RESUME-004',
        `Job ${job.id}, which ${who} ${role}, never delivered its terminal to the session after it was ${own.how === 'close' ? 'closed' : 'dropped'} and resumed.`,
        [since, own.index, resumeIndex],
      );
      return;
    }
    const owner = this.ownerDisconnect(job);
    if (owner !== undefined) {
      this.log.add(
        owner.how === 'close' ? 'CLOSE-002' : 'LIFE-006',
        `Job ${job.id} never reached a terminal in ${who} after its submitting session was ${owner.how === 'close' ? 'closed' : 'dropped'}.`,
        [job.acceptedIndex, owner.index],
      );
      return;
    }
    this.log.add('LIFE-001', `Job ${job.id}, which ${who} ${role}, never delivered a terminal to it although the transcript is complete.`, [since]);
  }
}

export const livenessChecker: CheckerFactory = {
  name: 'liveness',
  requirements: REQUIREMENTS,
  create: (context) => new LivenessChecker(context),
};
