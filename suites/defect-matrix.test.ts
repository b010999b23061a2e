// The example suites against the reference runtime: all PASS or N/A when it is clean, and
// every defect caught by a named test (suites/defect-matrix.json, written by
// `npm run defect-matrix`).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { DEFECT_NAMES } from '../reference/defects.ts';
import { EXAMPLE_SUITES, KIT_ROOT, catchingKeys, failingKeys, queuedRunTimeout, readMatrix, runKit, selectorsOf } from './defect-matrix.ts';

const RUN_TIMEOUT_MS = 5 * 60_000;
const matrix = readMatrix();

// The kit runs are independent subprocesses: they run concurrently, one per CPU (runKit).
describe.concurrent('the example suites against the reference runtime', () => {
  it('pass or are N/A, every one, when no defect is on', async () => {
    const run = await runKit(['--only', EXAMPLE_SUITES.join(',')], [], RUN_TIMEOUT_MS);
    const notPassing = run.tests
      .filter((t) => t.verdict !== 'PASS' && t.verdict !== 'NA')
      .map((t) => `${t.verdict} ${t.key}: ${t.detail ?? ''}`);
    expect(notPassing).toEqual([]);
    expect(run.code, run.stdout.slice(-2000)).toBe(0);
    expect(run.tests.length).toBeGreaterThanOrEqual(90);
  }, queuedRunTimeout(RUN_TIMEOUT_MS));

  it('has a matrix row for every defect of the reference runtime', () => {
    expect(Object.keys(matrix.defects).sort()).toEqual([...DEFECT_NAMES].sort());
  });

  for (const [defect, entry] of Object.entries(matrix.defects)) {
    if (entry.caughtWithVariants !== undefined) {
      it(`${defect}: still caught with every legal variant on (as measured)`, () => {
        expect(entry.caughtWithVariants?.length || entry.elsewhere !== undefined, `${defect} is caught by nothing with the variants on`).toBeTruthy();
      });
    }
    if (entry.caughtBy.length === 0) {
      it(`${defect}: no example test can see it, and the matrix names the test that does`, () => {
        expect(entry.elsewhere, `${defect} is caught by nothing`).toBeDefined();
        expect(existsSync(join(KIT_ROOT, entry.elsewhere?.test ?? '-'))).toBe(true);
      });
      continue;
    }
    // The first named test is re-run alone (its file and ids), which keeps this affordable.
    const [named] = entry.caughtBy;
    it(`${defect}: fails (or, for a SHOULD, warns) the test the matrix names first`, async () => {
      const run = await runKit(['--only', selectorsOf(named ?? '').join(',')], [defect], RUN_TIMEOUT_MS);
      expect(catchingKeys(run), run.stdout.slice(-1500)).toContain(named);
      // A defect that breaks only a SHOULD is caught as a WARN, which does not fail the run.
      if (!failingKeys(run).includes(named ?? '')) return expect(run.code).toBe(0);
      expect(run.code).toBe(1);
      // The JUnit file a CI system reads parses and names the broken requirement.
      expect(XMLValidator.validate(run.junit)).toBe(true);
      const failures = JSON.stringify(new XMLParser({ ignoreAttributes: false }).parse(run.junit));
      const ids = selectorsOf(named ?? '').slice(1);
      expect(ids.some((id) => failures.includes(id)), `JUnit names none of ${ids.join(', ')}`).toBe(true);
      // Its evidence highlights the frames that prove the violation, inside the window drawn.
      const evidence = run.tests.find((t) => t.key === named)?.evidence;
      expect(evidence?.witnesses.length, `${named} highlights no frame`).toBeGreaterThan(0);
      expect(evidence?.witnesses.filter((w) => !evidence.entries.some((e) => e.index === w))).toEqual([]);
    }, queuedRunTimeout(RUN_TIMEOUT_MS));
  }
});
