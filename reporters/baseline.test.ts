import { describe, expect, it } from 'vitest';
import { type Baseline, baselineFromFailures, coveringEntries, keyWithoutIds, parseBaseline } from './baseline.ts';
import type { CollectedTest } from './record.ts';
import { failed, passed, sampleRecord, sampleTests } from './testing/sample-record.ts';

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
  const covering = (entries: Baseline['entries'], c = candidate) => coveringEntries({ version: 1, entries }, c);

  it('matches the test key with or without the [ids] suffix', () => {
    expect(keyWithoutIds(CANCEL_KEY)).toBe('suites/cancel.suite.ts > one terminal per job');
    expect(covering([{ test: CANCEL_KEY }])).toEqual([0]);
    expect(covering([{ test: 'suites/cancel.suite.ts > one terminal per job' }])).toEqual([0]);
    expect(covering([{ test: 'suites/cancel.suite.ts > another' }])).toBeUndefined();
  });

  it('matches a requirement only when the result fails on it', () => {
    expect(covering([{ requirement: 'CANCEL-002' }, { requirement: 'CANCEL-001' }])).toEqual([1]);
    expect(covering([{ requirement: 'CANCEL-002' }])).toBeUndefined();
    expect(covering([{ test: CANCEL_KEY, requirement: 'CANCEL-002' }])).toBeUndefined();
  });

  it('absorbs a result only when every requirement it fails on is covered', () => {
    const two = { key: CANCEL_KEY, failingRequirements: ['CANCEL-001', 'CANCEL-002'] };
    expect(covering([{ requirement: 'CANCEL-001' }], two)).toBeUndefined();
    expect(covering([{ requirement: 'CANCEL-002' }, { requirement: 'CANCEL-001' }], two)).toEqual([0, 1]);
    expect(covering([{ test: CANCEL_KEY }], two)).toEqual([0]);
  });

  it('needs an entry naming the test for a failure on no requirement (a suite that did not load)', () => {
    const loadError = { key: 'suites/x.suite.ts > (suite file failed to load)', failingRequirements: [] };
    expect(covering([{ requirement: 'CANCEL-001' }], loadError)).toBeUndefined();
    expect(covering([{ test: loadError.key }], loadError)).toEqual([0]);
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
    // Stale entries fail the run, with a line that says what to do.
    expect(record.exit).toEqual({ code: 1, reason: '2 stale baseline entries (remove from baseline.json)' });
  });

  it('fails a run whose only problem is a stale entry', () => {
    const record = sampleRecord({ baseline: { version: 1, entries: [{ test: CANCEL_KEY }, { requirement: 'LIFE-001' }, { requirement: 'SEQ-001' }] } });
    expect(record.tests.filter((t) => t.blocking)).toEqual([]);
    expect(record.exit).toEqual({ code: 1, reason: '1 stale baseline entry (remove from baseline.json)' });
  });

  it('does not call an entry stale when its requirement still fails elsewhere', () => {
    const tests = [...sampleTests(), passed('suites/cancel2.suite.ts', 'other cancel check [CANCEL-001]', ['CANCEL-001'])];
    const record = sampleRecord({ tests, baseline: { version: 1, entries: [{ test: CANCEL_KEY }, { test: LIFE_KEY }, { requirement: 'CANCEL-001' }] } });
    expect(record.baseline?.stale).toEqual([]);
  });

  it('writes a baseline that covers exactly the current failures, by requirement id', () => {
    const first = sampleRecord();
    const written = baselineFromFailures(first.tests.filter((t) => t.blocking));
    expect(written.entries).toEqual([
      { requirement: 'CANCEL-001', reason: `suites/cancel.suite.ts > one terminal per job: ${first.tests[1]?.detail}` },
      { requirement: 'LIFE-001', reason: 'suites/life.suite.ts > needs the agent: no conformance agent' },
    ]);
    const second = sampleRecord({ baseline: parseBaseline(JSON.parse(JSON.stringify(written))) });
    expect(second.exit.code).toBe(0);
    expect(second.baseline?.stale).toEqual([]);
    expect(second.baseline?.unexercised).toEqual([]);
  });
});

// A concurrency defect (reference defect seq-race) is found by chance: the next run of the
// same server finds it again with other messages, another fixture, or in other tests.
describe('a baseline written from a run with a defect found by chance', () => {
  const PROPS = ['suites/properties/concurrent-emitters.suite.ts', 'suites/properties/mid-job-disconnects.suite.ts'];
  const property = (file: string, id: string, message: string, fixture: string): CollectedTest =>
    failed(file, `property [SEQ-001, SEQ-002, LIFE-002]`, id, message, {
      requirements: ['SEQ-001', 'SEQ-002', 'LIFE-002'],
      replay: { seed: fixture.length, runs: 120, fixture, command: `arcp-conformance replay ${fixture}` },
    });
  const record = (tests: CollectedTest[], baseline?: Baseline) => sampleRecord({ tests, ...(baseline === undefined ? {} : { baseline }) });
  const firstRun = record([
    property(PROPS[0] as string, 'SEQ-002', 'job.event log [0.0#0] has event_seq 1 where session sess_a was due 3', 'seeds/concurrent-emitters-11.json'),
    passed(PROPS[1] as string, 'property [SEQ-001, SEQ-002, LIFE-002]', ['SEQ-001', 'SEQ-002', 'LIFE-002']),
  ]);
  const baseline = parseBaseline(JSON.parse(JSON.stringify(baselineFromFailures(firstRun.tests.filter((t) => t.blocking)))));

  it('passes the next run that finds it again by another path, in another test, with other messages', () => {
    const next = record(
      [
        property(PROPS[0] as string, 'SEQ-002', 'job.event log [0.1#2] has event_seq 7 where session sess_b was due 5', 'seeds/concurrent-emitters-99.json'),
        property(PROPS[1] as string, 'SEQ-002', 'job.error for job_9 on c3 has event_seq 4 where session sess_c was due 2', 'seeds/mid-job-disconnects-7.json'),
      ],
      baseline,
    );
    expect(next.exit).toEqual({ code: 0, reason: 'no failing tests (2 baselined)' });
    expect(next.baseline?.stale).toEqual([]);
  });

  it('still fails when the same test breaks a requirement the baseline does not name', () => {
    const next = record([property(PROPS[0] as string, 'LIFE-002', 'event after the terminal of job_3', 'seeds/concurrent-emitters-5.json')], baseline);
    expect(next.exit.code).toBe(1);
    expect(next.tests.filter((t) => t.blocking).map((t) => t.failingRequirements)).toEqual([['LIFE-002']]);
  });

  it('calls the entry stale, and fails, once the requirement passes', () => {
    const fixed = record(PROPS.map((f) => passed(f, 'property [SEQ-001, SEQ-002, LIFE-002]', ['SEQ-001', 'SEQ-002', 'LIFE-002'])), baseline);
    expect(fixed.baseline?.stale.map((s) => s.value.requirement)).toEqual(['SEQ-002']);
    expect(fixed.exit).toEqual({ code: 1, reason: '1 stale baseline entry (remove from baseline.json)' });
  });
});
