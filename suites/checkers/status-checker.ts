// Invariant: once a job is terminal its status never changes (v1.1 §7.3, §7.4, DESIGN §5).
// The first terminal status seen anywhere (a terminal frame, a session.jobs row or a
// job.subscribed current_status) is the job's; every later terminal frame in any session and
// every later listing or subscription must report the same. A non-terminal status is wrong
// only when its request was sent after the terminal status was already on record: a listing
// computed before the job ended may still say `running`. A new terminal frame saying
// `cancelled` after a cancel of the terminal job is a terminal that cancel emitted: CANCEL-004
// (MUST). A listing or job.subscribed saying so is a status report: LIFE-004 (SHOULD; only
// examples define those reports).
import { isTerminalStatus } from '../../spec/primitives.ts';
import type { FrameFacts } from './session-tracker.ts';
import { FrameChecker } from './frame-checker.ts';
import type { CheckerContext, CheckerFactory } from './types.ts';
import { isObject, isTerminalFrame, stringField, terminalStatusOf } from './wire.ts';

const REQUIREMENTS = ['LIFE-004', 'CANCEL-004'] as const;

interface KnownStatus {
  readonly status: string;
  readonly index: number;
  readonly source: string;
}

interface Report {
  readonly jobId: string;
  readonly status: string;
  readonly index: number;
  /** Where the request behind this report was sent, when it is a reply. */
  readonly requestIndex: number | undefined;
  readonly source: string;
  /** A terminal frame, rather than a listing row or a job.subscribed. */
  readonly terminal: boolean;
}

class StatusChecker extends FrameChecker {
  private readonly known = new Map<string, KnownStatus>();

  constructor(context: CheckerContext) {
    super('status', REQUIREMENTS, context);
  }

  protected onFrame(facts: FrameFacts): void {
    const { entry, wire, session } = facts;
    if (wire === undefined || entry.dir !== 'in') return;
    const where = session ? ` in ${this.tracker.describeSession(session)}` : ` on ${entry.conn}`;
    if (facts.fresh && facts.priorTerminal === undefined && isTerminalFrame(wire) && wire.jobId !== undefined) {
      const status = terminalStatusOf(wire);
      if (status !== undefined) {
        this.report({ jobId: wire.jobId, status, index: entry.index, requestIndex: undefined, source: `its terminal ${wire.type} at seq ${wire.seq}${where}`, terminal: true });
      }
    } else if (wire.type === 'session.jobs' && Array.isArray(wire.payload.jobs)) {
      for (const row of wire.payload.jobs) {
        const jobId = stringField(row, 'job_id');
        const status = stringField(row, 'status');
        if (!isObject(row) || jobId === undefined || status === undefined) continue;
        this.report({ jobId, status, index: entry.index, requestIndex: facts.requestIndex, source: `session.jobs${where}`, terminal: false });
      }
    } else if (wire.type === 'job.subscribed' && wire.jobId !== undefined) {
      const status = stringField(wire.payload, 'current_status');
      if (status !== undefined) {
        this.report({ jobId: wire.jobId, status, index: entry.index, requestIndex: facts.requestIndex, source: `job.subscribed${where}`, terminal: false });
      }
    }
  }

  private report(report: Report): void {
    const known = this.known.get(report.jobId);
    if (isTerminalStatus(report.status)) {
      if (known === undefined) {
        this.known.set(report.jobId, { status: report.status, index: report.index, source: report.source });
      } else if (known.status !== report.status) {
        this.changed(report, known);
      }
      return;
    }
    // Non-terminal: wrong only if asked for after the terminal status was on record.
    if (known !== undefined && report.requestIndex !== undefined && report.requestIndex > known.index) {
      this.changed(report, known);
    }
  }

  private changed(report: Report, known: KnownStatus): void {
    const cancels = this.tracker.job(report.jobId)?.cancels;
    const cancelAfterTerminal = cancels?.lastIndex !== undefined && cancels.lastIndex > known.index ? cancels.lastIndex : undefined;
    const text = `Job ${report.jobId} was ${known.status} (${known.source}) but ${report.source} reports "${report.status}"`;
    const afterCancel = report.status === 'cancelled' && cancelAfterTerminal !== undefined;
    if (report.terminal && afterCancel) {
      this.log.add('CANCEL-004', `${text} after a cancel of the already-terminal job.`, [known.index, cancelAfterTerminal, report.index]);
    } else {
      const why = afterCancel ? ' after a cancel of the already-terminal job' : '';
      this.log.add('LIFE-004', `${text}${why}.`, [known.index, report.requestIndex, report.index]);
    }
  }
}

export const statusChecker: CheckerFactory = {
  name: 'status',
  requirements: REQUIREMENTS,
  create: (context) => new StatusChecker(context),
};
