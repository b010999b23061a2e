// The rejection rule as the checkers read it (harness/job-holdings.ts, DESIGN §5): a job.error
// naming a job its session does not hold answers a request; one naming a held job is that
// job's terminal, so "one terminal per job" applies to it.
import { describe, expect, it } from 'vitest';
import { checkTranscript } from './monitor.ts';
import { findings } from './testing/assertions.ts';
import { transcript } from './testing/transcript-builder.ts';

const check = (entries: Parameters<typeof checkTranscript>[0]) => checkTranscript(entries, undefined, { complete: true });

describe('the rejection rule in the checkers', () => {
  it('reads a job.error carrying a fresh job_id and no event_seq, answering a submit, as a rejection', () => {
    const t = transcript();
    const c1 = t.session('c1', 's1');
    c1.submit({ steps: [{ op: 'finish' }] }, { agent: 'no-such-agent' });
    c1.recv('job.error', { code: 'AGENT_NOT_AVAILABLE', message: 'unknown agent', retryable: false }, { job_id: 'job_fresh' });
    c1.submit();
    c1.accepted('j1');
    c1.result('j1', { seq: 1 });
    expect(check(t.build())).toEqual([]);
  });

  it("reads a foreign cancel's job.error naming the target as the intruder's rejection, not the job's terminal", () => {
    const t = transcript();
    const owner = t.session('c1', 's1', 'alice');
    owner.submit();
    owner.accepted('j1');
    const intruder = t.session('c2', 's2', 'bob');
    intruder.cancel('j1');
    intruder.recv('job.error', { code: 'PERMISSION_DENIED', message: 'not yours', retryable: false }, { job_id: 'j1' });
    owner.event('j1');
    owner.result('j1');
    expect(check(t.build())).toEqual([]);
  });

  it('still reads a DUPLICATE_KEY naming a job the session holds, after its job.result, as a second terminal (LIFE-001)', () => {
    const t = transcript();
    const c1 = t.session('c1', 's1');
    c1.submit({ steps: [{ op: 'finish' }] }, { idempotency_key: 'k' });
    c1.accepted('j1');
    const first = c1.result('j1');
    c1.submit({ steps: [{ op: 'emit', kind: 'log' }, { op: 'finish' }] }, { idempotency_key: 'k' });
    const second = c1.jobError('j1', 'DUPLICATE_KEY', undefined);
    expect(findings(check(t.build())).filter((f) => f.requirement === 'LIFE-001')).toEqual([{ requirement: 'LIFE-001', witnesses: [first, second] }]);
  });
});

describe('one observation, one verdict: a terminal under a reused seq', () => {
  it('counts a subscriber\'s terminal that reuses a seq as delivered (SEQ-002 judges the seq, not LIFE-001)', () => {
    const t = transcript();
    const { c1, c2 } = t.ownerAndSubscriber({ steps: [{ op: 'emit', kind: 'log' }, { op: 'finish' }] });
    // The subscriber's own job takes seq 1 and 2 on its session first.
    c2.submit();
    c2.accepted('j2');
    c2.event('j2', { seq: 1 });
    c2.result('j2', { seq: 2 });
    c1.event('j1', { seq: 1 });
    c1.result('j1', { seq: 2 });
    // The forwarded frames restart at 1: a per-subscription counter, not the session's sequence.
    c2.event('j1', { seq: 1 });
    c2.result('j1', { seq: 2 });
    const ids = new Set(findings(check(t.build())).map((f) => f.requirement));
    expect(ids.has('SEQ-002') || ids.has('SEQ-001')).toBe(true);
    expect(ids.has('LIFE-001')).toBe(false);
  });
});
