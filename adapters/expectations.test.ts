import { describe, expect, it } from 'vitest';
import type { RecordTest } from '../reporters/record.ts';
import { type Expectations, TODO, differences, formatDifferences, observedVerdicts, unexplained, updatedExpectations } from './expectations.ts';

const test = (title: string, verdict: RecordTest['verdict'], outcomes: RecordTest['outcomes'], detail?: string): RecordTest =>
  ({ key: `suites/x.suite.ts > ${title} [CANCEL-001]`, title, verdict, outcomes, detail, requirements: [] }) as unknown as RecordTest;

const record = {
  tests: [
    test('cancel', 'FAIL', [
      { id: 'CANCEL-001', verdict: 'FAIL', detail: 'no job.cancelled' },
      { id: 'CANCEL-002', verdict: 'PASS' },
    ]),
    test('harness', 'FAIL', [], 'HarnessError: timed out'),
    test('fine', 'PASS', [{ id: 'ENV-001', verdict: 'PASS' }]),
  ],
};

const expected: Expectations = {
  subject: 'a server',
  entries: [
    { test: 'suites/x.suite.ts > cancel', requirement: 'CANCEL-001', verdict: 'FAIL', server: 'sends no job.cancelled', basis: 'v1.1 §7.4 ...' },
    { test: 'suites/x.suite.ts > harness', requirement: null, verdict: 'FAIL', server: 'times out', basis: 'KIT: teardown' },
  ],
};

describe('expectations of the kit on a real server', () => {
  it('reads every non-PASS verdict: per requirement outcome, and per test when no outcome explains it', () => {
    expect(observedVerdicts(record).map((o) => [o.test, o.requirement, o.verdict])).toEqual([
      ['suites/x.suite.ts > cancel', 'CANCEL-001', 'FAIL'],
      ['suites/x.suite.ts > harness', null, 'FAIL'],
    ]);
  });

  it('keys a property counterexample by its test alone: which requirements the first counterexample breaks varies with timing', () => {
    const property = { ...test('property', 'FAIL', [{ id: 'SEQ-002', verdict: 'FAIL' }, { id: 'LIFE-001', verdict: 'FAIL' }], 'seq fault'), replay: { seed: 1 } } as RecordTest;
    expect(observedVerdicts({ tests: [property] })).toEqual([
      { test: 'suites/x.suite.ts > property', requirement: null, verdict: 'FAIL', detail: 'counterexample breaks SEQ-002, LIFE-001: seq fault' },
    ]);
  });

  it('matches when the run gives exactly the expected verdicts', () => {
    expect(differences(expected, observedVerdicts(record))).toEqual([]);
    expect(formatDifferences([], 'expected.json')).toBe('every verdict matches the expectations');
  });

  it('reports a difference in both directions and a changed verdict, readably', () => {
    const changed: Expectations = {
      ...expected,
      entries: [
        { ...expected.entries[0]!, verdict: 'WARN' },
        { test: 'suites/x.suite.ts > fine', requirement: 'ENV-001', verdict: 'FAIL', server: 's', basis: 'b' },
      ],
    };
    const diffs = differences(changed, observedVerdicts(record));
    expect(diffs.map((d) => [d.slot, d.expected, d.observed])).toEqual([
      ['suites/x.suite.ts > cancel :: CANCEL-001', 'WARN', 'FAIL'],
      ['suites/x.suite.ts > fine :: ENV-001', 'FAIL', undefined],
      ['suites/x.suite.ts > harness :: (test)', undefined, 'FAIL'],
    ]);
    const text = formatDifferences(diffs, 'expected.json');
    expect(text).toContain('3 verdict(s) differ from expected.json');
    expect(text).toContain('WARN -> FAIL   suites/x.suite.ts > cancel :: CANCEL-001\n      observed: no job.cancelled');
    expect(text).toContain('FAIL -> PASS (or not run)   suites/x.suite.ts > fine :: ENV-001');
    expect(text).toContain('PASS -> FAIL   suites/x.suite.ts > harness :: (test)');
  });

  it('updates verdicts from a run, keeps explanations that still hold and marks the rest TODO', () => {
    const previous: Expectations = { ...expected, entries: [{ ...expected.entries[0]!, verdict: 'WARN' }] };
    const next = updatedExpectations(previous, observedVerdicts(record));
    expect(next.entries).toEqual([
      { test: 'suites/x.suite.ts > cancel', requirement: 'CANCEL-001', verdict: 'FAIL', server: 'sends no job.cancelled', basis: `${TODO} (was WARN: v1.1 §7.4 ...)` },
      { test: 'suites/x.suite.ts > harness', requirement: null, verdict: 'FAIL', server: TODO, basis: TODO },
    ]);
    expect(unexplained(next)).toHaveLength(2);
    // A slot new to a test that had another slot before carries that reasoning as a hint.
    const renamed = updatedExpectations({ ...expected, entries: [expected.entries[1]!] }, [
      { test: 'suites/x.suite.ts > harness', requirement: 'SUB-003', verdict: 'FAIL', detail: '' },
    ]);
    expect(renamed.entries[0]!.basis).toBe(`${TODO} (this test before, (test) FAIL: times out | KIT: teardown)`);
    expect(unexplained(updatedExpectations(expected, observedVerdicts(record)))).toEqual([]);
  });
});
