import { describe, expect, it } from 'vitest';
import { markerChecker } from './marker-checker.ts';
import { checkTranscript } from './monitor.ts';
import { findings } from './testing/assertions.ts';
import { logScript, parallelScript, resumeBelowReceived, subscriberOutlivesOwner, twoJobsInterleaved } from './testing/good-transcripts.ts';
import { transcript } from './testing/transcript-builder.ts';

const check = (entries: Parameters<typeof checkTranscript>[0]) => checkTranscript(entries, undefined, { complete: true });

describe('marker checker (SEQ-003, EVT-003, SUB-005)', () => {
  it('accepts interleaved branches, replays after a resume, and a subscriber joining mid-job', () => {
    for (const good of [twoJobsInterleaved, resumeBelowReceived, subscriberOutlivesOwner]) {
      expect(checkTranscript(good(), [markerChecker])).toEqual([]);
    }
  });

  it('reports a marked event lost without a seq gap (EVT-003)', () => {
    const t = transcript();
    const c1 = t.session('c1', 's1');
    c1.submit(logScript(3));
    c1.accepted('j1');
    const before = c1.event('j1', { marker: ['0', 0] });
    const after = c1.event('j1', { marker: ['0', 2] });
    const result = c1.result('j1');
    const v = check(t.build());
    expect(findings(v)).toEqual([{ requirement: 'EVT-003', witnesses: [before, after] }]);
    expect(v[0]?.message).toBe('branch 0 of job j1 in session s1 never received marked event 1: the branch went on to event 2.');
    expect(result).toBeGreaterThan(after);
  });

  it('reports a branch whose events arrive out of order (SEQ-003)', () => {
    const t = transcript();
    const c1 = t.session('c1', 's1');
    c1.submit(parallelScript(1, 3));
    c1.accepted('j1');
    c1.event('j1', { marker: ['0.1', 0] });
    c1.event('j1', { marker: ['0.0', 0] });
    const ahead = c1.event('j1', { marker: ['0.1', 2] });
    const behind = c1.event('j1', { marker: ['0.1', 1] });
    c1.result('j1');
    const v = check(t.build());
    expect(findings(v)).toEqual([{ requirement: 'SEQ-003', witnesses: [ahead, behind] }]);
    expect(v[0]?.message).toBe('Marked event 1 of branch 0.1 of job j1 in session s1 arrived after later event 2 of the same branch.');
  });

  it('reports a success that ends before every branch reached its count (EVT-003)', () => {
    const t = transcript();
    const c1 = t.session('c1', 's1');
    c1.submit(parallelScript(2, 1));
    const accepted = c1.accepted('j1');
    c1.event('j1', { marker: ['0.0', 0] });
    const last = c1.event('j1', { marker: ['0.0', 1] });
    const result = c1.result('j1');
    const v = check(t.build());
    expect(findings(v)).toEqual([{ requirement: 'EVT-003', witnesses: [accepted, result] }]);
    expect(v[0]?.message).toBe('Job j1 ended with job.result success in session s1 after 0 marked events of branch 0.1; its script emits exactly 1.');
    expect(last).toBeLessThan(result);
  });

  it('does not count the events of a job.result that says cancelled as lost: that terminal is judged on its own', () => {
    const t = transcript();
    const c1 = t.session('c1', 's1');
    c1.submit(parallelScript(2, 3));
    c1.accepted('j1');
    c1.event('j1', { marker: ['0.0', 0] });
    const cancel = c1.cancel('j1');
    const result = c1.result('j1', { payload: { final_status: 'cancelled' } });
    // One observation, one verdict: the terminal's form (CANCEL-002), not EVT-003 lost events.
    expect(findings(check(t.build()))).toEqual([{ requirement: 'CANCEL-002', witnesses: [cancel, result] }]);
  });

  it('reports an event delivered twice under two seqs (EVT-003)', () => {
    const t = transcript();
    const c1 = t.session('c1', 's1');
    c1.submit(logScript(2));
    c1.accepted('j1');
    c1.event('j1', { marker: ['0', 0] });
    const once = c1.event('j1', { marker: ['0', 1] });
    const twice = c1.event('j1', { marker: ['0', 1] });
    c1.result('j1');
    expect(findings(check(t.build()))).toEqual([{ requirement: 'EVT-003', witnesses: [once, twice] }]);
  });

  it("reports an event missing from a subscriber's view (SUB-005)", () => {
    const t = transcript();
    const { c1, c2 } = t.ownerAndSubscriber(logScript(3));
    for (let i = 0; i < 3; i++) c1.event('j1', { marker: ['0', i] });
    const before = c2.event('j1', { marker: ['0', 0] });
    const after = c2.event('j1', { marker: ['0', 2] });
    c1.result('j1');
    c2.result('j1');
    expect(findings(check(t.build()))).toEqual([{ requirement: 'SUB-005', witnesses: [before, after] }]);
  });
});
