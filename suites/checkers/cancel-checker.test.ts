import { describe, expect, it } from 'vitest';
import { cancelChecker } from './cancel-checker.ts';
import { checkTranscript } from './monitor.ts';
import { findings } from './testing/assertions.ts';
import { cancelLosesRace, duplicateCancel, logScript, waitCancelScript } from './testing/good-transcripts.ts';
import { type ConnBuilder, transcript, type TranscriptBuilder } from './testing/transcript-builder.ts';

const check = (entries: Parameters<typeof checkTranscript>[0]) => checkTranscript(entries, undefined, { complete: true });

/** alice submits j1 on c1 (session s1); `watcher` opens c2 (session s2) as the given principal. */
function ownerAndWatcher(watcher: string | undefined): { t: TranscriptBuilder; c1: ConnBuilder; c2: ConnBuilder } {
  const t = transcript();
  const c1 = t.session('c1', 's1', 'alice');
  const c2 = t.session('c2', 's2', watcher);
  c1.submit(waitCancelScript());
  c1.accepted('j1');
  return { t, c1, c2 };
}

describe('cancel checker (CANCEL-001, CANCEL-002, CANCEL-006, CANCEL-007)', () => {
  it('accepts a duplicate cancel with one terminal, and a cancel that loses the race to completion', () => {
    expect(check(duplicateCancel())).toEqual([]);
    expect(check(cancelLosesRace())).toEqual([]);
  });

  it('reports a job acknowledged cancelled that then succeeds (CANCEL-002)', () => {
    const t = transcript();
    const c1 = t.session('c1', 's1');
    c1.submit(logScript(1));
    c1.accepted('j1');
    c1.event('j1', { marker: ['0', 0] });
    c1.cancel('j1');
    const ack = c1.cancelled('j1');
    const success = c1.result('j1');
    const v = check(t.build());
    expect(findings(v)).toEqual([{ requirement: 'CANCEL-002', witnesses: [ack, success] }]);
    expect(v[0]?.message).toBe('Job j1 was acknowledged cancelled in session s1 (job.cancelled before its terminal) but ended with job.result at seq 2.');
  });

  it('reports a cancelled job that ends with job.result saying cancelled under CANCEL-002 alone, not also LIFE-003', () => {
    const t = transcript();
    const c1 = t.session('c1', 's1');
    c1.submit(waitCancelScript());
    c1.accepted('j1');
    const cancel = c1.cancel('j1');
    const result = c1.result('j1', { payload: { final_status: 'cancelled' } });
    const v = check(t.build());
    expect(findings(v)).toEqual([{ requirement: 'CANCEL-002', witnesses: [cancel, result] }]);
    expect(v[0]?.message).toBe('Job j1 was cancelled and ended cancelled, but with job.result at seq 1 in session s1: a cancelled job ends with job.error CANCELLED.');
  });

  it('reports a cancelled terminal with no job.cancelled before it (CANCEL-001)', () => {
    const t = transcript();
    const c1 = t.session('c1', 's1');
    c1.submit(waitCancelScript());
    c1.accepted('j1');
    const cancel = c1.cancel('j1');
    const terminal = c1.cancelledTerminal('j1');
    c1.cancelled('j1'); // too late
    expect(findings(check(t.build()))).toEqual([{ requirement: 'CANCEL-001', witnesses: [cancel, terminal] }]);
  });

  it("reports another principal's subscriber whose cancel was acknowledged and ended the job (CANCEL-007)", () => {
    const { t, c1, c2 } = ownerAndWatcher('bob'); // a deployment that lets bob watch alice's job
    c2.subscribe('j1');
    c2.subscribed('j1', 'running');
    const cancel = c2.cancel('j1');
    const ack = c2.cancelled('j1');
    const ownerView = c1.cancelledTerminal('j1');
    c2.cancelledTerminal('j1');
    const v = check(t.build());
    expect(findings(v)).toEqual([
      { requirement: 'CANCEL-007', witnesses: [cancel, ack] },
      { requirement: 'CANCEL-007', witnesses: [cancel, ownerView] },
    ]);
    expect(v[1]?.message).toBe(
      'Job j1 ended cancelled (job.error CANCELLED at seq 1 in session s1) although its only cancels came from a subscriber of another principal (session s2).',
    );
  });

  it("accepts a cancel from a subscriber session of the submitting principal (DESIGN §5 reads cancel authority by principal)", () => {
    const { t, c1, c2 } = ownerAndWatcher('alice');
    c2.subscribe('j1');
    c2.subscribed('j1', 'running');
    c2.cancel('j1');
    c2.cancelled('j1');
    c1.cancelledTerminal('j1');
    c2.cancelledTerminal('j1');
    expect(check(t.build())).toEqual([]);
  });

  it("reports another principal's cancel that ended the job (CANCEL-006)", () => {
    const { t, c1, c2 } = ownerAndWatcher('mallory');
    const cancel = c2.cancel('j1');
    c2.sessionError('PERMISSION_DENIED'); // said no...
    const terminal = c1.cancelledTerminal('j1'); // ...but cancelled it anyway
    expect(findings(check(t.build()))).toEqual([{ requirement: 'CANCEL-006', witnesses: [cancel, terminal] }]);
  });

  it('does not judge a foreign-looking cancel when principals are unknown', () => {
    const { t, c1, c2 } = ownerAndWatcher(undefined);
    c2.cancel('j1');
    c2.cancelled('j1');
    c1.cancelledTerminal('j1');
    expect(checkTranscript(t.build(), [cancelChecker])).toEqual([]);
  });

  it('accepts a cancel from the same principal in another session (DESIGN §5: the submitting principal may cancel)', () => {
    const { t, c1, c2 } = ownerAndWatcher('alice');
    c2.cancel('j1');
    c2.cancelled('j1');
    c1.cancelledTerminal('j1');
    expect(check(t.build())).toEqual([]);
  });

  it('accepts a foreign cancel when the owner also cancelled first', () => {
    const { t, c1, c2 } = ownerAndWatcher('mallory');
    c1.cancel('j1');
    c2.cancel('j1');
    c2.sessionError('PERMISSION_DENIED');
    c1.cancelled('j1');
    c1.cancelledTerminal('j1');
    expect(check(t.build())).toEqual([]);
  });
});
