import { describe, expect, it } from 'vitest';
import type { CollectedTest } from './record.ts';
import { FRAME_STILL_ARRIVING } from '../suites/harness/errors.ts';
import { judgeTooSlow, SlowServerWatch, type TooSlow } from './slow-server.ts';

const TIMEOUT = 'HarnessError: while judging JOB-001: timed out after 5000 ms on c1 waiting for job.accepted or a rejection for job.submit';

describe('SlowServerWatch', () => {
  it('judges the server too slow after a streak of tests that failed only on a wait, once, with the bound that held for every reply', () => {
    const findings: TooSlow[] = [];
    const watch = new SlowServerWatch((f) => findings.push(f), 3);
    watch.observe('failed', [TIMEOUT.replace('5000', '9000')]);
    watch.observe('failed', [TIMEOUT]);
    expect(findings).toEqual([]);
    watch.observe('failed', [TIMEOUT.replace('5000', '7000')]);
    expect(findings).toEqual([
      { overMsPerReply: 5000, evidence: 'in 3 tests in a row', reason: 'too slow: over 5000 ms per reply (no answer within the wait bound, --timeout, in 3 tests in a row)' },
    ]);
    watch.observe('failed', [TIMEOUT]);
    expect(findings).toHaveLength(1);
  });

  it('starts over on a test that passed or failed for another reason; skipped tests do not count', () => {
    const findings: TooSlow[] = [];
    const watch = new SlowServerWatch((f) => findings.push(f), 2);
    watch.observe('failed', [TIMEOUT.replace('5000', '1000')]);
    watch.observe('passed', []);
    watch.observe('failed', [TIMEOUT]);
    watch.observe('failed', ['SEQ-001 (MUST): event_seq went from 3 to 3', TIMEOUT]);
    watch.observe('failed', [TIMEOUT]);
    watch.observe('skipped', []);
    expect(findings).toEqual([]);
    watch.observe('failed', [TIMEOUT]);
    // The 1000 ms wait before the pass is not part of the streak.
    expect(findings.map((f) => f.overMsPerReply)).toEqual([5000]);
  });

  it('judges it too slow sooner when waits ran out on replies seen arriving, whatever passed in between', () => {
    const findings: TooSlow[] = [];
    const watch = new SlowServerWatch((f) => findings.push(f), 8, 3);
    const arriving = (ms: number) => `${TIMEOUT.replace('5000', String(ms))}; since the wait began nothing arrived; ${FRAME_STILL_ARRIVING} (the server sends slower than the wait bound)`;
    watch.observe('failed', [arriving(6000)]);
    watch.observe('passed', []);
    watch.observe('failed', [TIMEOUT]);
    watch.observe('failed', ['SEQ-001 (MUST): event_seq went from 3 to 3']);
    // A real failure beside the wait: not a test that found only slowness.
    watch.observe('failed', ['SEQ-001 (MUST): event_seq went from 3 to 3', arriving(1000)]);
    watch.observe('failed', [arriving(7000)]);
    expect(findings).toEqual([]);
    watch.observe('passed', []);
    watch.observe('failed', [TIMEOUT, arriving(6500)]);
    expect(findings).toEqual([
      {
        overMsPerReply: 5000,
        evidence: 'in 3 tests, each with a reply still arriving when its wait ran out',
        reason: 'too slow: over 5000 ms per reply (no answer within the wait bound, --timeout, in 3 tests, each with a reply still arriving when its wait ran out)',
      },
    ]);
    watch.observe('failed', [arriving(5000)]);
    expect(findings).toHaveLength(1);
  });
});

