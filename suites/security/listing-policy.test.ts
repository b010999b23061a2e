// CRED-005 binds where another principal can list a job, which the kit's embedded reference
// never allows (it lists each principal's own jobs). This test runs the listing credential
// check where it binds: against a reference that lists every principal's jobs (the
// open-subscribe variant, a legal deployment policy, v1.1 §6.6), clean and with the defect on.
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

/** Verdicts of the CRED-005 check against a reference that lists every principal's jobs, with `defects` on. */
async function listingVerdicts(defects: DefectName[]): Promise<{ code: number | null; tests: RecordedTest[] }> {
  server = await startReference({ variants: ['open-subscribe'], defects });
  const [primary, secondary] = Object.keys(DEFAULT_TOKENS);
  const out = mkdtempSync(join(tmpdir(), 'arcp-listing-'));
  const env: NodeJS.ProcessEnv = { ...process.env, ARCP_TOKEN: primary, ARCP_TOKEN_2: secondary };
  for (const name of ['ARCP_PROFILE', 'ARCP_ONLY', 'ARCP_SKIP']) delete env[name];
  try {
    const run = await spawnCli(['run', '--url', server.url, '--only', 'suites/security/security.suite.ts,CRED-005', '--out', out], { cwd: KIT_ROOT, env, boundMs: RUN_MS });
    return { code: run.code, tests: (JSON.parse(readFileSync(join(out, 'record.json'), 'utf8')) as { tests: RecordedTest[] }).tests };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

describe('listing credentials against a deployment that lists every principal\'s jobs', () => {
  it('pass on the clean reference', async () => {
    const { code, tests } = await listingVerdicts([]);
    expect(tests.map((t) => t.verdict)).toEqual(['PASS']);
    expect(code).toBe(0);
  }, RUN_MS);

  it('catch list-rows-credentials', async () => {
    const { code, tests } = await listingVerdicts(['list-rows-credentials']);
    expect(tests.map((t) => `${t.verdict} ${t.requirements.join(',')}`)).toEqual(['FAIL CRED-005,CRED-006']);
    expect(code).toBe(1);
  }, RUN_MS);
});
