// Concurrent emitters: several jobs in one session, each with parallel branches emitting back
// to back, while the runtime emits on its own (budget metrics after cost steps, lease expiry
// ending a job mid-branch, back-pressure status when acks are withheld) and subscribers in
// other sessions (same principal, and the other one where the deployment allows it) see the
// same jobs in their own seq space. Steered toward seq races: 2-4 branches, long bursts,
// few pauses, later jobs submitted while earlier ones still emit.
import fc from 'fast-check';
import type { Scenario } from '../scenario.ts';
import { ScenarioBuilder } from './builder.ts';
import { type Capabilities, has } from './capabilities.ts';
import { ackEvery, submitGaps } from './common.ts';
import { buildJob, jobShape, type ScriptProfile } from './scripts.ts';

export const CONCURRENT_PROFILE: ScriptProfile = {
  branches: [
    [1, 1],
    [2, 3],
    [3, 3],
    [4, 2],
  ],
  burstsPerBranch: { min: 1, max: 3 },
  burstCount: { min: 1, max: 24 },
  pauses: [
    [0, 6],
    [1, 2],
    [4, 1],
  ],
  prelude: { max: 3 },
  endings: [
    ['finish', 5],
    ['fail', 1],
    ['branch-finish', 3],
  ],
  leases: [
    ['none', 6],
    ['budget', 4],
    ['expiry', 1],
  ],
  extras: { max: 2 },
  chunks: { max: 3, weight: 25 },
  waitCancelMs: { min: 0, max: 0 },
  lingerMs: [[0, 1]],
  // A few hundred ms: enough slack for a server clock slightly ahead of ours.
  expiresInMs: { min: 150, max: 300 },
};

const watcher = fc.record({
  foreign: fc.boolean(),
  ackEvery,
  subscriptions: fc.array(
    fc.record({ job: fc.nat({ max: 2 }), afterEvents: fc.integer({ min: 0, max: 12 }), history: fc.boolean() }),
    { minLength: 1, maxLength: 3 },
  ),
});

type Watcher = typeof watcher extends fc.Arbitrary<infer W> ? W : never;

export function concurrentEmitters(caps: Capabilities): fc.Arbitrary<Scenario> {
  return fc
    .record({
      jobs: fc.array(jobShape(CONCURRENT_PROFILE, caps), { minLength: 1, maxLength: 3 }),
      gaps: submitGaps,
      ownerAck: ackEvery,
      watchers: has(caps, 'subscribe') ? fc.array(watcher, { maxLength: 2 }) : fc.constant<Watcher[]>([]),
    })
    .map(({ jobs, gaps, ownerAck, watchers }) => {
      const b = new ScenarioBuilder('concurrent-emitters', jobs.map((shape) => buildJob(shape, caps)), caps, ownerAck);
      b.submitAll(gaps);
      watchers.forEach((w, k) => {
        const foreign = w.foreign && caps.foreignSubscribe;
        const name = b.session(`${foreign ? 'sub-other' : 'sub-same'}-${k}`, foreign ? 'secondary' : 'primary', w.ackEvery);
        for (const s of w.subscriptions) {
          const job = s.job % b.jobCount;
          b.subscribe(name, job, s.afterEvents === 0 ? { on: 'accepted', job } : { on: 'events', job, count: s.afterEvents }, s.history);
        }
      });
      return b.build();
    });
}
