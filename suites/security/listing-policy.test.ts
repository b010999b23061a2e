// CRED-005 binds where another principal can list a job, which the kit's embedded reference
// never allows (it lists each principal's own jobs). This test runs the listing credential
// check where it binds: against a reference that lists every principal's jobs (the
// open-subscribe variant, a legal deployment policy, v1.1 §6.6), clean and with the defect on.
import { describe, expect, it } from 'vitest';
import type { DefectName } from '../../reference/index.ts';
import { POLICY_RUN_MS, verdictsUnder } from './policy-reference.ts';

/** Verdicts of the CRED-005 check against a reference that lists every principal's jobs, with `defects` on. */
function listingVerdicts(defects: DefectName[]) {
  return verdictsUnder({ variants: ['open-subscribe'], defects }, 'suites/security/security.suite.ts,CRED-005');
}

describe("listing credentials against a deployment that lists every principal's jobs", () => {
  it('pass on the clean reference', async () => {
    const { code, tests } = await listingVerdicts([]);
    expect(tests.map((t) => t.verdict)).toEqual(['PASS']);
    expect(code).toBe(0);
  }, POLICY_RUN_MS);

  it('catch list-rows-credentials', async () => {
    const { code, tests } = await listingVerdicts(['list-rows-credentials']);
    expect(tests.map((t) => `${t.verdict} ${t.requirements.join(',')}`)).toEqual(['FAIL CRED-005,CRED-006']);
    expect(code).toBe(1);
  }, POLICY_RUN_MS);
});
