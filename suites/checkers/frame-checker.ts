// The common shape of a checker: it reads the tracker's facts for each frame, records into a
// capped ViolationLog, and may judge what is still open when the transcript ends.
import type { ConnectionEntry, TranscriptEntry } from '../harness/transcript-types.ts';
import type { FrameFacts, SessionTracker } from './session-tracker.ts';
import type { CheckerContext, FinishOptions, HistoryChecker, Violation } from './types.ts';
import { ViolationLog } from './violation-log.ts';

export abstract class FrameChecker implements HistoryChecker {
  protected readonly tracker: SessionTracker;
  protected readonly log: ViolationLog;
  private result: Violation[] | undefined;

  constructor(name: string, requirements: readonly string[], context: CheckerContext) {
    this.tracker = context.tracker;
    this.log = new ViolationLog(name, requirements, context.maxViolationsPerRequirement, context.onViolation);
  }

  observe(entry: TranscriptEntry): void {
    if (this.result !== undefined) throw new Error('observe() after finish(): a monitor judges one transcript');
    if (entry.kind === 'frame') this.onFrame(this.tracker.facts(entry));
    else this.onConnection(entry);
  }

  finish(options: FinishOptions = {}): Violation[] {
    if (this.result === undefined) {
      this.onFinish(options);
      this.result = this.log.violations();
    }
    return this.result;
  }

  protected abstract onFrame(facts: FrameFacts): void;

  protected onConnection(_entry: ConnectionEntry): void {}

  protected onFinish(_options: FinishOptions): void {}
}
