// Invariant: per-branch order and no lost events, proved from the conformance agent's
// markers (DESIGN §4): within one session's view of a job, each branch's marker.i arrives as
// 0, 1, 2, ... with no gap and no repeat, counting each seq once (replays after a resume are
// not counted again). The submitting session sees the job from its start, so its branches
// must start at 0 and, when the job succeeds, reach the counts the submitted script implies
// (spec/agent-script.ts summarizeExpectedMarkers). A subscriber may join mid-job: its view of
// a branch starts wherever it starts, then must be contiguous.
//
// A gap is held open until the transcript ends: if the missing events turn up later they
// arrived out of order (SEQ-003); if they never do they were lost (EVT-003, or SUB-005 in a
// subscriber's view). A repeat of a marker already delivered is a lost "exactly once".
import { type ExpectedMarkers, parseAgentScript, summarizeExpectedMarkers } from '../../spec/agent-script.ts';
import type { FrameFacts, JobState, SessionState } from './session-tracker.ts';
import { FrameChecker } from './frame-checker.ts';
import type { CheckerContext, CheckerFactory } from './types.ts';
import { isTerminalFrame, markerOf } from './wire.ts';

const REQUIREMENTS = ['SEQ-003', 'EVT-003', 'SUB-005'] as const;

/** Open gaps remembered per branch; beyond this the oldest is reported lost at once. */
const MAX_OPEN_GAPS = 8;

interface Gap {
  from: number;
  to: number;
  /** The event before the gap (or the job.accepted) and the one after it. */
  readonly beforeIndex: number | undefined;
  readonly afterIndex: number;
}

interface Branch {
  next: number;
  lastIndex: number | undefined;
  readonly gaps: Gap[];
}

interface JobView {
  readonly session: SessionState;
  readonly job: JobState;
  /** The submitting session's view: starts at 0 and is held to the script's counts. */
  readonly strict: boolean;
  readonly branches: Map<string, Branch>;
  /** The session has the job's terminal. */
  settled: boolean;
}

class MarkerChecker extends FrameChecker {
  private readonly views = new Map<string, JobView>();
  /** The view of the previous frame: most frames belong to the same session and job. */
  private lastView: JobView | undefined;
  private readonly expected = new Map<string, ExpectedMarkers>();

  constructor(context: CheckerContext) {
    super('marker', REQUIREMENTS, context);
  }

  protected onFrame(facts: FrameFacts): void {
    const { entry, wire, session, job } = facts;
    if (wire === undefined || entry.dir !== 'in' || session === undefined || job === undefined) return;
    if (wire.type === 'job.accepted' && facts.answers !== undefined && job.owners[0] === session.id && !this.expected.has(job.id)) {
      const parsed = parseAgentScript(facts.answers.input);
      if (parsed.ok) this.expected.set(job.id, summarizeExpectedMarkers(parsed.script));
      return;
    }
    if (!facts.fresh) return;
    if (isTerminalFrame(wire) && facts.priorTerminal === undefined) {
      // Only a success owes every marked event; a job.result that says otherwise (cancelled,
      // timed_out) is judged by the terminal's own requirements, not as lost events.
      if (wire.type === 'job.result' && (wire.payload.final_status ?? 'success') === 'success') this.checkCounts(facts);
      this.settle(this.view(session, job));
      return;
    }
    const marker = markerOf(wire);
    if (marker === undefined) return;
    const view = this.view(session, job);
    let branch = view.branches.get(marker.branch);
    if (branch === undefined) {
      // After the terminal only open gaps matter; anything else is terminal-checker.ts's LIFE-002.
      if (view.settled) return;
      branch = { next: view.strict ? 0 : marker.i, lastIndex: view.strict ? job.acceptedIndex : undefined, gaps: [] };
      view.branches.set(marker.branch, branch);
    }
    const i = marker.i;
    if (i < branch.next) {
      this.late(view, marker.branch, branch, i, entry.index);
      return;
    }
    if (i > branch.next) this.openGap(view, marker.branch, branch, { from: branch.next, to: i - 1, beforeIndex: branch.lastIndex, afterIndex: entry.index });
    branch.next = i + 1;
    branch.lastIndex = entry.index;
  }

