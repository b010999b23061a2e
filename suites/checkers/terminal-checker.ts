// Invariant: a job has at most one terminal per session, counting live delivery and every
// replay together, and nothing of the job's comes after it in seq order (DESIGN §5, v1.0
// §7.3). A replay re-delivering the terminal's own seq is the same terminal (the tracker's
// `fresh` is false), not a second one. A second terminal that follows a cancel is named
// after the cancel rule it breaks: a cancel of an already-terminal job (CANCEL-004), or a
// repeated cancel (CANCEL-003). Whether a job reaches its terminal at all is
// liveness-checker.ts's question.
import type { FrameFacts } from './session-tracker.ts';
import { FrameChecker } from './frame-checker.ts';
import type { CheckerContext, CheckerFactory } from './types.ts';
import { describeFrame, isCancelledResult, isCancelledTerminal, isTerminalFrame, shortJson, stringField } from './wire.ts';

const REQUIREMENTS = ['LIFE-001', 'LIFE-002', 'LIFE-003', 'CANCEL-003', 'CANCEL-004'] as const;

const JOB_ERROR_STATUSES: readonly string[] = ['error', 'cancelled', 'timed_out'];

class TerminalChecker extends FrameChecker {
  constructor(context: CheckerContext) {
    super('terminal', REQUIREMENTS, context);
  }

  protected onFrame(facts: FrameFacts): void {
    const { entry, wire, session, job } = facts;
    if (wire === undefined || !facts.fresh || session === undefined || job === undefined || wire.seq === undefined) return;
    const terminal = isTerminalFrame(wire);
    if (terminal) this.checkFinalStatus(facts);
    const prior = facts.priorTerminal;
    if (prior === undefined) return;
    const where = `in ${this.tracker.describeSession(session)}`;
    const first = `${prior.type}${prior.status ? ` (${prior.status})` : ''} at seq ${prior.seq}`;
    if (!terminal) {
      if (wire.seq > prior.seq) {
        this.log.add(
          'LIFE-002',
          `Job ${job.id} got ${describeFrame(wire)} at seq ${wire.seq} ${where} after its terminal ${first}.`,
          [prior.index, entry.index],
        );
      }
      return;
    }
    const second = `${describeFrame(wire)} at seq ${wire.seq}`;
    const cancels = job.cancels;
    const terminalBeforeCancel = job.firstTerminal !== undefined && cancels.lastIndex !== undefined && cancels.lastIndex > job.firstTerminal.index;
    if (terminalBeforeCancel && isCancelledTerminal(wire)) {
      this.log.add(
        'CANCEL-004',
        `Job ${job.id} was already terminal (${first}) when it was cancelled, yet got a second terminal ${second} ${where}.`,
        [prior.index, cancels.lastIndex, entry.index],
      );
    } else if (cancels.count >= 2) {
      this.log.add(
        'CANCEL-003',
        `Job ${job.id}, cancelled ${cancels.count} times, got a second terminal ${second} ${where} after ${first}.`,
        [prior.index, entry.index],
      );
    } else {
      this.log.add('LIFE-001', `Job ${job.id} got a second terminal ${second} ${where} after ${first}.`, [prior.index, entry.index]);
    }
  }

  private checkFinalStatus(facts: FrameFacts): void {
    const { entry, wire, job } = facts;
    if (wire === undefined || job === undefined) return;
    const status = wire.payload.final_status;
    // After an authorized cancel, a job.result saying cancelled is CANCEL-002's (cancel checker).
    const cancelIndex = job.cancels.firstAuthorizedIndex;
    if (cancelIndex !== undefined && cancelIndex < entry.index && isCancelledResult(wire)) return;
    const allowed = wire.type === 'job.result' ? ['success'] : JOB_ERROR_STATUSES;
    if (typeof status === 'string' && allowed.includes(status)) return;
    const shown = status === undefined ? 'no final_status' : `final_status ${shortJson(status)}`;
    const code = stringField(wire.payload, 'code');
    this.log.add(
      'LIFE-003',
      `The terminal ${wire.type}${code ? ` ${code}` : ''} of job ${job.id} carries ${shown}; expected ${allowed.map((s) => `"${s}"`).join(' or ')}.`,
      [entry.index],
    );
  }
}

export const terminalChecker: CheckerFactory = {
  name: 'terminal',
  requirements: REQUIREMENTS,
  create: (context) => new TerminalChecker(context),
};
