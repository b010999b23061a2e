import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FEATURES } from '../../spec/features.ts';
import { PROPERTIES } from './properties.ts';
import { SCENARIO_VERSION, describeScenario, parseScenario, scenarioProblems, type Scenario } from './scenario.ts';
import { capabilities } from './scenarios/capabilities.ts';

// Generators must only produce what the target can serve: every feature, none, or a mix.
const capabilitySets = fc.record({
  features: fc.subarray([...FEATURES]),
  secondary: fc.boolean(),
  policy: fc.constantFrom<'same-principal' | 'any'>('same-principal', 'any'),
});

function base(): Scenario {
  return {
    version: SCENARIO_VERSION,
    property: 'duplicate-cancels',
    jobs: [{ script: { steps: [{ op: 'finish' }] } }, { script: { steps: [{ op: 'finish' }] } }],
    sessions: [
      { name: 'owner', principal: 'primary', ackEvery: 0, actions: [{ op: 'submit', job: 0, when: { on: 'start' } }, { op: 'submit', job: 1, when: { on: 'events', job: 0, count: 2 } }] },
      { name: 'peer', principal: 'primary', ackEvery: 0, actions: [{ op: 'cancel', job: 1, times: 2, when: { on: 'terminal', job: 0 } }] },
    ],
  };
}

describe('scenarios', () => {
  for (const property of Object.values(PROPERTIES)) {
    it(`${property.name}: every generated scenario is valid and uses only what the target negotiated`, () => {
      fc.assert(
        fc.property(capabilitySets.chain((c) => fc.tuple(fc.constant(c), property.arbitrary(capabilities(c.features, c.secondary, c.policy)))), ([c, scenario]) => {
          const parsed = parseScenario(JSON.parse(JSON.stringify(scenario)));
          if (!parsed.ok) throw new Error(parsed.problems.join('; '));
          const text = JSON.stringify(scenario);
          if (!c.features.includes('progress')) expect(text).not.toContain('"progress"');
          if (!c.features.includes('result_chunk')) expect(text).not.toContain('"chunks"');
          if (!c.features.includes('cost.budget')) expect(text).not.toContain('cost.budget');
          if (!c.features.includes('lease_expires_at')) expect(text).not.toContain('expiresInMs');
          if (!c.features.includes('subscribe')) expect(text).not.toContain('"subscribe"');
          if (!c.secondary) expect(text).not.toContain('"secondary"');
          if (!c.features.includes('ack')) expect(scenario.sessions.every((s) => s.ackEvery === 0)).toBe(true);
        }),
        { numRuns: 150, seed: 7 },
      );
    });
  }

  it('accepts a consistent scenario and describes it', () => {
    expect(scenarioProblems(base())).toEqual([]);
    expect(describeScenario(base())).toBe('2 jobs, 2 sessions, 3 actions (submit x2, cancel x1)');
  });

  it('names every inconsistency', () => {
    const s = base();
    const owner = s.sessions[0]!;
    const peer = s.sessions[1]!;
    expect(scenarioProblems({ ...s, sessions: [owner, { ...peer, actions: [{ op: 'cancel', job: 5, times: 1, when: { on: 'start' } }] }] })).toEqual([
      'sessions.1.actions.0: job 5 does not exist (2 jobs)',
    ]);
    expect(scenarioProblems({ ...s, sessions: [owner, { ...peer, actions: [{ op: 'submit', job: 1, when: { on: 'start' } }] }] })).toContain(
      'sessions.1.actions.0: only the first session submits jobs',
    );
    expect(scenarioProblems({ ...s, sessions: [{ ...owner, actions: [...owner.actions].reverse() }, peer] })).toContain(
      'the first session must submit jobs 0..1 once each, in order (got 1, 0)',
    );
    expect(scenarioProblems({ ...s, sessions: [{ ...owner, actions: [owner.actions[0]!, { op: 'submit', job: 1, when: { on: 'terminal', job: 1 } }] }, peer] })).toContain(
      'sessions.0.actions.1: the submit of job 1 may only wait on an earlier job',
    );
    expect(scenarioProblems({ ...s, sessions: [owner, { ...peer, actions: [{ op: 'list', when: { on: 'disconnected', session: 'ghost' } }] }] })).toContain(
      'sessions.1.actions.0: waits for unknown session ghost',
    );
    expect(scenarioProblems({ ...s, sessions: [owner, owner] })).toContain('session name owner is used twice');
  });

  it('rejects a scenario whose script the conformance agent would refuse, naming the problem', () => {
    const bad = { ...base(), jobs: [{ script: { steps: [{ op: 'fail', code: 'CANCELLED', message: 'x' }] } }, base().jobs[1]] };
    const parsed = parseScenario(bad);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problems.join('\n')).toMatch(/runtime's codes/);
    expect(parseScenario({ version: 2 }).ok).toBe(false);
  });
});
