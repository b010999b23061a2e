// Invariant: a disconnect never ends a job (v1.1 §6.4, §6.7, v1.0 §1.2). The liveness checker
// catches a job that never ends after its submitter left; this one catches a job that ends
// for the wrong reason: its first terminal, anywhere, says CANCELLED although nobody sent a
// job.cancel for it, after its submitting session was closed (CLOSE-002) or dropped
// (LIFE-006). Without a preceding disconnect it names no rule (it cannot tell why).
//
// It lives with the property suites because the checkers in suites/checkers/ do not judge
// this yet; it belongs there (same tracker, same log), and should move when they do.
import { FrameChecker } from './frame-checker.ts';
import type { FrameFacts } from './session-tracker.ts';
import type { CheckerContext, CheckerFactory } from './types.ts';
import { describeFrame, isCancelledTerminal, isTerminalFrame } from './wire.ts';

const REQUIREMENTS = ['CLOSE-002', 'LIFE-006'] as const;

class OutcomeChecker extends FrameChecker {
  constructor(context: CheckerContext) {
    super('outcome', REQUIREMENTS, context);
  }

  protected onFrame(facts: FrameFacts): void {
    const { entry, wire, job } = facts;
    if (wire === undefined || job === undefined || !facts.fresh || facts.priorTerminal !== undefined) return;
    if (!isTerminalFrame(wire) || !isCancelledTerminal(wire) || job.firstTerminal?.index !== entry.index) return;
    if (job.cancels.count > 0) return;
    const submitter = job.owners[0] === undefined ? undefined : this.tracker.session(job.owners[0]);
    const cut = submitter?.lastDisconnect;
    if (submitter === undefined || cut === undefined || (job.acceptedIndex !== undefined && cut.index < job.acceptedIndex)) return;
    const how = cut.how === 'close' ? 'closed' : 'dropped';
    this.log.add(
      cut.how === 'close' ? 'CLOSE-002' : 'LIFE-006',
      `Job ${job.id} ended with ${describeFrame(wire)} at seq ${String(wire.seq)} although nobody cancelled it, after its submitting ${this.tracker.describeSession(submitter)} was ${how}.`,
      [job.acceptedIndex, cut.index, entry.index],
    );
  }
}

export const outcomeChecker: CheckerFactory = {
  name: 'outcome',
  requirements: REQUIREMENTS,
  create: (context) => new OutcomeChecker(context),
};
