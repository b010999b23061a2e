import { describe, expect, it } from 'vitest';
import { checkTranscript } from './monitor.ts';
import { terminalChecker } from './terminal-checker.ts';
import { findings } from './testing/assertions.ts';
import { duplicateCancel, logScript, resumeBelowReceived, waitCancelScript } from './testing/good-transcripts.ts';
import { transcript } from './testing/transcript-builder.ts';

const check = (entries: Parameters<typeof checkTranscript>[0]) => checkTranscript(entries, undefined, { complete: true });

describe('terminal checker (LIFE-001, LIFE-002, LIFE-003, CANCEL-003, CANCEL-004)', () => {
  it('counts a replayed terminal as the same terminal', () => {
    const t = transcript();
    const c1 = t.session('c1', 's1');
    c1.submit(logScript(1));
    c1.accepted('j1');
    c1.event('j1', { marker: ['0', 0] });
    c1.result('j1');
    c1.drop();
    const c2 = t.open('c2');
    c2.resume('s1', 0);
    c2.welcome('s1');
    c2.event('j1', { marker: ['0', 0] });
    c2.result('j1'); // seq 2 again: a replay, not a second terminal
    expect(check(t.build())).toEqual([]);
    expect(checkTranscript(resumeBelowReceived(), [terminalChecker])).toEqual([]);
    expect(checkTranscript(duplicateCancel(), [terminalChecker])).toEqual([]);
  });

  it('reports a second terminal under a new seq (LIFE-001)', () => {
    const t = transcript();
    const c1 = t.session('c1', 's1');
    c1.submit();
    c1.accepted('j1');
    const first = c1.result('j1');
    const second = c1.jobError('j1', 'INTERNAL_ERROR', 'error', { retryable: true });
    const v = check(t.build());
    expect(findings(v)).toEqual([{ requirement: 'LIFE-001', witnesses: [first, second] }]);
    expect(v[0]?.message).toBe('Job j1 got a second terminal job.error INTERNAL_ERROR at seq 2 in session s1 after job.result (success) at seq 1.');
  });

  it('reports an event after the terminal in seq order (LIFE-002)', () => {
    const t = transcript();
    const c1 = t.session('c1', 's1');
    c1.submit();
    c1.accepted('j1');
    const terminal = c1.result('j1');
    const late = c1.event('j1');
    const v = check(t.build());
    expect(findings(v)).toEqual([{ requirement: 'LIFE-002', witnesses: [terminal, late] }]);
    expect(v[0]?.message).toBe('Job j1 got job.event log at seq 2 in session s1 after its terminal job.result (success) at seq 1.');
  });

  it('reports a terminal job.error without final_status (LIFE-003)', () => {
    const t = transcript();
    const c1 = t.session('c1', 's1');
    c1.submit();
    c1.accepted('j1');
    const terminal = c1.jobError('j1', 'x-agent.failed', undefined);
    expect(findings(check(t.build()))).toEqual([{ requirement: 'LIFE-003', witnesses: [terminal] }]);
  });

  it('reports a cancel of a finished job that emits a second terminal and flips its status (audit: ruby-cancel-after-terminal)', () => {
    const t = transcript();
    const c1 = t.session('c1', 's1');
    c1.submit(logScript(1));
    c1.accepted('j1');
    c1.event('j1', { marker: ['0', 0] });
    const success = c1.result('j1');
    const cancel = c1.cancel('j1');
    c1.cancelled('j1');
    const flipped = c1.cancelledTerminal('j1');
    const list = c1.listJobs('L1');
    const listing = c1.jobs('L1', [{ job_id: 'j1', status: 'cancelled' }]);
    const v = check(t.build());
    // The new terminal is CANCEL-004 (MUST); the listing that reports the flip is a status
    // report, LIFE-004 (SHOULD: only examples define listings).
    expect(findings(v)).toEqual([
      { requirement: 'CANCEL-004', witnesses: [success, cancel, flipped] },
      { requirement: 'LIFE-004', witnesses: [success, list, listing] },
    ]);
    expect(v[0]?.message).toBe(
      'Job j1 was already terminal (job.result (success) at seq 2) when it was cancelled, yet got a second terminal job.error CANCELLED at seq 3 in session s1.',
    );
    expect(v[1]?.message).toBe(
      'Job j1 was success (its terminal job.result at seq 2 in session s1) but session.jobs in session s1 reports "cancelled" after a cancel of the already-terminal job.',
    );
  });

  it('reports two terminals after a repeated cancel (CANCEL-003)', () => {
    const t = transcript();
    const c1 = t.session('c1', 's1');
    c1.submit(waitCancelScript());
    c1.accepted('j1');
    c1.cancel('j1');
    c1.cancel('j1');
    c1.cancelled('j1');
    const first = c1.cancelledTerminal('j1');
    c1.cancelled('j1');
    const second = c1.cancelledTerminal('j1');
    expect(findings(check(t.build()))).toEqual([{ requirement: 'CANCEL-003', witnesses: [first, second] }]);
  });
});
