// The conformance agent's markers (spec/conformance-agent.md), grouped so a test can pick the
// event it emitted as marker {branch, i}. Reading only: per-branch order and completeness are
// judged by the marker history checker (suites/checkers/marker-checker.ts). Pure.
import { markerOf as wireMarkerOf, readWireFrame } from '../checkers/wire.ts';
import type { WireFrame } from '../harness/frames.ts';

export interface BranchView {
  readonly branch: string;
  /** marker.i in arrival order. */
  readonly markers: number[];
  readonly frames: WireFrame[];
}

/** The marker of an agent event, if it carries a well-formed one (the checkers' reading). */
export function markerOf(frame: WireFrame): { branch: string; i: number } | undefined {
  const wire = readWireFrame(frame);
  return wire === undefined ? undefined : wireMarkerOf(wire);
}

/**
 * One of the conformance agent's own events of `jobId`: a job.event carrying a marker. The
 * kit counts, orders and times the agent's events by these alone: a runtime may add
 * unmarked events of its own (a status before the agent starts, back-pressure status,
 * cost.budget.remaining; spec/conformance-agent.md), so sequenced frames are not a count.
 */
export function isAgentEvent(frame: WireFrame, jobId: string): boolean {
  return frame.type === 'job.event' && frame.job_id === jobId && markerOf(frame) !== undefined;
}

/** The marked events of `jobId` grouped by branch, each in arrival order. */
export function branchViews(frames: readonly WireFrame[], jobId: string): Map<string, BranchView> {
  const views = new Map<string, BranchView>();
  for (const frame of frames) {
    if (frame.job_id !== jobId) continue;
    const marker = markerOf(frame);
    if (marker === undefined) continue;
    let view = views.get(marker.branch);
    if (view === undefined) {
      view = { branch: marker.branch, markers: [], frames: [] };
      views.set(marker.branch, view);
    }
    view.markers.push(marker.i);
    view.frames.push(frame);
  }
  return views;
}
