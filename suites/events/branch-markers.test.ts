import { describe, expect, it } from 'vitest';
import type { WireFrame } from '../harness/frames.ts';
import { branchViews, markerOf } from './branch-markers.ts';

let seq = 0;
const marked = (branch: string, i: number, job = 'j1'): WireFrame => ({
  type: 'job.event',
  job_id: job,
  event_seq: ++seq,
  payload: { kind: 'log', body: { level: 'info', message: 'x', marker: { branch, i } } },
});

describe('branch markers', () => {
  it('reads well-formed markers of job events only', () => {
    expect(markerOf(marked('0.1', 3))).toEqual({ branch: '0.1', i: 3 });
    expect(markerOf({ type: 'job.result', payload: { body: { marker: { branch: '0', i: 0 } } } })).toBeUndefined();
    expect(markerOf({ type: 'job.event', payload: { body: { marker: { branch: 0, i: 0 } } } })).toBeUndefined();
    expect(markerOf({ type: 'job.event', payload: { body: { marker: { branch: '0', i: -1 } } } })).toBeUndefined();
  });

  it('groups by branch for one job, in arrival order', () => {
    seq = 0;
    const views = branchViews([marked('0', 0), marked('0.0', 0), marked('0', 1, 'j2'), marked('0', 2), marked('0', 1)], 'j1');
    expect(views.get('0')?.markers).toEqual([0, 2, 1]);
    expect(views.get('0.0')?.markers).toEqual([0]);
    expect(views.get('0')?.frames.map((f) => f.event_seq)).toEqual([1, 4, 5]);
  });
});
