import type { TestContext } from 'vitest';
import { describe, expect, it } from 'vitest';
import type { TargetConfig } from '../harness/config.ts';
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
});
