// Concurrent emitters: several jobs in one session, each with parallel branches emitting back
// to back, while the runtime emits on its own (budget metrics after cost steps, lease expiry
// ending a job mid-branch, back-pressure status when acks are withheld) and subscribers in
// other sessions (same principal, and the other one where the deployment allows it) see the
// same jobs in their own seq space, and a session of the other principal may list jobs while
// the submitter's are alive (none of them may show up: LIST-002). Steered toward seq races:
// 2-4 branches, long bursts, few pauses, later jobs submitted while earlier ones still emit.
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

/** When the other principal's session lists jobs: after `afterEvents` events of a job (0: at its acceptance). */
const foreignListing = fc.record({ job: fc.nat({ max: 2 }), afterEvents: fc.integer({ min: 0, max: 12 }) });

type ForeignListing = typeof foreignListing extends fc.Arbitrary<infer L> ? L : never;

export function concurrentEmitters(caps: Capabilities): fc.Arbitrary<Scenario> {
  return fc
    .record({
      jobs: fc.array(jobShape(CONCURRENT_PROFILE, caps), { minLength: 1, maxLength: 3 }),
      gaps: submitGaps,
      ownerAck: ackEvery,
      watchers: has(caps, 'subscribe') ? fc.array(watcher, { maxLength: 2 }) : fc.constant<Watcher[]>([]),
      // In about half the runs, where a second principal and list_jobs are available.
      listing:
        caps.secondary && has(caps, 'list_jobs')
          ? fc.option(foreignListing, { freq: 2, nil: undefined })
          : fc.constant<ForeignListing | undefined>(undefined),
    })
    .map(({ jobs, gaps, ownerAck, watchers, listing }) => {
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
      if (listing !== undefined) {
        const job = listing.job % b.jobCount;
        const name = b.session('list-other', 'secondary');
        b.add(name, { op: 'list', when: listing.afterEvents === 0 ? { on: 'accepted', job } : { on: 'events', job, count: listing.afterEvents } });
      }
      return b.build();
    });
}
