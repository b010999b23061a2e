import { describe, expect, it } from 'vitest';
import { verdictOf } from './record.ts';
import { failed, passed, sampleRecord, sampleTests } from './testing/sample-record.ts';

describe('verdictOf', () => {
  it('maps vitest states and meta verdicts to conformance verdicts', () => {
    expect(verdictOf({ state: 'passed', meta: { requirements: [], verdict: 'PASS' } })).toBe('PASS');
    expect(verdictOf({ state: 'passed', meta: { requirements: [], verdict: 'WARN' } })).toBe('WARN');
    expect(verdictOf({ state: 'failed', meta: { requirements: [], verdict: 'FAIL' } })).toBe('FAIL');
    // A test judged PASS that then threw (e.g. "declared but never judged") is a FAIL.
    expect(verdictOf({ state: 'failed', meta: { requirements: [], verdict: 'PASS' } })).toBe('FAIL');
    expect(verdictOf({ state: 'failed', meta: { requirements: [], verdict: 'UNTESTABLE' } })).toBe('UNTESTABLE');
    expect(verdictOf({ state: 'failed', meta: { requirements: [], verdict: 'WARN' } })).toBe('WARN');
    expect(verdictOf({ state: 'skipped', meta: { requirements: [], verdict: 'NA' } })).toBe('NA');
    expect(verdictOf({ state: 'skipped', meta: { requirements: [], verdict: 'UNTESTABLE' } })).toBe('UNTESTABLE');
    expect(verdictOf({ state: 'skipped', skipNote: 'N/A: no subscribe' })).toBe('NA');
    expect(verdictOf({ state: 'failed' })).toBe('FAIL');
    expect(verdictOf({ state: 'passed' })).toBe('PASS');
  });

  it('gives no verdict to a plain skip or an unfinished test', () => {
    expect(verdictOf({ state: 'skipped' })).toBeUndefined();
    expect(verdictOf({ state: 'pending', meta: { requirements: ['SEQ-001'] } })).toBeUndefined();
  });
});

