// Checks the embedded example run cannot reach, run where they bind: against a reference
// deployed as a real server would be (the default same-principal subscribe policy, or a
// listing of every principal's jobs), with a profile that says the server speaks the v1.0
// close (session.bye), or with a wait budget long enough for the default cancel grace. Each runs clean (it must pass) and with the
// defect that only it can see (it must fail the requirement the defect breaks).
import { describe, expect, it } from 'vitest';
import type { DefectName, ReferenceOptions } from '../reference/index.ts';
import { POLICY_RUN_MS, type RunExtras, verdictsUnder } from './deployment-run.ts';
import { queuedRunTimeout } from './defect-matrix.ts';

interface Deployment {
  /** What makes the deployment differ from the embedded run. */
  readonly what: string;
  readonly reference: ReferenceOptions;
  /** `--only` selectors: the suite file and the requirement ids. */
  readonly only: string;
  readonly extras?: RunExtras;
  /** The defects only this deployment can see, and the requirement each must fail. */
  readonly defects: ReadonlyArray<{ readonly name: DefectName; readonly fails: string }>;
}

const DEPLOYMENTS: readonly Deployment[] = [
  {
    // First: its defect run waits out the 30 s grace, so it starts while the others run.
    what: 'a wait budget longer than the default cancel grace (--max-wait 45000)',
    reference: {},
    only: 'suites/cancel/cancel.suite.ts,CANCEL-005',
    extras: { args: ['--max-wait', '45000'] },
    defects: [{ name: 'linger-waits-for-agent', fails: 'CANCEL-005' }],
  },
  {
    what: 'the default same-principal subscribe policy',
    reference: { subscribePolicy: 'same-principal' },
    only: 'suites/subscribe/subscribe.suite.ts,SUB-007,SUB-008',
    defects: [
      { name: 'subscribe-observe-before-check', fails: 'SUB-007' },
      { name: 'subscribe-live-unchecked', fails: 'SUB-008' },
    ],
  },
  {
    // The embedded run lets other principals subscribe, so job existence is no secret there.
    what: 'the default same-principal subscribe policy, for job existence',
    reference: { subscribePolicy: 'same-principal' },
    only: 'suites/security/existence.suite.ts,LIST-008',
    defects: [{ name: 'cancel-reveals-existence', fails: 'LIST-008' }],
  },
  {
    // The embedded reference lists only a principal's own jobs, so no other principal sees a row.
    what: "a listing of every principal's jobs (the open-subscribe variant, a legal policy, v1.1 §6.6)",
    reference: { variants: ['open-subscribe'] },
    only: 'suites/security/security.suite.ts,CRED-005',
    defects: [{ name: 'list-rows-credentials', fails: 'CRED-005' }],
  },
  {
    what: 'a server that speaks the v1.0 close (profile closeForm session.bye)',
    reference: {},
    only: 'suites/session/session.suite.ts,CLOSE-004',
    extras: { profile: { closeForm: 'session.bye' } },
    defects: [{ name: 'bye-keeps-streaming', fails: 'CLOSE-004' }],
  },
];

// Each run is its own reference and kit subprocess: they run concurrently, one per CPU.
describe.concurrent('the checks the embedded run cannot reach', () => {
  for (const d of DEPLOYMENTS) {
    describe(`against ${d.what}`, () => {
      it('the clean reference passes', async () => {
        const { code, tests } = await verdictsUnder(d.reference, d.only, d.extras);
        expect(tests.length).toBeGreaterThan(0);
        expect(tests.map((t) => `${t.verdict} ${t.requirements.join(',')}`).filter((v) => !v.startsWith('PASS'))).toEqual([]);
        expect(code).toBe(0);
      }, queuedRunTimeout(POLICY_RUN_MS));

      for (const defect of d.defects) {
        it(`catches ${defect.name} (${defect.fails})`, async () => {
          const { code, tests } = await verdictsUnder({ ...d.reference, defects: [defect.name] }, d.only, d.extras);
          const failed = tests.filter((t) => t.verdict === 'FAIL').flatMap((t) => (t.outcomes ?? []).filter((o) => o.verdict === 'FAIL').map((o) => o.id));
          expect(failed).toContain(defect.fails);
          expect(code).toBe(1);
        }, queuedRunTimeout(POLICY_RUN_MS));
      }
    });
  }
});
