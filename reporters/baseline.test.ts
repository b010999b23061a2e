import { describe, expect, it } from 'vitest';
import { type Baseline, baselineFromFailures, entryCovers, keyWithoutIds, parseBaseline } from './baseline.ts';
import { passed, sampleRecord, sampleTests } from './testing/sample-record.ts';

const CANCEL_KEY = 'suites/cancel.suite.ts > one terminal per job [CANCEL-001]';
const LIFE_KEY = 'suites/life.suite.ts > needs the agent [LIFE-001]';

describe('parseBaseline', () => {
  it('accepts entries naming a test, a requirement, or both', () => {
    const b = parseBaseline({ version: 1, entries: [{ test: 'a > b' }, { requirement: 'SEQ-001', reason: 'known' }, { test: 'a > b', requirement: 'SEQ-002' }] });
    expect(b.entries).toHaveLength(3);
  });

  it.each([
    [{ version: 2, entries: [] }, /^version: /],
    [{ version: 1, entries: [{ reason: 'x' }] }, /an entry needs "test" or "requirement"/],
    [{ version: 1, entries: [{ requirement: 'seq-1' }] }, /entries\.0\.requirement: must be a requirement id/],
    [{ version: 1, entries: [{ test: 'x', extra: 1 }] }, /entries\.0/],
    [[], /expected object/i],
  ])('rejects %j with a one-line message', (json, message) => {
    expect(() => parseBaseline(json)).toThrow(message);
    try {
      parseBaseline(json);
    } catch (error) {
      expect((error as Error).message).not.toContain('\n');
    }
  });
});

describe('matching', () => {
  const candidate = { key: CANCEL_KEY, failingRequirements: ['CANCEL-001'] };

  it('matches the test key with or without the [ids] suffix', () => {
    expect(keyWithoutIds(CANCEL_KEY)).toBe('suites/cancel.suite.ts > one terminal per job');
    expect(entryCovers({ test: CANCEL_KEY }, candidate)).toBe(true);
    expect(entryCovers({ test: 'suites/cancel.suite.ts > one terminal per job' }, candidate)).toBe(true);
    expect(entryCovers({ test: 'suites/cancel.suite.ts > another' }, candidate)).toBe(false);
  });

  it('matches a requirement only when the result fails on it', () => {
    expect(entryCovers({ requirement: 'CANCEL-001' }, candidate)).toBe(true);
    expect(entryCovers({ requirement: 'CANCEL-002' }, candidate)).toBe(false);
    expect(entryCovers({ test: CANCEL_KEY, requirement: 'CANCEL-002' }, candidate)).toBe(false);
  });
});

describe('a run with a baseline', () => {
  it('does not fail on baselined failures and reports them apart', () => {
    const baseline: Baseline = { version: 1, entries: [{ test: CANCEL_KEY, reason: 'vendor bug 12' }, { requirement: 'LIFE-001' }] };
    const record = sampleRecord({ baseline });
    expect(record.exit).toEqual({ code: 0, reason: 'no failing tests (2 baselined)' });
    expect(record.totals.baselined).toBe(2);
    expect(record.baseline?.baselined).toEqual([
      { test: CANCEL_KEY, entry: 0, reason: 'vendor bug 12' },
      { test: LIFE_KEY, entry: 1 },
    ]);
    const failure = record.tests.find((t) => t.key === CANCEL_KEY);
    expect(failure).toMatchObject({ verdict: 'FAIL', blocking: false, baselined: { entry: 0, reason: 'vendor bug 12' } });
    expect(record.requirements.find((r) => r.id === 'CANCEL-001')).toMatchObject({ verdict: 'FAIL', baselined: true });
    expect(record.baseline?.stale).toEqual([]);
  });

  it('still fails on a failure the baseline does not cover', () => {
    const record = sampleRecord({ baseline: { version: 1, entries: [{ test: CANCEL_KEY }] } });
    expect(record.exit.code).toBe(1);
    expect(record.tests.filter((t) => t.blocking).map((t) => t.key)).toEqual([LIFE_KEY]);
  });

  it('reports entries whose test or requirement now passes as stale, and unknown ones as unexercised', () => {
    const baseline: Baseline = {
      version: 1,
      entries: [
        { test: 'suites/seq.suite.ts > seq is strictly +1' }, // passes now
        { requirement: 'SEQ-001' }, // passes now
        { requirement: 'HB-001' }, // N/A: neither passing nor failing
        { test: 'suites/gone.suite.ts > removed test' }, // did not run
        { test: CANCEL_KEY }, // in use
        { requirement: 'LIFE-001' }, // in use
      ],
    };
    const record = sampleRecord({ baseline });
    expect(record.baseline?.stale.map((s) => s.entry)).toEqual([0, 1]);
    expect(record.baseline?.unexercised.map((s) => s.entry)).toEqual([2, 3]);
    expect(record.totals.stale).toBe(2);
    expect(record.exit.code).toBe(0);
  });

  it('does not call an entry stale when its requirement still fails elsewhere', () => {
    const tests = [...sampleTests(), passed('suites/cancel2.suite.ts', 'other cancel check [CANCEL-001]', ['CANCEL-001'])];
    const record = sampleRecord({ tests, baseline: { version: 1, entries: [{ test: CANCEL_KEY }, { test: LIFE_KEY }, { requirement: 'CANCEL-001' }] } });
    expect(record.baseline?.stale).toEqual([]);
  });

  it('writes a baseline that covers exactly the current failures', () => {
    const first = sampleRecord();
    const written = baselineFromFailures(first.tests.filter((t) => t.blocking));
    expect(written.entries).toEqual([
      { test: CANCEL_KEY, requirement: 'CANCEL-001', reason: first.tests[1]?.detail },
      { test: LIFE_KEY, requirement: 'LIFE-001', reason: 'no conformance agent' },
    ]);
    const second = sampleRecord({ baseline: parseBaseline(JSON.parse(JSON.stringify(written))) });
    expect(second.exit.code).toBe(0);
    expect(second.baseline?.stale).toEqual([]);
    expect(second.baseline?.unexercised).toEqual([]);
  });
});
