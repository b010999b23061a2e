// The audit fixtures keep their promise: each fails against the reference runtime with its
// defect switched on and passes with it off. The leak has no wire symptom, so its check uses
// the reference's own bookkeeping (the stats probe). Its scenario (one subscriber, a job of
// one event) is too small to move a process's RSS, so memory sampling is not its proof: the
// RSS leak check in suites/leak (--server-cmd) runs a chatty scenario of its own for that.
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseFixture } from '../../cli/fixture-schema.ts';
import { AUDIT_FIXTURES_DIR, KIT_ROOT, readFixtureJson } from '../properties/fixtures.ts';
import { LEAK_RESUME_WINDOW_SEC, referenceLeakProbe } from '../properties/testing/reference-leak-probe.ts';
import { startReferenceTarget, type ReferenceTarget } from '../properties/testing/reference-target.ts';
import { AUDIT_SEEDS, auditFixtureName, type AuditSeed } from './audit-seeds.ts';
import { loadFixture, replayUntilViolation, type SavedFixture } from './fixture-replay.ts';

/** Replays with the defect on (stopping at the first hit): a shrunk concurrency failure may reproduce only every other time. */
const REPLAYS_ON = 20;
/** Replays with the defect off: none may show a violation. */
const REPLAYS_OFF = 3;

function fixtureOf(seed: AuditSeed): SavedFixture {
  const loaded = loadFixture(join(AUDIT_FIXTURES_DIR, auditFixtureName(seed)));
  if (!loaded.ok) throw new Error(`${relative(KIT_ROOT, loaded.file)}: ${loaded.problem}`);
  return loaded.fixture;
}

async function withReference<T>(seed: AuditSeed, defectOn: boolean, body: (ref: ReferenceTarget) => Promise<T>): Promise<T> {
  const ref = await startReferenceTarget(defectOn ? [seed.defect] : [], seed.needsProbe ? { resumeWindowSec: LEAK_RESUME_WINDOW_SEC } : {});
  try {
    return await body(ref);
  } finally {
    await ref.stop();
  }
}

function probeFor(seed: AuditSeed, ref: ReferenceTarget) {
  return seed.needsProbe ? referenceLeakProbe(ref.server, ref.resumeWindowMs) : undefined;
}

describe('audit fixtures', () => {
  for (const seed of AUDIT_SEEDS) {
    describe(`${seed.defect} (${seed.report})`, () => {
      let fixture: SavedFixture;
      beforeAll(() => {
        fixture = fixtureOf(seed);
      });

      it('is a valid replay fixture that names its defect and report', () => {
        const file = join(AUDIT_FIXTURES_DIR, auditFixtureName(seed));
        const parsed = parseFixture(readFixtureJson(file), file);
        expect(parsed.defect).toBe(seed.defect);
        expect(parsed.report).toBe(seed.report);
        expect(parsed.reproduced?.hits).toBeGreaterThan(0);
        expect(fixture.scenario.property).toBe(seed.property);
      });

      it('fails against the reference with the defect on', async () => {
        const outcome = await withReference(seed, true, (ref) => replayUntilViolation(fixture.scenario, ref.target, REPLAYS_ON, probeFor(seed, ref)));
        expect(outcome.hits, `no violation in ${REPLAYS_ON} replays`).toBe(1);
        expect(outcome.violations.map((v) => v.requirement)).toEqual(expect.arrayContaining([...fixture.violated]));
      }, 60_000);

      it('passes against the reference with the defect off', async () => {
        const outcome = await withReference(seed, false, (ref) => replayUntilViolation(fixture.scenario, ref.target, REPLAYS_OFF, probeFor(seed, ref)));
        expect(outcome.violations.map((v) => `${v.requirement}: ${v.message}`)).toEqual([]);
      }, 60_000);
    });
  }
});
