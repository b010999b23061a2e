import { describe, expect, it } from 'vitest';
import { checkTranscript } from './monitor.ts';
import { sequenceChecker } from './sequence-checker.ts';
import { findings } from './testing/assertions.ts';
import { logScript, resumeBelowReceived, resumeWithReplay, subscriberOwnSeqSpace, twoJobsInterleaved } from './testing/good-transcripts.ts';
import { transcript } from './testing/transcript-builder.ts';

const check = (entries: Parameters<typeof checkTranscript>[0]) => checkTranscript(entries, undefined, { complete: true });

describe('sequence checker (SEQ-001, SEQ-002, SEQ-004, SEQ-007)', () => {
  it('accepts interleaved jobs, a subscriber in its own seq space, and resumes with replay', () => {
    for (const good of [twoJobsInterleaved, subscriberOwnSeqSpace, resumeWithReplay, resumeBelowReceived]) {
      expect(checkTranscript(good(), [sequenceChecker])).toEqual([]);
    }
  });

  it('reports a skipped seq with the previous frame and the one that skipped (SEQ-002)', () => {
    const t = transcript();
    const c1 = t.session('c1', 's1');
    c1.submit();
    c1.accepted('j1');
    const before = c1.event('j1');
    const after = c1.event('j1', { seq: 3 });
    c1.result('j1');
    const v = check(t.build());
    expect(findings(v)).toEqual([{ requirement: 'SEQ-002', witnesses: [before, after] }]);
    expect(v[0]?.message).toBe('job.event log for job j1 on c1 has event_seq 3 where session s1 was due 2.');
    expect(v[0]?.severity).toBe('MUST');
  });

  it('reports two swapped seqs under concurrent emitters (audit: csharp-event-seq-reorder)', () => {
    const t = transcript();
    const c1 = t.session('c1', 's1');
    c1.submit();
    c1.accepted('j1');
    c1.submit();
    c1.accepted('j2');
    const one = c1.event('j1', { seq: 1 });
    const three = c1.event('j2', { seq: 3 });
    const two = c1.event('j1', { seq: 2 });
    c1.result('j1', { seq: 4 });
    c1.result('j2', { seq: 5 });
    expect(findings(check(t.build()))).toEqual([
      { requirement: 'SEQ-002', witnesses: [one, three] },
      { requirement: 'SEQ-002', witnesses: [three, two] },
    ]);
  });

  it('reports a sequenced frame without event_seq (SEQ-001)', () => {
    const t = transcript();
    const c1 = t.session('c1', 's1');
    c1.submit();
    c1.accepted('j1');
    const bad = c1.recv('job.event', { kind: 'log', body: { level: 'info', message: 'x' } }, { job_id: 'j1' });
    c1.result('j1', { seq: 1 });
    const v = check(t.build());
    expect(findings(v)).toEqual([{ requirement: 'SEQ-001', witnesses: [bad] }]);
    expect(v[0]?.message).toContain('carries no event_seq');
  });

  it('reports a resume whose first frame is not last_event_seq + 1 (SEQ-004)', () => {
    const t = transcript();
    const c1 = t.session('c1', 's1');
    c1.submit(logScript(4));
    c1.accepted('j1');
    c1.event('j1', { marker: ['0', 0] });
    c1.event('j1', { marker: ['0', 1] });
    c1.drop();
    const c2 = t.open('c2');
    const resume = c2.resume('s1', 2);
    c2.welcome('s1');
    const first = c2.event('j1', { marker: ['0', 2], seq: 4 });
    c2.event('j1', { marker: ['0', 3] });
    c2.result('j1');
    const v = check(t.build());
    expect(findings(v)).toEqual([{ requirement: 'SEQ-004', witnesses: [resume, first] }]);
    expect(v[0]?.message).toBe("After resuming at last_event_seq 2 on c2, session s1's first sequenced frame (job.event log [0#2] for job j1) has event_seq 4; expected 3.");
  });

  it('leaves heartbeats out of the sequence: a seq they carry is not followed, one they consume is a gap (v1.1 §6.4)', () => {
    const t = transcript();
    const c1 = t.session('c1', 's1');
    c1.submit();
    c1.accepted('j1');
    c1.event('j1', { seq: 1 });
    // A pong stamped with a stale seq neither breaks the chain nor moves it.
    c1.recv('session.pong', { ping_nonce: 'a' }, { event_seq: 7 });
    const before = c1.event('j1', { seq: 2 });
    // A ping that took seq 3: the job frames around it skip a number.
    c1.recv('session.ping', { nonce: 'b' }, { event_seq: 3 });
    const after = c1.event('j1', { seq: 4 });
    c1.result('j1', { seq: 5 });
    expect(findings(checkTranscript(t.build(), [sequenceChecker]))).toEqual([{ requirement: 'SEQ-002', witnesses: [before, after] }]);
  });

  it('reports another frame that carries an event_seq outside the sequence (SEQ-007)', () => {
    const t = transcript();
    const c1 = t.session('c1', 's1');
    c1.submit();
    const first = c1.event('j0', { seq: 1 });
    const accepted = c1.accepted('j1');
    const jobs = c1.recv('session.jobs', { request_id: 'x', jobs: [] }, { event_seq: 1 });
    expect(findings(checkTranscript(t.build(), [sequenceChecker]))).toEqual([{ requirement: 'SEQ-007', witnesses: [first, jobs] }]);
    expect(accepted).toBeLessThan(jobs);
  });
});