describe('buildRecord', () => {
  it('records every test with its verdict and fails the run on FAIL and UNTESTABLE', () => {
    const record = sampleRecord();
    expect(record.version).toBe(1);
    expect(record.tests.map((t) => [t.title, t.verdict, t.blocking])).toEqual([
      ['seq is strictly +1 [SEQ-001]', 'PASS', false],
      ['one terminal per job [CANCEL-001]', 'FAIL', true],
      ['close is answered [CLOSE-001]', 'WARN', false],
      ['heartbeat [HB-001]', 'NA', false],
      ['needs the agent [LIFE-001]', 'UNTESTABLE', true],
    ]);
    expect(record.totals.tests).toEqual({ PASS: 1, FAIL: 1, WARN: 1, NA: 1, UNTESTABLE: 1, total: 5 });
    expect(record.exit).toEqual({ code: 1, reason: '2 failing tests: 1 FAIL, 1 UNTESTABLE' });
  });

  it('places each test in time: when it started after the run started (none for a test that never started)', () => {
    const start = Date.parse('2025-01-01T00:00:00Z');
    const record = sampleRecord({ tests: [{ ...passed('suites/a.suite.ts', 'a [SEQ-001]', ['SEQ-001']), startedAt: start + 1234.4 }, passed('suites/b.suite.ts', 'b [SEQ-001]', ['SEQ-001'])] });
    expect(record.tests.map((t) => t.startedAfterMs)).toEqual([1234, undefined]);
  });

  it('keeps key, detail, evidence and replay of a failure', () => {
    const failure = sampleRecord().tests.find((t) => t.verdict === 'FAIL');
    expect(failure?.key).toBe('suites/cancel.suite.ts > one terminal per job [CANCEL-001]');
    expect(failure?.detail).toMatch(/^CANCEL-001: second terminal/);
    expect(failure?.failingRequirements).toEqual(['CANCEL-001']);
    expect(failure?.evidence?.entries).toHaveLength(10);
    expect(failure?.evidence?.witnesses).toEqual([5, 6]);
    expect(failure?.replay?.seed).toBe(42);
  });

  it('gives each requirement the worst verdict of its tests, and lists the uncovered ones apart', () => {
    const record = sampleRecord({
      tests: [
        ...sampleTests(),
        passed('suites/other.suite.ts', 'seq again [SEQ-001]', ['SEQ-001']),
        { ...passed('suites/other.suite.ts', 'seq n/a [SEQ-001]', ['SEQ-001']), state: 'skipped', meta: { requirements: ['SEQ-001'], verdict: 'NA' } },
      ],
    });
    const verdicts = Object.fromEntries(record.requirements.map((r) => [r.id, r.verdict]));
    expect(verdicts).toEqual({ 'SEQ-001': 'PASS', 'CANCEL-001': 'FAIL', 'CLOSE-001': 'WARN', 'HB-001': 'NA', 'LIFE-001': 'UNTESTABLE' });
    expect(record.notCovered).toEqual(['SEQ-002', 'CANCEL-002', 'ENV-001']);
    expect(record.requirements.find((r) => r.id === 'SEQ-001')?.tests).toHaveLength(3);
  });

  it('counts requirements per area in catalogue order', () => {
    const record = sampleRecord();
    expect(record.areas.map((a) => [a.area, a.counts.PASS, a.counts.FAIL, a.counts.WARN, a.counts.NA, a.counts.UNTESTABLE])).toEqual([
      ['HB', 0, 0, 0, 1, 0],
      ['CLOSE', 0, 0, 1, 0, 0],
      ['LIFE', 0, 0, 0, 0, 1],
      ['CANCEL', 0, 1, 0, 0, 0],
      ['SEQ', 1, 0, 0, 0, 0],
    ]);
  });

  it('lets UNTESTABLE pass with allowUntestable and WARN fail with strict', () => {
    const tests = sampleTests().filter((t) => !t.title.startsWith('one terminal'));
    expect(sampleRecord({ tests, settings: { allowUntestable: true } }).exit.code).toBe(0);
    const strict = sampleRecord({ tests, settings: { allowUntestable: true, strict: true } });
    expect(strict.exit).toEqual({ code: 1, reason: '1 failing test: 1 WARN (--strict)' });
    expect(strict.tests.find((t) => t.verdict === 'WARN')?.failingRequirements).toEqual(['CLOSE-001']);
  });

  it('blames every declared id when a test fails outside a check (timeout, closed socket)', () => {
    const record = sampleRecord({
      tests: [
        {
          file: 'suites/x.suite.ts',
          title: 'two ids [SEQ-001, SEQ-002]',
          state: 'failed',
          meta: { requirements: ['SEQ-001', 'SEQ-002'], outcomes: [{ id: 'SEQ-001', verdict: 'PASS' }] },
          errors: ['HarnessError: no job.result within 5000 ms'],
          durationMs: 5000,
        },
      ],
    });
    const [test] = record.tests;
    expect(test?.verdict).toBe('FAIL');
    expect(test?.detail).toBe('HarnessError: no job.result within 5000 ms');
    expect(test?.failingRequirements).toEqual(['SEQ-001', 'SEQ-002']);
    // A test that stopped with a harness error concluded nothing: no id of it stays PASS,
    // neither in the requirement table nor in the test's own outcomes (issue 11 cause 9).
    expect(record.requirements.map((r) => [r.id, r.verdict])).toEqual([
      ['SEQ-001', 'FAIL'],
      ['SEQ-002', 'FAIL'],
    ]);
    expect(test?.outcomes).toEqual([
      { id: 'SEQ-001', verdict: 'FAIL', detail: 'not concluded: the test stopped with HarnessError: no job.result within 5000 ms' },
      { id: 'SEQ-002', verdict: 'FAIL', detail: 'not concluded: the test stopped with HarnessError: no job.result within 5000 ms' },
    ]);
  });

  it('blames a SHOULD a stopped test did not conclude with a WARN, never a FAIL (every FAIL rests on a MUST)', () => {
    const stopped = (title: string, requirements: string[], verdict: 'FAIL' | 'WARN') => ({
      file: 'suites/x.suite.ts',
      title,
      state: 'failed' as const,
      meta: { requirements, verdict },
      errors: ['HarnessError: timed out after 5000 ms waiting for session.closed'],
      durationMs: 5000,
    });
    const record = sampleRecord({ tests: [stopped('mixed [SEQ-001, CLOSE-001]', ['SEQ-001', 'CLOSE-001'], 'FAIL')] });
    expect(record.tests[0]?.outcomes.map((o) => [o.id, o.verdict])).toEqual([['SEQ-001', 'FAIL'], ['CLOSE-001', 'WARN']]);
    expect(record.requirements.map((r) => [r.id, r.verdict])).toEqual([['SEQ-001', 'FAIL'], ['CLOSE-001', 'WARN']]);

    // Judging only a SHOULD, the stopped test is a WARN (conformance-test.ts stopVerdict): the run passes.
    const shouldOnly = sampleRecord({ tests: [stopped('close [CLOSE-001]', ['CLOSE-001'], 'WARN')] });
    expect(shouldOnly.tests[0]?.verdict).toBe('WARN');
    expect(shouldOnly.tests[0]?.outcomes).toEqual([
      { id: 'CLOSE-001', verdict: 'WARN', detail: 'not concluded: the test stopped with HarnessError: timed out after 5000 ms waiting for session.closed' },
    ]);
    expect(shouldOnly.requirements.map((r) => [r.id, r.verdict])).toEqual([['CLOSE-001', 'WARN']]);
    expect(shouldOnly.exit.code).toBe(0);
  });

  it('says nothing about ids a failed test never reached after a failing check', () => {
    const test = failed('suites/x.suite.ts', 'stops early [SEQ-001, SEQ-002]', 'SEQ-001', 'gap');
    const record = sampleRecord({ tests: [{ ...test, meta: { ...test.meta!, requirements: ['SEQ-001', 'SEQ-002'] } }] });
    expect(record.requirements.map((r) => r.id)).toEqual(['SEQ-001']);
    expect(record.notCovered).toContain('SEQ-002');
  });

  it('turns suite load errors into blocking results and ignores plain skips', () => {
    const record = sampleRecord({
      tests: [{ file: 'suites/a.suite.ts', title: 'todo', state: 'skipped', errors: [], durationMs: 0 }],
      problems: [{ origin: 'load-error', file: 'suites/b.suite.ts', message: 'Error: Unknown requirement id "SEQ-999"\n    at x' }],
    });
    expect(record.tests).toHaveLength(1);
    expect(record.tests[0]).toMatchObject({ origin: 'load-error', verdict: 'FAIL', blocking: true, detail: 'Error: Unknown requirement id "SEQ-999"' });
    expect(record.exit.code).toBe(1);
  });

  it('fails an interrupted run even when everything that finished passed', () => {
    const tests = [passed('suites/seq.suite.ts', 'ok [SEQ-001]', ['SEQ-001'])];
    expect(sampleRecord({ tests }).exit.code).toBe(0);
    const hung = { file: 'suites/slow.suite.ts', title: 'hangs [SEQ-002]', state: 'pending' as const, meta: { requirements: ['SEQ-002'] }, errors: [], durationMs: 0 };
    const record = sampleRecord({ tests: [...tests, hung], interrupted: 'the run exceeded --run-timeout 1000 ms' });
    expect(record.interrupted).toBe('the run exceeded --run-timeout 1000 ms');
    expect(record.unfinished).toEqual(['suites/slow.suite.ts > hangs [SEQ-002]']);
    expect(record.tests).toHaveLength(1);
    expect(record.exit).toEqual({ code: 1, reason: 'run interrupted: the run exceeded --run-timeout 1000 ms' });
  });

  it('fails a merge that lacks a shard even when every merged test passed', () => {
    const tests = [passed('suites/seq.suite.ts', 'ok [SEQ-001]', ['SEQ-001'])];
    const whole = sampleRecord({ tests, merged: { shards: ['1/2', '2/2'], missing: [] } });
    expect(whole.exit).toEqual({ code: 0, reason: 'no failing tests' });
    const partial = sampleRecord({ tests, merged: { shards: ['1/3'], missing: ['2/3', '3/3'] } });
    expect(partial.merged).toEqual({ shards: ['1/3'], missing: ['2/3', '3/3'] });
    expect(partial.exit).toEqual({ code: 1, reason: 'incomplete merge: shards 2/3, 3/3 missing' });
  });

  it('passes test texts through the redactor', () => {
    const record = sampleRecord({ redact: (t) => t.replaceAll('second terminal', '[redacted]') });
    const failure = record.tests.find((t) => t.verdict === 'FAIL');
    expect(failure?.detail).toMatch(/^CANCEL-001: \[redacted\]/);
    expect(failure?.outcomes[0]?.detail).toMatch(/^\[redacted\]/);
    expect(failure?.message).not.toContain('second terminal');
  });

  it('reports an empty run as passing with "no tests ran"', () => {
    expect(sampleRecord({ tests: [] }).exit).toEqual({ code: 0, reason: 'no tests ran' });
  });
});