describe('judgeTooSlow', () => {
  const finding: TooSlow = { overMsPerReply: 5000, evidence: 'in 8 tests in a row', reason: 'too slow: over 5000 ms per reply' };
  const base = { file: 'suites/jobs/jobs.suite.ts', durationMs: 1 } as const;
  const fromTitle = (t: CollectedTest): string[] => /\[(.*)\]$/.exec(t.title)?.[1]?.split(', ') ?? [];

  it('makes the waits that ran out and the tests the stop cut short UNTESTABLE for every id, never PASS or FAIL', () => {
    const tests: CollectedTest[] = [
      { ...base, title: 'timed out [JOB-001, JOB-002]', state: 'failed', errors: [TIMEOUT], meta: { requirements: ['JOB-001', 'JOB-002'], verdict: 'FAIL', outcomes: [{ id: 'JOB-002', verdict: 'PASS' }] } },
      { ...base, title: 'never started [LIFE-003]', state: 'pending', errors: [] },
      { ...base, title: 'cut by the cancel [LIFE-001]', state: 'skipped', errors: [] },
      // The cancel ended its wait with a harness error, which set the stop's verdict (FAIL)
      // before vitest marked it skipped: a verdict a skip never carries, so the stop cut it.
      { ...base, title: 'cut while its wait ended [CLOSE-002]', state: 'skipped', errors: [], meta: { requirements: ['CLOSE-002'], verdict: 'FAIL' } },
    ];
    const judged = judgeTooSlow(tests, finding, fromTitle);
    for (const t of judged) {
      expect(t.state).toBe('failed');
      expect(t.meta?.verdict).toBe('UNTESTABLE');
      for (const o of t.meta?.outcomes ?? []) {
        expect(o.verdict).toBe('UNTESTABLE');
        expect(o.detail).toMatch(/^not judged: the server is too slow to test \(no reply within 5000 ms in 8 tests in a row/);
      }
    }
    expect(judged.map((t) => t.meta?.outcomes?.map((o) => o.id))).toEqual([['JOB-001', 'JOB-002'], ['LIFE-003'], ['LIFE-001'], ['CLOSE-002']]);
    expect(judged[0]?.errors).toEqual([TIMEOUT]);
    expect(judged[1]?.errors[0]).toMatch(/^UNTESTABLE: not judged/);
  });

  it('shows a test the stop cut short the frames of the last test whose wait ran out, and says whose they are', () => {
    const evidence = { transcript: [], witnesses: [3] };
    const ownEvidence = { transcript: [], witnesses: [1] };
    const tests: CollectedTest[] = [
      { ...base, title: 'first wait [JOB-001]', state: 'failed', errors: [TIMEOUT], meta: { requirements: ['JOB-001'], verdict: 'FAIL', evidence: ownEvidence } },
      { ...base, title: 'last wait [JOB-002]', state: 'failed', errors: [TIMEOUT], meta: { requirements: ['JOB-002'], verdict: 'FAIL', evidence } },
      { ...base, title: 'never started [LIFE-003]', state: 'pending', errors: [] },
    ];
    const [first, last, cut] = judgeTooSlow(tests, finding, fromTitle);
    expect(cut?.meta?.evidence).toBe(evidence);
    expect(cut?.meta?.notes).toEqual([`the frames shown are those of "last wait [JOB-002]" (suites/jobs/jobs.suite.ts), a test whose wait ran out before the run stopped`]);
    // A test with frames of its own keeps them.
    expect(first?.meta?.evidence).toBe(ownEvidence);
    expect(last?.meta?.notes).toBeUndefined();
  });

  it('leaves what a test judged itself: a pass, a failed check, an N/A, a WARN before the wait, a test with no ids', () => {
    const warned: CollectedTest = { ...base, title: 'warned then waited [JOB-004, JOB-005]', state: 'failed', errors: [TIMEOUT], meta: { requirements: ['JOB-004', 'JOB-005'], verdict: 'FAIL', outcomes: [{ id: 'JOB-004', verdict: 'WARN', detail: 'no trace_id' }] } };
    const tests: CollectedTest[] = [
      { ...base, title: 'passed [JOB-001]', state: 'passed', errors: [], meta: { requirements: ['JOB-001'], verdict: 'PASS', outcomes: [{ id: 'JOB-001', verdict: 'PASS' }] } },
      { ...base, title: 'broke a MUST [SEQ-001]', state: 'failed', errors: ['SEQ-001 (MUST): went back', TIMEOUT], meta: { requirements: ['SEQ-001'], verdict: 'FAIL', outcomes: [{ id: 'SEQ-001', verdict: 'FAIL' }] } },
      { ...base, title: 'n/a [HB-001]', state: 'skipped', skipNote: 'N/A: no heartbeat', errors: [], meta: { requirements: ['HB-001'], verdict: 'NA' } },
      { ...base, title: 'replaying a fixture that leaves no wire symptom', state: 'skipped', errors: [] },
    ];
    expect(judgeTooSlow(tests, finding, fromTitle)).toEqual(tests);
    const [after] = judgeTooSlow([warned], finding, fromTitle);
    expect(after?.meta?.outcomes?.map((o) => `${o.id} ${o.verdict}`)).toEqual(['JOB-004 WARN', 'JOB-005 UNTESTABLE']);
  });
});
