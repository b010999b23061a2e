import type { TestContext } from 'vitest';
import { describe, expect, it } from 'vitest';
import type { TargetConfig } from '../harness/config.ts';
import { HarnessError } from '../harness/errors.ts';
import { Judge } from './conformance-test.ts';
import type { ArcpTaskMeta } from './types.ts';

describe('Judge', () => {
  it('gives the ids left for one reason one note, and a new note for another reason', () => {
    const meta: ArcpTaskMeta = { requirements: ['SEQ-001', 'SEQ-002', 'SEQ-003', 'LIFE-001'] };
    const judge = new Judge({} as TargetConfig, meta.requirements, meta, {} as TestContext);
    judge.inconclusive('SEQ-001', 'the run stops at its first failure');
    judge.inconclusive('SEQ-002', 'the run stops at its first failure');
    judge.inconclusive('SEQ-003', 'the campaign ran out of time');
    judge.note('only 3 of 5 runs carried out their scenario');
    judge.inconclusive('LIFE-001', 'the campaign ran out of time');
    expect(meta.notes).toEqual([
      'SEQ-001, SEQ-002 not concluded: the run stops at its first failure',
      'SEQ-003 not concluded: the campaign ran out of time',
      'only 3 of 5 runs carried out their scenario',
      'LIFE-001 not concluded: the campaign ran out of time',
    ]);
    // Each id still counts as not concluded, not as never judged.
    expect(() => judge.conclude()).not.toThrow();
  });

  it('gives a test stopped by a harness error the level of what it left: WARN when only SHOULDs were declared, FAIL with a MUST among them', () => {
    const stop = new HarnessError('timeout', 'timed out after 5000 ms', { redact: (t) => t });
    const judgeOf = (ids: string[]) => {
      const meta: ArcpTaskMeta = { requirements: ids };
      return new Judge({} as TargetConfig, ids, meta, {} as TestContext);
    };
    // CLOSE-001 and LIST-007 are SHOULDs, SEQ-001 a MUST (spec/requirements).
    expect(judgeOf(['CLOSE-001', 'LIST-007']).stopVerdict(stop)).toBe('WARN');
    expect(judgeOf(['CLOSE-001', 'SEQ-001']).stopVerdict(stop)).toBe('FAIL');
    // A stopped test leaves no id at PASS, not even one it had checked (the record rule).
    const passed = judgeOf(['SEQ-001', 'LIST-007']);
    passed.should('SEQ-001', true, { expected: 'x', actual: 'x' });
    expect(passed.stopVerdict(stop)).toBe('FAIL');
    const warned = judgeOf(['SEQ-001', 'LIST-007']);
    warned.should('LIST-007', false, { expected: 'x', actual: 'y' });
    expect(warned.stopVerdict(new HarnessError('closed', 'closed', { redact: (t) => t }))).toBe('FAIL');
    const onlyShould = judgeOf(['LIST-007', 'CLOSE-001']);
    onlyShould.should('LIST-007', false, { expected: 'x', actual: 'y' });
    expect(onlyShould.stopVerdict(stop)).toBe('WARN');
    // Anything but a harness error is a FAIL.
    expect(judgeOf(['LIST-007']).stopVerdict(new TypeError('x'))).toBe('FAIL');
  });

  it('makes a test stopped by no finding about the server UNTESTABLE with the reason: frames the kit let go, the kit\'s own error', () => {
    const judgeOf = () => {
      const meta: ArcpTaskMeta = { requirements: ['HELLO-001'] };
      return { meta, judge: new Judge({ allowUntestable: false } as TargetConfig, meta.requirements, meta, {} as TestContext) };
    };
    // A harness error that is the server's doing (a wait ran out) is left to stopVerdict.
    const timedOut = judgeOf();
    expect(() => timedOut.judge.untestableWhenNotJudged(new HarnessError('timeout', 'timed out', { redact: (t) => t }))).not.toThrow();
    expect(() => timedOut.judge.untestableWhenNotJudged(new Error('scenario aborted', { cause: new HarnessError('closed', 'closed', { redact: (t) => t }) }))).not.toThrow();
    expect(timedOut.meta.verdict).toBeUndefined();
    const lost = judgeOf();
    const incomplete = new HarnessError('incomplete', 'the kit cannot judge from all frames c1 received since mark 0', { redact: (t) => t });
    expect(() => lost.judge.untestableWhenNotJudged(incomplete)).toThrow(/UNTESTABLE: the kit cannot judge/);
    expect(lost.meta.verdict).toBe('UNTESTABLE');
    expect(lost.meta.outcomes).toEqual([{ id: 'HELLO-001', verdict: 'UNTESTABLE', detail: incomplete.message }]);
    const crashed = judgeOf();
    expect(() => crashed.judge.untestableWhenNotJudged(new TypeError("Cannot read properties of undefined (reading 'type')"))).toThrow(/UNTESTABLE: the test stopped on an error of the kit's own/);
    expect(crashed.meta.outcomes?.[0]?.detail).toBe("the test stopped on an error of the kit's own, not on a check of the server: TypeError: Cannot read properties of undefined (reading 'type')");
    // A verdict already given stands.
    const failed = judgeOf();
    failed.meta.verdict = 'FAIL';
    expect(() => failed.judge.untestableWhenNotJudged(new TypeError('x'))).not.toThrow();
  });
});
