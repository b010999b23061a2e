// Arbitraries shared by the three property generators.
import fc from 'fast-check';
import type { Moment } from './builder.ts';

/** Acks withheld (back-pressure may build) or sent every 1-8 events. */
export const ackEvery: fc.Arbitrary<number> = fc.oneof(
  { arbitrary: fc.constant(0), weight: 3 },
  { arbitrary: fc.integer({ min: 1, max: 8 }), weight: 2 },
);

/** Gaps (marked events of the previous job) before each later submit; small gaps overlap jobs. */
export const submitGaps: fc.Arbitrary<number[]> = fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 2, maxLength: 2 });

/** Moments weighted toward the end of a job, where cancels race completion and drops cut replays. */
export function moment(weights: Readonly<Record<Moment, number>>): fc.Arbitrary<Moment> {
  return fc.oneof(
    ...(['mid', 'after-submit', 'near-terminal', 'after-terminal'] as const).map((m) => ({ arbitrary: fc.constant(m), weight: weights[m] })),
  );
}
