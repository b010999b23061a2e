// The existence checks (LIST-008) are N/A where the deployment lets other principals observe
// jobs, which is how the kit's embedded reference runs (subscribePolicy "any", so the
// foreign-subscriber checks can run). This test runs them where they bind: against a
// reference with the default same-principal policy, clean and with the leak on.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnCli } from '../../cli/testing/spawn-cli.ts';
import { DEFAULT_TOKENS, type DefectName, type ReferenceServer, startReference } from '../../reference/index.ts';
import { KIT_ROOT, type RecordedTest } from '../defect-matrix.ts';

const RUN_MS = 4 * 60_000;
let server: ReferenceServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

/** Verdicts of the existence suite against a same-principal reference with `defects` on. */
async function existenceVerdicts(defects: DefectName[]): Promise<{ code: number | null; tests: RecordedTest[] }> {
  server = await startReference({ subscribePolicy: 'same-principal', defects });
  const [primary, secondary] = Object.keys(DEFAULT_TOKENS);
  const out = mkdtempSync(join(tmpdir(), 'arcp-existence-'));
  const env: NodeJS.ProcessEnv = { ...process.env, ARCP_TOKEN: primary, ARCP_TOKEN_2: secondary };
  for (const name of ['ARCP_PROFILE', 'ARCP_ONLY', 'ARCP_SKIP']) delete env[name];
  try {
    const run = await spawnCli(['run', '--url', server.url, '--only', 'suites/security/existence.suite.ts,LIST-008', '--out', out], { cwd: KIT_ROOT, env, boundMs: RUN_MS });
    return { code: run.code, tests: (JSON.parse(readFileSync(join(out, 'record.json'), 'utf8')) as { tests: RecordedTest[] }).tests };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

describe('existence checks against a same-principal deployment', () => {
  it('pass on the clean reference', async () => {
    const { code, tests } = await existenceVerdicts([]);
    expect(tests.map((t) => t.verdict)).toEqual(['PASS']);
    expect(code).toBe(0);
  }, RUN_MS);

  it('catch cancel-reveals-existence', async () => {
    const { code, tests } = await existenceVerdicts(['cancel-reveals-existence']);
    expect(tests.map((t) => `${t.verdict} ${t.requirements.join(',')}`)).toEqual(['FAIL LIST-008']);
    expect(code).toBe(1);
  }, RUN_MS);
});
