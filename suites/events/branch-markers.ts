// Per-branch order from the conformance agent's markers (spec/conformance-agent.md): every
// event the agent emits carries body.marker {branch, i}, and within one branch i counts
// 0, 1, 2, ... in the order the agent produced the events. A session that saw a job from
// its start must receive each branch's markers in exactly that order (v1.0 §8.3), each
// once (v1.0 §8.1). Pure.
import type { WireFrame } from '../harness/frames.ts';
import { payloadOf } from '../harness/frames.ts';

export interface BranchView {
  readonly branch: string;
  /** marker.i in arrival order. */
  readonly markers: number[];
  readonly frames: WireFrame[];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The marker of an agent event, if it carries a well-formed one. */
export function markerOf(frame: WireFrame): { branch: string; i: number } | undefined {
  if (frame.type !== 'job.event') return undefined;
  const body = payloadOf(frame).body;
  const marker = isObject(body) ? body.marker : undefined;
  if (!isObject(marker) || typeof marker.branch !== 'string' || !Number.isSafeInteger(marker.i)) return undefined;
  return { branch: marker.branch, i: marker.i as number };
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

export interface BranchFinding {
  readonly message: string;
  readonly frames: readonly WireFrame[];
}

/**
 * Order: the k-th marked event of the branch to arrive must be event k. Returns the first
 * place it is not, with the frame before it, so a swap names both events.
 */
export function branchOrderFinding(view: BranchView): BranchFinding | undefined {
  const k = view.markers.findIndex((i, position) => i !== position);
  if (k < 0) return undefined;
  const arrived = view.markers[k] as number;
  const frame = view.frames[k] as WireFrame;
  const before = k > 0 ? [view.frames[k - 1] as WireFrame] : [];
  const what = arrived > k ? `before event ${k}` : `after event ${String(view.markers[k - 1])} (repeated or late)`;
  return {
    message: `branch ${view.branch}: marked event ${arrived} arrived ${what}, at event_seq ${String(frame.event_seq)}; arrival order ${preview(view.markers)}`,
    frames: [...before, frame],
  };
}

/**
 * Completeness: a job that ran its script to the end delivers exactly `expected` marked
 * events per branch (spec/agent-script.ts summarizeExpectedMarkers), each once.
 */
export function branchCountFinding(views: ReadonlyMap<string, BranchView>, expected: Readonly<Record<string, number>>): BranchFinding | undefined {
  const names = new Set([...Object.keys(expected), ...views.keys()]);
  for (const name of [...names].sort()) {
    const want = expected[name] ?? 0;
    const view = views.get(name);
    const got = view?.markers.length ?? 0;
    const distinct = new Set(view?.markers ?? []).size;
    if (got !== want || distinct !== got) {
      return {
        message: `branch ${name}: ${got} marked events arrived (${distinct} distinct), the script emits exactly ${want}`,
        frames: view?.frames.slice(-1) ?? [],
      };
    }
  }
  return undefined;
}

function preview(markers: readonly number[]): string {
  const shown = markers.slice(0, 12).join(', ');
  return markers.length > 12 ? `${shown}, … (${markers.length} in all)` : shown;
}
