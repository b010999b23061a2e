// Some checks bind only under a deployment policy the kit's embedded reference does not run
// (a same-principal subscribe policy; a listing of every principal's jobs). Their project
// tests run the kit against a reference started with that policy: this is that run.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnCli } from '../cli/testing/spawn-cli.ts';
import { DEFAULT_TOKENS, type ReferenceOptions, startReference } from '../reference/index.ts';
import { KIT_ROOT, type RecordedTest, inKitSlot } from './defect-matrix.ts';

/** The bound of one such run, once it has its slot. */
export const POLICY_RUN_MS = 4 * 60_000;

/** How the run differs beyond the reference's options: a server profile, more `run` arguments. */
export interface RunExtras {
  readonly profile?: Record<string, unknown>;
  readonly args?: readonly string[];
}

/**
 * The kit's exit code and verdicts for `--only only` against a reference started with
 * `options`. Runs wait for a kit slot (one per CPU), so tests may start them concurrently.
 */
export function verdictsUnder(options: ReferenceOptions, only: string, extras: RunExtras = {}): Promise<{ code: number | null; tests: RecordedTest[] }> {
  return inKitSlot(() => runUnder(options, only, extras));
}

async function runUnder(options: ReferenceOptions, only: string, extras: RunExtras): Promise<{ code: number | null; tests: RecordedTest[] }> {
  const server = await startReference(options);
  const [primary, secondary] = Object.keys(DEFAULT_TOKENS);
  const out = mkdtempSync(join(tmpdir(), 'arcp-policy-'));
  const env: NodeJS.ProcessEnv = { ...process.env, ARCP_TOKEN: primary, ARCP_TOKEN_2: secondary };
  for (const name of ['ARCP_PROFILE', 'ARCP_ONLY', 'ARCP_SKIP', 'ARCP_MAX_WAIT_MS']) delete env[name];
  const args = ['run', '--url', server.url, '--only', only, '--out', join(out, 'report'), ...(extras.args ?? [])];
  if (extras.profile !== undefined) {
    writeFileSync(join(out, 'profile.json'), JSON.stringify(extras.profile));
    args.push('--profile', join(out, 'profile.json'));
  }
  try {
    const run = await spawnCli(args, { cwd: KIT_ROOT, env, boundMs: POLICY_RUN_MS });
    return { code: run.code, tests: (JSON.parse(readFileSync(join(out, 'report', 'record.json'), 'utf8')) as { tests: RecordedTest[] }).tests };
  } finally {
    rmSync(out, { recursive: true, force: true });
    await server.stop();
  }
}
