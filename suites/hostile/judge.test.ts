// The level of a broken check comes from the catalogue, not from the call site: t.must on a
// SHOULD ends the body with a WARN, t.should on a MUST goes on and FAILs at the end.
import { describe, expect, it } from 'vitest';
import { requirement } from '../../spec/requirements.ts';
import { DEFAULT_PROFILE, type TargetConfig } from '../harness/config.ts';
import { brokenVerdict, type ConformanceContext } from '../verdicts/conformance-test.ts';
import { judgeRun } from './judge.ts';

const TARGET: TargetConfig = { url: 'ws://127.0.0.1:1/unused', tokens: { primary: 't' }, profile: DEFAULT_PROFILE, timeoutMs: 100, maxWaitMs: 0, allowUntestable: false };
const A_MUST = 'SEQ-002';
const A_SHOULD = 'CLOSE-001';
const broken = { expected: 'x', actual: 'y' };

describe('brokenVerdict', () => {
  it('is FAIL for a MUST and WARN for a SHOULD or MAY, by the catalogue', () => {
    expect(requirement(A_MUST).level).toBe('MUST');
    expect(brokenVerdict(A_MUST)).toBe('FAIL');
    expect(brokenVerdict(A_SHOULD)).toBe('WARN');
    expect(brokenVerdict('HB-004')).toBe('WARN'); // a MAY
  });
});

describe('judgeRun: verdict levels from the catalogue', () => {
  it('t.must on a broken SHOULD ends the body and warns', async () => {
    let reachedAfter = false;
    const run = await judgeRun(TARGET, [A_SHOULD, A_MUST], async (t: ConformanceContext) => {
      t.must(A_SHOULD, false, broken);
      reachedAfter = true;
    }, 1000);
    expect(run).toMatchObject({ verdict: 'WARN', requirement: A_SHOULD });
    expect(run.message.startsWith(`${A_SHOULD} (SHOULD,`)).toBe(true);
    expect(reachedAfter).toBe(false);
  });

  it('t.should on a broken MUST goes on, then fails with it', async () => {
    let reachedAfter = false;
    const run = await judgeRun(TARGET, [A_MUST, A_SHOULD], async (t: ConformanceContext) => {
      t.should(A_MUST, false, broken);
      reachedAfter = true;
      t.should(A_SHOULD, false, broken);
    }, 1000);
    expect(run).toMatchObject({ verdict: 'FAIL', requirement: A_MUST });
    expect(reachedAfter).toBe(true);
  });

  it('t.must on a broken MUST fails at once', async () => {
    const run = await judgeRun(TARGET, [A_MUST], async (t: ConformanceContext) => {
      t.must(A_MUST, false, broken);
    }, 1000);
    expect(run).toMatchObject({ verdict: 'FAIL', requirement: A_MUST });
  });

  it('a warning that stopped the body does not hide a MUST broken before it', async () => {
    const run = await judgeRun(TARGET, [A_MUST, A_SHOULD], async (t: ConformanceContext) => {
      t.should(A_MUST, false, broken);
      t.must(A_SHOULD, false, broken);
    }, 1000);
    expect(run).toMatchObject({ verdict: 'FAIL', requirement: A_MUST });
  });
});