  protected override onFinish(): void {
    for (const view of this.views.values()) {
      for (const [name, branch] of view.branches) for (const gap of branch.gaps) this.lost(view, name, gap);
    }
  }

  /** At the session's terminal for the job: keep only branches with open gaps (bounded memory). */
  private settle(view: JobView): void {
    view.settled = true;
    for (const [name, branch] of view.branches) if (branch.gaps.length === 0) view.branches.delete(name);
    if (view.strict) this.expected.delete(view.job.id);
  }

  private view(session: SessionState, job: JobState): JobView {
    const last = this.lastView;
    if (last !== undefined && last.session === session && last.job === job) return last;
    const key = `${session.id}\u0000${job.id}`;
    let view = this.views.get(key);
    if (view === undefined) {
      view = { session, job, strict: job.owners[0] === session.id, branches: new Map(), settled: false };
      this.views.set(key, view);
    }
    this.lastView = view;
    return view;
  }

  private where(view: JobView, branch: string): string {
    return `branch ${branch} of job ${view.job.id} in ${this.tracker.describeSession(view.session)}`;
  }

  private openGap(view: JobView, name: string, branch: Branch, gap: Gap): void {
    branch.gaps.push(gap);
    if (branch.gaps.length > MAX_OPEN_GAPS) {
      const oldest = branch.gaps.shift();
      if (oldest !== undefined) this.lost(view, name, oldest);
    }
  }

  /** A marker below the branch's next: either a gap filling late, or a repeat. */
  private late(view: JobView, name: string, branch: Branch, i: number, index: number): void {
    const at = branch.gaps.findIndex((g) => g.from <= i && i <= g.to);
    const gap = branch.gaps[at];
    if (gap === undefined) {
      this.log.add(
        view.strict ? 'EVT-003' : 'SUB-005',
        `Marked event ${i} of ${this.where(view, name)} was delivered again under a new event_seq, after event ${branch.next - 1}.`,
        [branch.lastIndex, index],
      );
      return;
    }
    this.log.add('SEQ-003', `Marked event ${i} of ${this.where(view, name)} arrived after later event ${gap.to + 1} of the same branch.`, [gap.afterIndex, index]);
    // Shrink or split the gap around i.
    const pieces: Gap[] = [];
    if (gap.from < i) pieces.push({ ...gap, to: i - 1 });
    if (i < gap.to) pieces.push({ ...gap, from: i + 1 });
    branch.gaps.splice(at, 1, ...pieces);
  }

  private lost(view: JobView, name: string, gap: Gap): void {
    const events = gap.from === gap.to ? `marked event ${gap.from}` : `marked events ${gap.from}..${gap.to}`;
    this.log.add(
      view.strict ? 'EVT-003' : 'SUB-005',
      `${this.where(view, name)} never received ${events}: the branch went on to event ${gap.to + 1}.`,
      [gap.beforeIndex, gap.afterIndex],
    );
  }

  private checkCounts(facts: FrameFacts): void {
    const { entry, session, job } = facts;
    if (session === undefined || job === undefined) return;
    const expected = this.expected.get(job.id);
    if (expected === undefined || job.owners[0] !== session.id) return;
    const view = this.view(session, job);
    const names = new Set([...Object.keys(expected.branches), ...view.branches.keys()]);
    for (const name of names) {
      const want = expected.branches[name] ?? 0;
      const branch = view.branches.get(name);
      const got = branch?.next ?? 0;
      const short = expected.exact ? got !== want : got > want;
      if (!short) continue;
      this.log.add(
        'EVT-003',
        `Job ${job.id} ended with job.result success in ${this.tracker.describeSession(session)} after ${got} marked events of branch ${name}; its script emits ${
          expected.exact ? 'exactly' : 'at most'
        } ${want}.`,
        [branch?.lastIndex ?? job.acceptedIndex, entry.index],
      );
    }
  }
}

export const markerChecker: CheckerFactory = {
  name: 'marker',
  requirements: REQUIREMENTS,
  create: (context) => new MarkerChecker(context),
};
