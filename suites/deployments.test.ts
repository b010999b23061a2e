// Checks the embedded example run cannot reach, run where they bind: against a reference
// deployed as a real server would be (the default same-principal subscribe policy), with a
// profile that says the server speaks the v1.0 close (session.bye), or with a wait budget
// long enough for the default cancel grace. Each runs clean (it must pass) and with the
// defect that only it can see (it must fail the requirement the defect breaks).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnCli } from '../cli/testing/spawn-cli.ts';
import { DEFAULT_TOKENS, type DefectName, type ReferenceOptions, type ReferenceServer, startReference } from '../reference/index.ts';
import { KIT_ROOT, type RecordedTest } from './defect-matrix.ts';

const RUN_MS = 4 * 60_000;
let server: ReferenceServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

interface Deployment {
  /** What makes the deployment differ from the embedded run. */
  readonly what: string;
  readonly reference: ReferenceOptions;
  /** `--only` selectors: the suite file and the requirement ids. */
  readonly only: readonly string[];
  readonly profile?: Record<string, unknown>;
  readonly args?: readonly string[];
  /** The defect only this deployment can see, and the requirement it must fail. */
  readonly defects: ReadonlyArray<{ readonly name: DefectName; readonly fails: string }>;
}

const DEPLOYMENTS: readonly Deployment[] = [
  {
    what: 'the default same-principal subscribe policy',
    reference: { subscribePolicy: 'same-principal' },
    only: ['suites/subscribe/subscribe.suite.ts', 'SUB-007', 'SUB-008'],
    defects: [
      { name: 'subscribe-observe-before-check', fails: 'SUB-007' },
      { name: 'subscribe-live-unchecked', fails: 'SUB-008' },
    ],
  },
  {
    what: 'a server that speaks the v1.0 close (profile closeForm session.bye)',
    reference: {},
    only: ['suites/session/session.suite.ts', 'CLOSE-004'],
    profile: { closeForm: 'session.bye' },
    defects: [{ name: 'bye-keeps-streaming', fails: 'CLOSE-004' }],
  },
  {
    what: 'a wait budget longer than the default cancel grace (--max-wait 45000)',
    reference: {},
    only: ['suites/cancel/cancel.suite.ts', 'CANCEL-005'],
    args: ['--max-wait', '45000'],
    defects: [{ name: 'linger-waits-for-agent', fails: 'CANCEL-005' }],
  },
];

/** The kit's verdicts on the deployment's selection, against a reference with `defects` on. */
async function verdicts(d: Deployment, defects: DefectName[]): Promise<{ code: number | null; tests: RecordedTest[] }> {
  server = await startReference({ ...d.reference, defects });
  const [primary, secondary] = Object.keys(DEFAULT_TOKENS);
  const out = mkdtempSync(join(tmpdir(), 'arcp-deployment-'));
  const env: NodeJS.ProcessEnv = { ...process.env, ARCP_TOKEN: primary, ARCP_TOKEN_2: secondary };
  for (const name of ['ARCP_PROFILE', 'ARCP_ONLY', 'ARCP_SKIP', 'ARCP_MAX_WAIT_MS']) delete env[name];
  const profileArgs: string[] = [];
  if (d.profile !== undefined) {
    writeFileSync(join(out, 'profile.json'), JSON.stringify(d.profile));
    profileArgs.push('--profile', join(out, 'profile.json'));
  }
  try {
    const argv = ['run', '--url', server.url, '--only', d.only.join(','), '--out', join(out, 'report'), ...profileArgs, ...(d.args ?? [])];
    const run = await spawnCli(argv, { cwd: KIT_ROOT, env, boundMs: RUN_MS });
    return { code: run.code, tests: (JSON.parse(readFileSync(join(out, 'report', 'record.json'), 'utf8')) as { tests: RecordedTest[] }).tests };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

for (const d of DEPLOYMENTS) {
  describe(`against ${d.what}`, () => {
    it('the clean reference passes', async () => {
      const { code, tests } = await verdicts(d, []);
      expect(tests.length).toBeGreaterThan(0);
      expect(tests.map((t) => `${t.verdict} ${t.requirements.join(',')}`).filter((v) => !v.startsWith('PASS'))).toEqual([]);
      expect(code).toBe(0);
    }, RUN_MS);

    for (const defect of d.defects) {
      it(`catches ${defect.name} (${defect.fails})`, async () => {
        const { code, tests } = await verdicts(d, [defect.name]);
        const failed = tests.filter((t) => t.verdict === 'FAIL').flatMap((t) => (t.outcomes ?? []).filter((o) => o.verdict === 'FAIL').map((o) => o.id));
        expect(failed).toContain(defect.fails);
        expect(code).toBe(1);
      }, RUN_MS);
    }
  });
}
