// Recall is measured by defects (DESIGN §8): every observable MUST of the catalogue is broken
// by a reference defect that the kit catches, or is listed, knowingly, in
// suites/defect-debt.json. Each defect names the requirements it breaks (reference/defects.ts)
// and the defect matrix (suites/defect-matrix.json) names the tests that catch it; this test
// holds the three together.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFECTS as CATALOGUED, type Defect } from '../reference/defects.ts';
import { REQUIREMENTS } from '../spec/requirements.ts';
import { KIT_ROOT, readMatrix, selectorsOf } from './defect-matrix.ts';

const debt = (JSON.parse(readFileSync(join(KIT_ROOT, 'suites', 'defect-debt.json'), 'utf8')) as { withoutDefect: string[] }).withoutDefect;
const matrix = readMatrix();
const DEFECTS: readonly Defect[] = CATALOGUED;
const observableMusts = REQUIREMENTS.filter((r) => r.observable && r.level === 'MUST');

/** Whether the matrix shows the defect caught: by a named example test, or by the test it names elsewhere. */
function caught(name: string): boolean {
  const entry = matrix.defects[name];
  return entry !== undefined && (entry.caughtBy.length > 0 || entry.elsewhere !== undefined);
}

describe('every observable MUST is broken by a defect the kit catches', () => {
  it('each defect names observable requirements of the catalogue', () => {
    const known = new Map(REQUIREMENTS.map((r) => [r.id, r]));
    const bad = DEFECTS.flatMap((d) => (d.requirements.length === 0 ? [`${d.name}: none`] : d.requirements.filter((id) => !known.get(id)?.observable).map((id) => `${d.name}: ${id}`)));
    expect(bad).toEqual([]);
  });

  it('each defect is caught by a test that judges one of the requirements it breaks', () => {
    const unrelated = DEFECTS.filter((d) => {
      const keys = matrix.defects[d.name]?.caughtBy ?? [];
      if (keys.length === 0) return false; // caught elsewhere (the matrix says where), or not at all (next test)
      return !keys.some((key) => selectorsOf(key).slice(1).some((id) => d.requirements.includes(id)));
    }).map((d) => `${d.name} (breaks ${d.requirements.join(', ')}; caught by ${(matrix.defects[d.name]?.caughtBy ?? []).join(' | ')})`);
    expect(unrelated).toEqual([]);
  });

  it('no observable MUST is without a caught defect unless suites/defect-debt.json lists it', () => {
    const broken = new Set(DEFECTS.filter((d) => caught(d.name)).flatMap((d) => d.requirements));
    const without = observableMusts.filter((r) => !broken.has(r.id)).map((r) => r.id);
    const unlisted = without.filter((id) => !debt.includes(id));
    const settled = debt.filter((id) => !without.includes(id));
    console.log(`observable MUSTs broken by a caught defect: ${observableMusts.length - without.length}/${observableMusts.length}; listed as debt: ${debt.length}`);
    expect(unlisted, 'observable MUSTs with no defect the kit catches: add a defect (reference/defects.ts) that breaks each').toEqual([]);
    expect(settled, 'debt entries that now have a caught defect: remove them from suites/defect-debt.json').toEqual([]);
  });
});
