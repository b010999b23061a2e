// `run --bail` / `--bail-on`: which flags are accepted, and which finished test stops the run.
import { describe, expect, it } from 'vitest';
import type { CollectedTest } from '../reporters/record.ts';
import { failed, passed } from '../reporters/testing/sample-record.ts';
import { bailReason, bailRule } from './bail.ts';
import { catalogueNames } from './catalogue.ts';
import { usageErrorOf } from './testing/usage-error.ts';

const names = catalogueNames();
const lenient = { strict: false, allowUntestable: false };
const fail = failed('suites/cancel/cancel.suite.ts', 'one terminal [CANCEL-004]', 'CANCEL-004', 'second terminal');
const warn: CollectedTest = { ...passed('suites/session/close.suite.ts', 'closed [CLOSE-001]', ['CLOSE-001']), meta: { requirements: ['CLOSE-001'], verdict: 'WARN', outcomes: [{ id: 'CLOSE-001', verdict: 'WARN', detail: 'no session.closed' }] } };

describe('bailRule (the flags)', () => {
  it('is off without either flag; --bail stops on any failure; --bail-on takes ids and areas', () => {
    expect(bailRule(false, [], names)).toBeUndefined();
    expect(bailRule(true, [], names)).toEqual({ on: [] });
    expect(bailRule(false, ['SEQ-002,CANCEL', 'LIFE-001'], names)).toEqual({ on: ['SEQ-002', 'CANCEL', 'LIFE-001'] });
  });

  it.each([
    [['session'], '--bail-on takes requirement ids (SEQ-002) and areas (SEQ), got "session"'],
    [['SEQ-999'], '--bail-on: unknown requirement id SEQ-999 (arcp-conformance list shows them)'],
    [[','], '--bail-on needs at least one requirement id or area'],
  ])('refuses --bail-on %j', (values, message) => {
    expect(usageErrorOf(() => bailRule(false, values, names))).toBe(message);
  });
});

describe('bailReason (the stop)', () => {
  it('stops at a FAIL, naming the test and the requirement; never at a PASS', () => {
    expect(bailReason({ on: [] }, fail, lenient)).toBe('stopped at the first failure (--bail): CANCEL-004 in suites/cancel/cancel.suite.ts > one terminal [CANCEL-004]');
    expect(bailReason({ on: [] }, passed('suites/a.suite.ts', 'ok [SEQ-001]', ['SEQ-001']), lenient)).toBeUndefined();
  });

  it('stops at a WARN only with --strict, as the run would fail only then', () => {
    expect(bailReason({ on: [] }, warn, lenient)).toBeUndefined();
    expect(bailReason({ on: [] }, warn, { ...lenient, strict: true })).toMatch(/^stopped at the first failure \(--bail\): CLOSE-001 in /);
  });

  it('with --bail-on, stops only at a failure on a listed id or area', () => {
    expect(bailReason({ on: ['SEQ'] }, fail, lenient)).toBeUndefined();
    expect(bailReason({ on: ['SEQ', 'CANCEL'] }, fail, lenient)).toMatch(/^stopped at the first failure \(--bail-on SEQ,CANCEL\): CANCEL-004 in /);
  });

  it('does not stop at a failure the baseline absorbs', () => {
    const baseline = { version: 1 as const, entries: [{ requirement: 'CANCEL-004', reason: 'known' }] };
    expect(bailReason({ on: [] }, fail, lenient, baseline)).toBeUndefined();
  });
});
