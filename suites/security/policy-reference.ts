// Some checks bind only under a deployment policy the kit's embedded reference does not run
// (a same-principal subscribe policy; a listing of every principal's jobs). Their project
// tests run the kit against a reference started with that policy: this is that run.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnCli } from '../../cli/testing/spawn-cli.ts';
import { DEFAULT_TOKENS, type ReferenceOptions, startReference } from '../../reference/index.ts';
import { KIT_ROOT, type RecordedTest } from '../defect-matrix.ts';

/** The bound of one such run. */
export const POLICY_RUN_MS = 4 * 60_000;

/** The kit's exit code and verdicts for `--only only` against a reference started with `options`. */
export async function verdictsUnder(options: ReferenceOptions, only: string): Promise<{ code: number | null; tests: RecordedTest[] }> {
  const server = await startReference(options);
  const [primary, secondary] = Object.keys(DEFAULT_TOKENS);
  const out = mkdtempSync(join(tmpdir(), 'arcp-policy-'));
  const env: NodeJS.ProcessEnv = { ...process.env, ARCP_TOKEN: primary, ARCP_TOKEN_2: secondary };
  for (const name of ['ARCP_PROFILE', 'ARCP_ONLY', 'ARCP_SKIP']) delete env[name];
  try {
    const run = await spawnCli(['run', '--url', server.url, '--only', only, '--out', out], { cwd: KIT_ROOT, env, boundMs: POLICY_RUN_MS });
    return { code: run.code, tests: (JSON.parse(readFileSync(join(out, 'record.json'), 'utf8')) as { tests: RecordedTest[] }).tests };
  } finally {
    rmSync(out, { recursive: true, force: true });
    await server.stop();
  }
}
