// The hostile server in its own process (hostile-server-main.ts), for the tests and the bench:
// its floods and huge frames then cost the kit's processes nothing.
import { fileURLToPath } from 'node:url';
import { launchServer, type LaunchedServer } from '../leak/server-process.ts';

const KIT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Starts it; `url` is its base (append misbehaviourPath(m)); stop() ends it. */
export function launchHostileServer(): Promise<LaunchedServer> {
  return launchServer('node --import tsx suites/hostile/hostile-server-main.ts', { timeoutMs: 30_000, cwd: KIT_ROOT });
}
