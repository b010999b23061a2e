// The third audit seed replays by the same command as the others: `replay FIXTURE
// --server-cmd CMD` runs its scenario amplified under the RSS check (leak-replay.ts) and
// exits 1 against the subscription-leak defect, 0 against the clean reference.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnCli } from '../../cli/testing/spawn-cli.ts';
import { KIT_ROOT } from '../defect-matrix.ts';

const FIXTURE = join('fixtures', 'audit', 'subscription-leak.json');
const SERVE = 'node bin/arcp-conformance.js serve --port 0 --resume-window-sec 2';

function replay(serverCmd: string) {
  const env: NodeJS.ProcessEnv = { ...process.env, ARCP_TOKEN: 'tok-alice' };
  for (const name of ['ARCP_URL', 'ARCP_TOKEN_2', 'ARCP_PROFILE']) delete env[name];
  return spawnCli(['replay', FIXTURE, '--server-cmd', serverCmd], { cwd: KIT_ROOT, env, boundMs: 120_000 });
}

describe('replay of the subscription-leak audit fixture', () => {
  it('exits 1 against the leak defect and 0 against the clean reference', async () => {
    const [leaky, clean] = await Promise.all([replay(`${SERVE} --defect subscription-leak`), replay(SERVE)]);
    expect(leaky.stdout, leaky.stderr).toMatch(/replay 1\/1: LEAK-001: /);
    expect(leaky.code).toBe(1);
    expect(clean.stdout, clean.stderr).toMatch(/The server passes/);
    expect(clean.code).toBe(0);
  }, 150_000);

  it('without --server-cmd says how to replay it, exit 2', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const name of ['ARCP_URL', 'ARCP_TOKEN', 'ARCP_TOKEN_2', 'ARCP_PROFILE']) delete env[name];
    const run = await spawnCli(['replay', FIXTURE], { cwd: KIT_ROOT, env, boundMs: 60_000 });
    expect(run.stderr).toMatch(/--server-cmd/);
    expect(run.code).toBe(2);
  }, 90_000);
});
