// Properties of the checkers as a whole: a history a correct server could produce yields no
// violation; the same history with one injected fault yields a violation naming that fault's
// requirement. Histories come from testing/history-model.ts.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkTranscript } from './monitor.ts';
import { CORRUPTION_KINDS, corrupt, EXPECTED_IDS } from './testing/corruptions.ts';
import { type Command, renderScenario, type Scenario } from './testing/history-model.ts';

const RUNS = 150;

const index = fc.nat({ max: 7 });

const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ op: fc.constant('submit' as const), session: index, counts: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 }) }) },
  { weight: 8, arbitrary: fc.record({ op: fc.constant('emit' as const), job: index, branch: index }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('finish' as const), job: index }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('cancel' as const), job: index, twice: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('drop' as const), session: index }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('close' as const), session: index }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('resume' as const), session: index, back: fc.nat({ max: 4 }), welcomeFirst: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('subscribe' as const), session: index, job: index }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('list' as const), session: index }) },
);

const scenario: fc.Arbitrary<Scenario> = fc.record({
  sessions: fc.integer({ min: 1, max: 3 }),
  commands: fc.array(command, { maxLength: 40 }),
  finalBack: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 3, maxLength: 3 }),
});

describe('history checkers over generated histories', () => {
  it('find no violation in any history of a correct server', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const violations = checkTranscript(renderScenario(s), undefined, { complete: true });
        expect(violations).toEqual([]);
      }),
      { numRuns: RUNS },
    );
  });

  it.each(CORRUPTION_KINDS)('name the expected requirement for a single injected fault: %s', (kind) => {
    fc.assert(
      fc.property(scenario, fc.nat(), (s, pick) => {
        const corrupted = corrupt(renderScenario(s), kind, pick);
        fc.pre(corrupted !== undefined);
        const found = checkTranscript(corrupted ?? [], undefined, { complete: true }).map((v) => v.requirement);
        expect(found.filter((id) => EXPECTED_IDS[kind].includes(id)), `found ${found.join(', ') || 'nothing'}`).not.toEqual([]);
      }),
      { numRuns: RUNS },
    );
  });
});
