import { describe, expect, it } from 'vitest';
import { errorPayloadChecker } from './error-payload-checker.ts';
import { checkTranscript } from './monitor.ts';
import { findings } from './testing/assertions.ts';
import { pinnedErrors } from './testing/good-transcripts.ts';
import { transcript } from './testing/transcript-builder.ts';

const check = (entries: Parameters<typeof checkTranscript>[0]) => checkTranscript(entries, [errorPayloadChecker]);

describe('error payload checker (ERR-002, ERR-003, ERR-004, ERR-005)', () => {
  it('accepts pinned retryable values, canonical session.error codes and agent codes on terminals', () => {
    expect(checkTranscript(pinnedErrors(), undefined, { complete: true })).toEqual([]);
  });

  it('reports LEASE_EXPIRED / BUDGET_EXHAUSTED marked retryable, in a terminal and in a tool_result (ERR-003)', () => {
    const t = transcript();
    const c1 = t.session('c1', 's1');
    c1.submit();
    c1.accepted('j1');
    const tool = c1.event('j1', { kind: 'tool_result', body: { call_id: 'k', error: { code: 'BUDGET_EXHAUSTED', message: 'x', retryable: true } } });
    const terminal = c1.jobError('j1', 'LEASE_EXPIRED', 'error', { retryable: true });
    const v = check(t.build());
    expect(findings(v)).toEqual([
      { requirement: 'ERR-003', witnesses: [tool] },
      { requirement: 'ERR-003', witnesses: [terminal] },
    ]);
    expect(v[1]?.message).toBe('job.error for job j1 on c1 carries LEASE_EXPIRED with retryable true; it must be false.');
  });

  it('reports INTERNAL_ERROR not marked retryable (ERR-004)', () => {
    const t = transcript();
    const c1 = t.session('c1', 's1');
    const error = c1.sessionError('INTERNAL_ERROR', false);
    expect(findings(check(t.build()))).toEqual([{ requirement: 'ERR-004', witnesses: [error] }]);
  });

  it('reports a non-canonical session.error code and request-rejecting job.error code (ERR-002)', () => {
    const t = transcript();
    const c1 = t.session('c1', 's1');
    const session = c1.sessionError('NOPE');
    const rejection = c1.recv('job.error', { code: 'BAD_THING', message: 'x', retryable: false });
    expect(findings(check(t.build()))).toEqual([
      { requirement: 'ERR-002', witnesses: [session] },
      { requirement: 'ERR-002', witnesses: [rejection] },
    ]);
  });

  it('reports a terminal whose code and final_status disagree (ERR-005)', () => {
    const t = transcript();
    const c1 = t.session('c1', 's1');
    c1.submit();
    c1.accepted('j1');
    const terminal = c1.jobError('j1', 'TIMEOUT', 'error');
    const v = check(t.build());
    expect(findings(v)).toEqual([{ requirement: 'ERR-005', witnesses: [terminal] }]);
    expect(v[0]?.message).toBe('job.error for job j1 on c1 pairs code TIMEOUT with final_status "error"; expected "timed_out".');
  });
});
