// The existence checks (LIST-008) are N/A where the deployment lets other principals observe
// jobs, which is how the kit's embedded reference runs (subscribePolicy "any", so the
// foreign-subscriber checks can run). This test runs them where they bind: against a
// reference with the default same-principal policy, clean and with the leak on.
import { describe, expect, it } from 'vitest';
import type { DefectName } from '../../reference/index.ts';
import { POLICY_RUN_MS, verdictsUnder } from './policy-reference.ts';

/** Verdicts of the existence suite against a same-principal reference with `defects` on. */
function existenceVerdicts(defects: DefectName[]) {
  return verdictsUnder({ subscribePolicy: 'same-principal', defects }, 'suites/security/existence.suite.ts,LIST-008');
}

describe('existence checks against a same-principal deployment', () => {
  it('pass on the clean reference', async () => {
    const { code, tests } = await existenceVerdicts([]);
    expect(tests.map((t) => t.verdict)).toEqual(['PASS']);
    expect(code).toBe(0);
  }, POLICY_RUN_MS);

  it('catch cancel-reveals-existence', async () => {
    const { code, tests } = await existenceVerdicts(['cancel-reveals-existence']);
    expect(tests.map((t) => `${t.verdict} ${t.requirements.join(',')}`)).toEqual(['FAIL LIST-008']);
    expect(code).toBe(1);
  }, POLICY_RUN_MS);
});
