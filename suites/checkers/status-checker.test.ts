import { describe, expect, it } from 'vitest';
import { checkTranscript } from './monitor.ts';
import { statusChecker } from './status-checker.ts';
import { findings } from './testing/assertions.ts';
import { cancelLosesRace, listingAroundTerminal } from './testing/good-transcripts.ts';
import { transcript } from './testing/transcript-builder.ts';

const check = (entries: Parameters<typeof checkTranscript>[0]) => checkTranscript(entries, undefined, { complete: true });

describe('status checker (LIFE-004, CANCEL-004)', () => {
  it('accepts a listing asked before the terminal that still says running', () => {
    expect(checkTranscript(listingAroundTerminal(), [statusChecker])).toEqual([]);
    expect(checkTranscript(cancelLosesRace(), [statusChecker])).toEqual([]);
  });

  it('reports a listing asked after the terminal that says running (LIFE-004)', () => {
    const t = transcript();
    const c1 = t.session('c1', 's1');
    c1.submit();
    c1.accepted('j1');
    const terminal = c1.result('j1');
    const request = c1.listJobs('L1');
    const listing = c1.jobs('L1', [{ job_id: 'j1', status: 'running' }]);
    const v = check(t.build());
    expect(findings(v)).toEqual([{ requirement: 'LIFE-004', witnesses: [terminal, request, listing] }]);
    expect(v[0]?.message).toBe('Job j1 was success (its terminal job.result at seq 1 in session s1) but session.jobs in session s1 reports "running".');
  });

  it('reports a subscriber told another terminal status than the terminal frame said (LIFE-004)', () => {
    const t = transcript();
    const c1 = t.session('c1', 's1', 'alice');
    const c2 = t.session('c2', 's2', 'alice');
    c1.submit();
    c1.accepted('j1');
    const terminal = c1.jobError('j1', 'TIMEOUT', 'timed_out');
    const request = c2.subscribe('j1');
    const subscribed = c2.subscribed('j1', 'error');
    expect(findings(check(t.build()))).toEqual([{ requirement: 'LIFE-004', witnesses: [terminal, request, subscribed] }]);
  });

  it('reports two sessions whose terminals disagree on the final status (LIFE-004)', () => {
    const t = transcript();
    const { c1, c2 } = t.ownerAndSubscriber();
    const owner = c1.result('j1');
    const watcher = c2.jobError('j1', 'INTERNAL_ERROR', 'error', { retryable: true });
    expect(findings(check(t.build()))).toEqual([{ requirement: 'LIFE-004', witnesses: [owner, watcher] }]);
  });

  it('names a new cancelled terminal after a cancel of the finished job CANCEL-004, and a listing saying so LIFE-004', () => {
    const t = transcript();
    const { c1, c2 } = t.ownerAndSubscriber();
    const owner = c1.result('j1');
    const cancel = c1.cancel('j1');
    const request = c1.listJobs('L1');
    const listing = c1.jobs('L1', [{ job_id: 'j1', status: 'cancelled' }]);
    const watcher = c2.jobError('j1', 'CANCELLED', 'cancelled');
    expect(findings(checkTranscript(t.build(), [statusChecker]))).toEqual([
      { requirement: 'LIFE-004', witnesses: [owner, request, listing] },
      { requirement: 'CANCEL-004', witnesses: [owner, cancel, watcher] },
    ]);
  });
});
