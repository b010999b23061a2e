import { describe, expect, it } from 'vitest';
import { listingChecker } from './listing-checker.ts';
import { checkTranscript } from './monitor.ts';
import { findings } from './testing/assertions.ts';
import { transcript } from './testing/transcript-builder.ts';

/** alice submits j1 on c1 (session s1); a second connection c2 (label null: no principal) is welcomed into s2. */
function aliceAndOther(otherLabel: string | null = 'principal:bob') {
  const t = transcript();
  const c1 = t.session('c1', 's1', 'alice');
  c1.submit();
  const accepted = c1.accepted('j1');
  const c2 = t.open('c2', otherLabel ?? undefined);
  c2.hello();
  c2.welcome('s2');
  return { t, c1, c2, accepted };
}

describe('listing checker (LIST-002)', () => {
  it('accepts listings that show each principal only its own jobs', () => {
    const { t, c1, c2 } = aliceAndOther();
    c2.submit();
    c2.accepted('j2');
    c1.listJobs('L1');
    c1.jobs('L1', [{ job_id: 'j1', status: 'running' }]);
    c2.listJobs('L2');
    c2.jobs('L2', [{ job_id: 'j2', status: 'running' }]);
    expect(checkTranscript(t.build(), [listingChecker], { complete: true })).toEqual([]);
  });

  it('accepts another session of the same principal listing the job', () => {
    const { t, c2 } = aliceAndOther('principal:alice');
    c2.listJobs('L1');
    c2.jobs('L1', [{ job_id: 'j1', status: 'running' }]);
    expect(checkTranscript(t.build(), [listingChecker])).toEqual([]);
  });

  it('reports a job of another principal in a listing, with its job.accepted and the listing as witnesses', () => {
    const { t, c2, accepted } = aliceAndOther();
    c2.listJobs('L1');
    const listing = c2.jobs('L1', [
      { job_id: 'j1', status: 'running' },
      { job_id: 'j1', status: 'running' }, // a repeated row is one leak
      { job_id: 'j-unknown', status: 'running' }, // never seen accepted: not judged
    ]);
    const v = checkTranscript(t.build(), [listingChecker]);
    expect(findings(v)).toEqual([{ requirement: 'LIST-002', witnesses: [accepted, listing] }]);
    expect(v[0]?.message).toBe('session.jobs listed job j1 to session s2 of principal bob, but the job was submitted by alice.');
  });

  it('stays silent when either principal is unknown, and judges once an explicit map names them', () => {
    const { t, c2, accepted } = aliceAndOther(null);
    c2.listJobs('L1');
    const listing = c2.jobs('L1', [{ job_id: 'j1', status: 'running' }]);
    const entries = t.build();
    expect(checkTranscript(entries, [listingChecker])).toEqual([]);
    expect(findings(checkTranscript(entries, [listingChecker], { principals: { s2: 'bob' } }))).toEqual([
      { requirement: 'LIST-002', witnesses: [accepted, listing] },
    ]);

    // The submitter unknown: the job's owner cannot be told, so nothing is judged.
    const u = transcript();
    const owner = u.session('c1', 's1');
    owner.submit();
    owner.accepted('j1');
    const other = u.session('c2', 's2', 'bob');
    other.listJobs('L1');
    other.jobs('L1', [{ job_id: 'j1', status: 'running' }]);
    expect(checkTranscript(u.build(), [listingChecker])).toEqual([]);
  });

  it('ignores the listing request itself and malformed listings', () => {
    const { t, c2 } = aliceAndOther();
    c2.listJobs('L1');
    t.frame('c2', 'in', { arcp: '1.1', id: 'x1', type: 'session.jobs', session_id: 's2', payload: { request_id: 'L1', jobs: 'j1' } });
    expect(checkTranscript(t.build(), [listingChecker])).toEqual([]);
  });
});
