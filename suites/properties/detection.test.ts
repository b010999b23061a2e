// Detection power, asserted: with each reference defect switched on (one at a time), the
// property that targets it finds a violated history within its default run budget; with no
// defect, all three properties pass at their default budget. Seeds are fixed so a failure
// here replays; timings are printed by bench/detection.ts, never asserted.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KIT_ROOT } from '../defect-matrix.ts';
import { PROPERTIES } from './properties.ts';
import { runProperty } from './property-runner.ts';
import { DETECTION_PLAN, OUT_OF_SCOPE, detect, namesTheDefect, uncoveredDefects } from './testing/detection.ts';
import { startReferenceTarget, type ReferenceTarget } from './testing/reference-target.ts';

const SEED = 20_251_122;

describe('detection power of the property suites', () => {
  it('has a plan for every reference defect (or a reason it is out of scope)', () => {
    expect(uncoveredDefects()).toEqual([]);
    // Each reason names the file that catches the defect instead, and that file exists.
    for (const reason of Object.values(OUT_OF_SCOPE)) {
      const file = /suites\/[\w/-]+\.(?:suite|test)\.ts/.exec(reason ?? '')?.[0];
      expect(file, reason).toBeDefined();
      expect(existsSync(join(KIT_ROOT, file as string)), reason).toBe(true);
    }
  });

  for (const c of DETECTION_PLAN) {
    it(`${c.property} catches the ${c.defect} defect within its default budget`, async () => {
      const property = PROPERTIES[c.property];
      const outcome = await detect(c, { seed: SEED, runs: property.defaultRuns });
      const failure = outcome.failure;
      expect(failure, `no violation in ${outcome.runs} runs (seed ${SEED})`).toBeDefined();
      // The first failing history names a requirement the defect breaks, not some other finding.
      const found = failure?.violations.map((v) => `${v.requirement}: ${v.message}`) ?? [];
      expect(namesTheDefect(c, outcome), `expected one of ${c.breaks.join(', ')}; got\n${found.join('\n')}`).toBe(true);
      console.log(`[detection] ${c.defect}: caught by ${c.property} after ${failure?.runsToFailure} run(s): ${[...new Set(failure?.violations.map((v) => v.requirement))].join(', ')}`);
    }, 60_000);
  }
});

describe('the clean reference runtime', () => {
  let ref: ReferenceTarget;
  beforeAll(async () => {
    ref = await startReferenceTarget();
  });
  afterAll(async () => {
    await ref.stop();
  });

  for (const property of Object.values(PROPERTIES)) {
    it(`passes ${property.name} at its default budget (${property.defaultRuns} runs)`, async () => {
      const outcome = await runProperty(property, ref.target, { runs: property.defaultRuns, seed: SEED, capabilities: ref.capabilities, shrink: false, replays: 0 });
      const found = outcome.failure?.violations.map((v) => `${v.requirement}: ${v.message}`).join('\n');
      expect(found, `seed ${SEED}`).toBeUndefined();
      expect(outcome.runs).toBe(property.defaultRuns);
      // It really explored: distinct interleavings, and the events its property is about.
      expect(outcome.exploration.distinctSchedules).toBeGreaterThan(property.defaultRuns / 2);
      if (property.name === 'duplicate-cancels') expect(outcome.exploration.cancels['before-terminal'] + outcome.exploration.cancels['after-terminal']).toBeGreaterThan(0);
      if (property.name === 'mid-job-disconnects') expect(outcome.exploration.disconnects.mid + outcome.exploration.disconnects['near-terminal']).toBeGreaterThan(0);
    }, 120_000);
  }
});
