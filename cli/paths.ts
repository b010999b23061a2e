// Where the kit lives, so every command works from any working directory.
import { statSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package directory (this file lives in `<root>/cli/`). */
export const KIT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The conformance suites, relative to KIT_ROOT. */
export const DEFAULT_SUITES = 'suites/**/*.suite.ts';

/**
 * Suite files that need the server to themselves: they run after every other file, one at a
 * time. The leak check judges the server's memory, which other suites' jobs and sessions
 * would make grow (seen as a false LEAK-001 FAIL on a loaded machine).
 */
export const SOLO_SUITES: readonly string[] = ['suites/leak/leak.suite.ts'];

/**
 * Turns a --suites value (a glob, file or directory, relative to cwd or absolute) into a
 * glob relative to KIT_ROOT; a directory means every suite file below it.
 */
export function suiteGlob(value: string, cwd: string): string {
  const absolute = resolve(cwd, value);
  let isDirectory = false;
  try {
    isDirectory = statSync(absolute).isDirectory();
  } catch {
    // Not an existing path: a glob.
  }
  const glob = relative(KIT_ROOT, isDirectory ? `${absolute}/**/*.suite.ts` : absolute).split('\\').join('/');
  return glob === '' ? DEFAULT_SUITES : glob;
}
