// Runs the kit as a user would against the Python SDK host: the CLI in a subprocess,
// `run --server-cmd "bash adapters/python/run-host.sh ..."`, with short server timers so the
// heartbeat, resume-window and leak checks are judged rather than UNTESTABLE. Shared by the
// adapter's test and its expectations update script, so both see the same run.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KIT_ROOT } from '../../cli/paths.ts';
import { spawnCli } from '../../cli/testing/spawn-cli.ts';
import type { ConformanceRecord } from '../../reporters/record.ts';

export const HERE = join(KIT_ROOT, 'adapters', 'python');
export const EXPECTATIONS_PATH = join(HERE, 'expected.json');
const VENV_PYTHON = join(KIT_ROOT, '.arcp-conformance', 'python-venv', 'bin', 'python');

/** Server timers of the host: short, so the kit can wait them out. */
export const HEARTBEAT_SEC = 2;
export const RESUME_WINDOW_SEC = 5;
/** Longest server timer a test may wait for: the resume window plus a loaded machine's slack. */
const MAX_WAIT_MS = 20_000;
/** Fixed property seed: the same scenarios every run, so a changed verdict means a changed kit or server. */
export const SEED = 20261202;
/** Bound of the whole kit run (idle: about 2 minutes). */
export const RUN_BOUND_MS = 12 * 60_000;

export interface KitRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly outDir: string;
  readonly record?: ConformanceRecord;
}

/** A clear error when setup.sh has not built the venv (npm test runs it first). */
export function requireVenv(): void {
  if (!existsSync(VENV_PYTHON)) {
    throw new Error(`no Python SDK venv at ${VENV_PYTHON}: run 'bash adapters/python/setup.sh' (npm test does)`);
  }
}

export function kitArgs(outDir: string): string[] {
  return [
    'run',
    '--server-cmd',
    `bash adapters/python/run-host.sh --heartbeat ${HEARTBEAT_SEC} --resume-window ${RESUME_WINDOW_SEC}`,
    '--profile',
    join(HERE, 'profile.json'),
    '--max-wait',
    String(MAX_WAIT_MS),
    '--seed',
    String(SEED),
    '--out',
    outDir,
  ];
}

export async function runKitOnPythonHost(): Promise<KitRun> {
  requireVenv();
  const outDir = mkdtempSync(join(tmpdir(), 'arcp-python-sdk-'));
  // Throwaway tokens for two principals; the host reads the same environment.
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ARCP_') && k !== 'GITHUB_STEP_SUMMARY'));
  const env = { ...clean, NO_COLOR: '1', ARCP_TOKEN: `py-a-${randomBytes(8).toString('hex')}`, ARCP_TOKEN_2: `py-b-${randomBytes(8).toString('hex')}` };
  const result = await spawnCli(kitArgs(outDir), { cwd: KIT_ROOT, env, boundMs: RUN_BOUND_MS });
  const recordPath = join(outDir, 'record.json');
  const record = existsSync(recordPath) ? (JSON.parse(readFileSync(recordPath, 'utf8')) as ConformanceRecord) : undefined;
  return { ...result, outDir, ...(record === undefined ? {} : { record }) };
}
