// Mid-job disconnects: the submitter or a subscriber drops abruptly or closes gracefully
// after a generated number of events, then resumes (at once or a little later, presenting a
// last_event_seq at or below what it received), or never comes back; cuts repeat; and a
// fresh session of the submitter's principal may watch the job through subscribe (with
// history) instead of resuming. Subscribers that close and never return are the leak
// scenario of the audit (fan-out must stop once their window passes). Steered toward cuts
// just before the terminal, where a resume must replay the end of the job.
import fc from 'fast-check';
import type { PrincipalRole, ResumePlan, Scenario } from '../scenario.ts';
import { type Moment, momentTrigger, OWNER, ScenarioBuilder } from './builder.ts';
import { type Capabilities, has } from './capabilities.ts';
import { ackEvery, moment, submitGaps } from './common.ts';
import { buildJob, jobShape, type ScriptProfile } from './scripts.ts';

export const DISCONNECT_PROFILE: ScriptProfile = {
  branches: [
    [1, 3],
    [2, 3],
    [3, 1],
  ],
  burstsPerBranch: { min: 1, max: 4 },
  burstCount: { min: 1, max: 12 },
  pauses: [
    [0, 2],
    [2, 2],
    [5, 2],
    [10, 1],
  ],
  prelude: { max: 3 },
  endings: [
    ['finish', 5],
    ['fail', 1],
  ],
  leases: [['none', 1]],
  extras: { max: 0 },
  chunks: { max: 3, weight: 20 },
  waitCancelMs: { min: 0, max: 0 },
  lingerMs: [[0, 1]],
  expiresInMs: { min: 40, max: 90 },
};

export type Cutter = 'owner' | 'sub-same' | 'sub-other';

const CUT_MOMENTS: Readonly<Record<Moment, number>> = { 'after-submit': 15, mid: 30, 'near-terminal': 40, 'after-terminal': 15 };

const resumePlan: fc.Arbitrary<ResumePlan> = fc.record({
  afterMs: fc.oneof({ arbitrary: fc.constant(0), weight: 5 }, { arbitrary: fc.constant(20), weight: 3 }, { arbitrary: fc.constant(80), weight: 2 }),
  seqBack: fc.oneof({ arbitrary: fc.constant(0), weight: 6 }, { arbitrary: fc.constant(1), weight: 3 }, { arbitrary: fc.constant(3), weight: 2 }),
});

const cut = fc.record({
  who: fc.oneof(
    { arbitrary: fc.constant<Cutter>('owner'), weight: 6 },
    { arbitrary: fc.constant<Cutter>('sub-same'), weight: 3 },
    { arbitrary: fc.constant<Cutter>('sub-other'), weight: 1 },
  ),
  job: fc.nat({ max: 1 }),
  moment: moment(CUT_MOMENTS),
  k: fc.nat({ max: 20 }),
  // Drops are likelier; shrinking tries a close instead (the audited leak is on close).
  how: fc.oneof(
    { withCrossShrink: true },
    { arbitrary: fc.constant<'drop' | 'close'>('close'), weight: 1 },
    { arbitrary: fc.constant<'drop' | 'close'>('drop'), weight: 2 },
  ),
  // Subscribers leave for good half the time (the leak scenario); the submitter rarely.
  comesBack: fc.boolean(),
  resume: resumePlan,
});

const PRINCIPAL: Readonly<Record<Cutter, PrincipalRole>> = { owner: 'primary', 'sub-same': 'primary', 'sub-other': 'secondary' };

function availableCutter(who: Cutter, caps: Capabilities): Cutter {
  if (!has(caps, 'subscribe')) return 'owner';
  if (who === 'sub-other' && !caps.foreignSubscribe) return 'sub-same';
  return who;
}

export function midJobDisconnects(caps: Capabilities): fc.Arbitrary<Scenario> {
  return fc
    .record({
      jobs: fc.array(jobShape(DISCONNECT_PROFILE, caps), { minLength: 1, maxLength: 2 }),
      gaps: submitGaps,
      ownerAck: ackEvery,
      cuts: fc.array(cut, { minLength: 1, maxLength: 3 }),
      freshWatch: fc.oneof({ arbitrary: fc.constant(false), weight: 2 }, { arbitrary: fc.constant(true), weight: 1 }),
      freshHistory: fc.boolean(),
    })
    .map(({ jobs, gaps, ownerAck, cuts, freshWatch, freshHistory }) => {
      const b = new ScenarioBuilder('mid-job-disconnects', jobs.map((shape) => buildJob(shape, caps)), caps, ownerAck);
      b.submitAll(gaps);
      const fresh = freshWatch && has(caps, 'subscribe');
      let ownerLeft = false;
      let ownerCuts = 0;
      for (const c of cuts) {
        const who = availableCutter(c.who, caps);
        const job = c.job % b.jobCount;
        const name = who === 'owner' ? OWNER : b.session(who, PRINCIPAL[who]);
        if (who !== 'owner') b.subscribe(name, job, { on: 'accepted', job }, false);
        // The submitter leaves for good only once, when a fresh session takes over watching and
        // every job is submitted (its cut waits on the last job).
        const leaves = !c.comesBack && (who !== 'owner' || (fresh && !ownerLeft && job === b.jobCount - 1));
        if (leaves && who === 'owner') ownerLeft = true;
        if (who === 'owner') ownerCuts++;
        b.add(name, { op: 'disconnect', how: c.how, when: momentTrigger(c.moment, c.k, job, b.total(job)), resume: leaves ? null : c.resume });
      }
      if (fresh) {
        const name = b.session('fresh', 'primary');
        // After the submitter's first cut; with no cut of the submitter, once the job has begun.
        for (let job = 0; job < b.jobCount; job++) {
          b.subscribe(name, job, ownerCuts > 0 ? { on: 'disconnected', session: OWNER } : { on: 'events', job, count: 1 }, freshHistory);
        }
      }
      return b.build();
    });
}
