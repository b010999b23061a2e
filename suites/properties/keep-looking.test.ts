// A campaign keeps looking after its first counterexample: with two defects on that break
// different requirements, one run of a property settles both, each with its own fixture,
// and reports how much it explored (runs, scenario shapes, schedules).
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROPERTIES } from './properties.ts';
import { runProperty } from './property-runner.ts';
import { startReferenceTarget, type ReferenceTarget } from './testing/reference-target.ts';

const SEED = 20_251_203;

describe('a campaign that keeps looking', () => {
  let ref: ReferenceTarget;
  let dir: string;
  beforeAll(async () => {
    // event-after-terminal breaks LIFE-002; list-jobs-leak breaks LIST-002: two distinct findings.
    ref = await startReferenceTarget(['event-after-terminal', 'list-jobs-leak']);
    dir = mkdtempSync(join(tmpdir(), 'arcp-keep-looking-'));
  });
  afterAll(async () => {
    await ref.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('settles each distinct violation with its own fixture, within its run budget', async () => {
    const property = PROPERTIES['concurrent-emitters'];
    const runs = 3 * property.defaultRuns;
    const outcome = await runProperty(property, ref.target, {
      runs,
      seed: SEED,
      capabilities: ref.capabilities,
      shrink: false,
      replays: 1,
      fixturesDir: dir,
      keepLooking: true,
    });
    const found = outcome.failures.map((f) => [...new Set(f.violations.map((v) => v.requirement))].sort().join('+'));
    console.log(`[keep-looking] ${outcome.runs} runs, ${outcome.failures.length} distinct failure(s): ${found.join(', ')}`);
    expect(outcome.failures.length, found.join(', ')).toBeGreaterThanOrEqual(2);
    // Each later failure broke a requirement no earlier one had.
    outcome.failures.forEach((f, k) => {
      const earlier = new Set(outcome.failures.slice(0, k).flatMap((e) => e.violations.map((v) => v.requirement)));
      expect(f.violations.some((v) => !earlier.has(v.requirement))).toBe(true);
    });
    expect(new Set(outcome.failures.map((f) => f.fixturePath)).size).toBe(outcome.failures.length);
    expect(readdirSync(dir)).toHaveLength(outcome.failures.length);
    expect(outcome.runs).toBeLessThanOrEqual(runs);
    expect(Object.keys(outcome.exploration.shapes ?? {}).length).toBeGreaterThan(1);
  }, 240_000);

  it('stops hunting when its keep-looking time is spent, and says it was interrupted', async () => {
    const property = PROPERTIES['concurrent-emitters'];
    // No time at all after the first failure: the later hunts never start, whatever the load.
    const outcome = await runProperty(property, ref.target, {
      runs: 3 * property.defaultRuns,
      seed: SEED,
      capabilities: ref.capabilities,
      shrink: false,
      replays: 0,
      keepLooking: true,
      keepLookingMs: 0,
    });
    expect(outcome.failures).toHaveLength(1);
    expect(outcome.interrupted).toBe(true);
  }, 120_000);

  it('stops at the first failure without keepLooking, as detection wants', async () => {
    const property = PROPERTIES['concurrent-emitters'];
    const outcome = await runProperty(property, ref.target, { runs: property.defaultRuns, seed: SEED, capabilities: ref.capabilities, shrink: false, replays: 0 });
    expect(outcome.failures).toHaveLength(1);
    expect(outcome.failure).toBe(outcome.failures[0]);
  }, 120_000);
});
