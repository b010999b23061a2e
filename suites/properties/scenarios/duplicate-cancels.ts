// Duplicate cancels: zero to three cancels per job, sent right after submit, mid-run, just
// as the last events arrive (racing completion) or after the terminal; once or twice back to
// back; from the submitter, another session of the same principal, a subscriber of either
// principal, or an unrelated session of the other principal. A listing after the end shows
// whether a late cancel rewrote the status. Steered toward cancels near and after the
// terminal, where the audited bug lives, and toward jobs that wait for a cancel or linger
// after one.
import fc from 'fast-check';
import type { PrincipalRole, Scenario } from '../scenario.ts';
import { type Moment, momentTrigger, OWNER, ScenarioBuilder } from './builder.ts';
import { type Capabilities, has } from './capabilities.ts';
import { ackEvery, moment, submitGaps } from './common.ts';
import { buildJob, jobShape, type ScriptProfile } from './scripts.ts';

export const CANCEL_PROFILE: ScriptProfile = {
  branches: [
    [1, 3],
    [2, 3],
    [3, 1],
  ],
  burstsPerBranch: { min: 1, max: 3 },
  burstCount: { min: 1, max: 10 },
  pauses: [
    [0, 3],
    [2, 2],
    [6, 2],
  ],
  prelude: { max: 2 },
  endings: [
    ['finish', 4],
    ['fail', 1],
    ['wait-cancel', 4],
    ['branch-finish', 1],
  ],
  leases: [
    ['none', 4],
    ['budget', 1],
  ],
  extras: { max: 1 },
  chunks: { max: 0, weight: 0 },
  waitCancelMs: { min: 10, max: 60 },
  lingerMs: [
    [0, 3],
    [15, 1],
  ],
  expiresInMs: { min: 40, max: 90 },
};

/** Who sends a cancel. */
export type Canceller = 'owner' | 'peer' | 'sub-same' | 'sub-other' | 'other';

const CANCEL_MOMENTS: Readonly<Record<Moment, number>> = { 'after-submit': 15, mid: 20, 'near-terminal': 35, 'after-terminal': 30 };

const canceller: fc.Arbitrary<Canceller> = fc.oneof(
  { arbitrary: fc.constant<Canceller>('owner'), weight: 8 },
  { arbitrary: fc.constant<Canceller>('peer'), weight: 2 },
  { arbitrary: fc.constant<Canceller>('sub-same'), weight: 3 },
  { arbitrary: fc.constant<Canceller>('sub-other'), weight: 4 },
  { arbitrary: fc.constant<Canceller>('other'), weight: 3 },
);

const cancel = fc.record({
  job: fc.nat({ max: 1 }),
  moment: moment(CANCEL_MOMENTS),
  k: fc.nat({ max: 20 }),
  from: canceller,
  times: fc.oneof({ arbitrary: fc.constant<1 | 2>(1), weight: 3 }, { arbitrary: fc.constant<1 | 2>(2), weight: 2 }),
});

/** The canceller the target can actually provide (no second principal, no subscribe, ...). */
export function availableCanceller(from: Canceller, caps: Capabilities): Canceller {
  const subscribe = has(caps, 'subscribe');
  if (from === 'sub-other') return subscribe && caps.foreignSubscribe ? from : caps.secondary ? 'other' : subscribe ? 'sub-same' : 'peer';
  if (from === 'sub-same') return subscribe ? from : 'peer';
  if (from === 'other') return caps.secondary ? from : 'peer';
  return from;
}

const PRINCIPAL: Readonly<Record<Canceller, PrincipalRole>> = { owner: 'primary', peer: 'primary', 'sub-same': 'primary', 'sub-other': 'secondary', other: 'secondary' };

const MAX_CANCELS_PER_JOB = 3;

export function duplicateCancels(caps: Capabilities): fc.Arbitrary<Scenario> {
  return fc
    .record({
      jobs: fc.array(jobShape(CANCEL_PROFILE, caps), { minLength: 1, maxLength: 2 }),
      gaps: submitGaps,
      ownerAck: ackEvery,
      cancels: fc.array(cancel, { maxLength: 6 }),
      listAfter: fc.boolean(),
    })
    .map(({ jobs, gaps, ownerAck, cancels, listAfter }) => {
      const b = new ScenarioBuilder('duplicate-cancels', jobs.map((shape) => buildJob(shape, caps)), caps, ownerAck);
      b.submitAll(gaps);
      const perJob = new Map<number, number>();
      for (const c of cancels) {
        const job = c.job % b.jobCount;
        const count = perJob.get(job) ?? 0;
        if (count >= MAX_CANCELS_PER_JOB) continue;
        perJob.set(job, count + 1);
        const from = availableCanceller(c.from, caps);
        const name = from === 'owner' ? OWNER : b.session(from, PRINCIPAL[from]);
        // Subscribers subscribe as soon as the job exists, so their cancel comes from a subscriber.
        if (from === 'sub-same' || from === 'sub-other') b.subscribe(name, job, { on: 'accepted', job }, false);
        b.add(name, { op: 'cancel', job, times: c.times, when: momentTrigger(c.moment, c.k, job, b.total(job)) });
      }
      if (listAfter && has(caps, 'list_jobs')) b.add(OWNER, { op: 'list', when: { on: 'terminal', job: b.jobCount - 1 } });
      return b.build();
    });
}
