import { describe, expect, it } from 'vitest';
import type { WireFrame } from '../harness/frames.ts';
import { branchCountFinding, branchOrderFinding, branchViews, markerOf } from './branch-markers.ts';

let seq = 0;
const marked = (branch: string, i: number, job = 'j1'): WireFrame => ({
  type: 'job.event',
  job_id: job,
  event_seq: ++seq,
  payload: { kind: 'log', body: { level: 'info', message: 'x', marker: { branch, i } } },
});

describe('branch markers', () => {
  it('reads markers of job events only', () => {
    expect(markerOf(marked('0.1', 3))).toEqual({ branch: '0.1', i: 3 });
    expect(markerOf({ type: 'job.result', payload: { body: { marker: { branch: '0', i: 0 } } } })).toBeUndefined();
    expect(markerOf({ type: 'job.event', payload: { body: { marker: { branch: 0, i: 0 } } } })).toBeUndefined();
  });

  it('groups by branch for one job, in arrival order', () => {
    const views = branchViews([marked('0', 0), marked('0.0', 0), marked('0', 1, 'j2'), marked('0', 1)], 'j1');
    expect(views.get('0')?.markers).toEqual([0, 1]);
    expect(views.get('0.0')?.markers).toEqual([0]);
  });

  it('finds the first out-of-order marker and names the frame before it', () => {
    const views = branchViews([marked('0', 0), marked('0', 2), marked('0', 1)], 'j1');
    const finding = branchOrderFinding(views.get('0')!);
    expect(finding?.message).toMatch(/event 2 arrived before event 1/);
    expect(finding?.frames).toHaveLength(2);
    expect(branchOrderFinding(branchViews([marked('0', 0), marked('0', 1)], 'j1').get('0')!)).toBeUndefined();
  });

  it('reports a repeat as out of order', () => {
    const views = branchViews([marked('0', 0), marked('0', 1), marked('0', 1)], 'j1');
    expect(branchOrderFinding(views.get('0')!)?.message).toMatch(/after event 1 \(repeated or late\)/);
  });

  it('checks counts per branch against the script, including branches that never showed up', () => {
    const views = branchViews([marked('0', 0), marked('0.0', 0)], 'j1');
    expect(branchCountFinding(views, { '0': 1, '0.0': 1 })).toBeUndefined();
    expect(branchCountFinding(views, { '0': 1, '0.0': 1, '0.1': 2 })?.message).toMatch(/branch 0.1: 0 marked events/);
    expect(branchCountFinding(views, { '0': 2, '0.0': 1 })?.message).toMatch(/branch 0: 1 marked events/);
    const repeated = branchViews([marked('0', 0), marked('0', 0)], 'j1');
    expect(branchCountFinding(repeated, { '0': 2 })?.message).toMatch(/1 distinct/);
  });
});
