// The package as a user gets it: `npm pack` ships what a user runs and nothing else, and the
// tarball, installed into an empty folder, runs from node_modules/.bin. The install prefers
// npm's cache (fast where the kit's own dependencies were installed), and still reaches the
// registry for what the cache lacks.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConformanceRecord } from '../reporters/record.ts';
import { KIT_ROOT } from './paths.ts';

/** Every step is bounded; a cold npm cache on a busy runner is the slow case. */
const STEP_BOUND_MS = 180_000;

interface Packed {
  readonly filename: string;
  readonly files: readonly { readonly path: string }[];
}

function sh(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = process.env) {
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', timeout: STEP_BOUND_MS });
  if (result.error) throw result.error;
  return result;
}

/** The environment of a user's shell: none of this test run's ARCP_* or npm_* settings. */
function userEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ARCP_') && !k.startsWith('npm_') && k !== 'GITHUB_STEP_SUMMARY'));
}

describe('the npm package', { timeout: 3 * STEP_BOUND_MS }, () => {
  const root = mkdtempSync(join(tmpdir(), 'arcp-package-'));
  const app = join(root, 'app');
  let packed: Packed;

  beforeAll(() => {
    const pack = sh('npm', ['pack', '--json', '--pack-destination', root], KIT_ROOT, userEnv());
    expect(pack.status, pack.stderr).toBe(0);
    packed = (JSON.parse(pack.stdout) as Packed[])[0] as Packed;
  }, STEP_BOUND_MS);

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('ships the command, the suites, the reference runtime and the fixtures, and no tests, benches or CI files', () => {
    const paths = packed.files.map((f) => f.path);
    expect(paths).toEqual(expect.arrayContaining(['package.json', 'README.md', 'bin/arcp-conformance.js', 'cli/main.ts', 'reference/serve.ts', 'spec/json/index.json', 'suites/global-setup.ts']));
    expect(paths.some((p) => p.startsWith('fixtures/audit/'))).toBe(true);
    expect(paths.filter((p) => p.endsWith('.suite.ts')).length).toBeGreaterThan(10);
    expect(paths.filter((p) => /\.test\.ts$|(^|\/)testing\/|^bench\/|^\.ci\/|^\.github\/|vitest\.config|defect-matrix|(^|\/)hostile\//.test(p))).toEqual([]);
  });

  it('installs into an empty folder and runs from node_modules/.bin against the embedded reference', () => {
    mkdirSync(app);
    const install = sh('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--no-package-lock', join(root, packed.filename)], app, userEnv());
    expect(install.status, install.stderr).toBe(0);
    const bin = join(app, 'node_modules', '.bin', 'arcp-conformance');
    expect(existsSync(bin)).toBe(true);

    const version = sh(bin, ['--version'], app, userEnv());
    expect(version.status, version.stderr).toBe(0);
    expect(version.stdout).toMatch(/^arcp-conformance \d+\.\d+\.\d+ \(requirement catalogue .+\)\n$/);

    // HELLO-001 is judged by one example file only: a short run (ENV-002 would load the property campaigns too).
    const run = sh(bin, ['run', '--only', 'HELLO-001', '--out', 'report'], app, { ...userEnv(), NO_COLOR: '1' });
    expect(run.status, `${run.stdout.slice(-2000)}\n${run.stderr.slice(-2000)}`).toBe(0);
    const record = JSON.parse(readFileSync(join(app, 'report', 'record.json'), 'utf8')) as ConformanceRecord;
    expect(record.target.embedded).toBe(true);
    expect(record.requirements.find((r) => r.id === 'HELLO-001')?.verdict).toBe('PASS');
  });
});
