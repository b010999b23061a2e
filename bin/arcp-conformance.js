#!/usr/bin/env node
// Loads the TypeScript CLI through tsx, so the kit runs from source with no build step.
import { register } from 'tsx/esm/api';

/** Whether the command line runs vitest: `run` (also the default, and bare flags), `merge`, `list`. */
function runsVitest(argv) {
  const [first] = argv;
  if (first === undefined) return true;
  if (first.startsWith('-')) return !['--help', '-h', '--version'].includes(first);
  return ['run', 'merge', 'list'].includes(first);
}

// vite's transformer (rolldown, native) allocates with mimalloc, which by default commits its
// arenas eagerly: about 64 MB of the CLI process's RSS that a run never uses (measured: CLI
// peak 237 -> 173 MB with `--only jobs`). Set before vitest loads it; a user's own setting wins.
process.env.MIMALLOC_ARENA_EAGER_COMMIT ??= '0';

// vitest is JavaScript: loaded after tsx's hooks are registered, each of its modules goes
// through them, which cost ~4 s and ~170 MB of the CLI process's RSS (measured: 249 MB vs
// 80 MB after import). Loaded first, later imports of it find it in the module cache.
if (runsVitest(process.argv.slice(2))) await import('vitest/node');
register();
const { main } = await import('../cli/main.ts');
const code = await main(process.argv.slice(2));
// An interrupted run (130, 143) ends now: its reports are on disk and a server it started is
// stopped. Left to drain, the event loop's teardown drops the signal handlers before the process
// is gone, and the copy of the signal npx forwards could still kill it with the default action.
if (code === 130 || code === 143) process.exit(code);
process.exitCode = code;
