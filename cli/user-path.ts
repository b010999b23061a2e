// A path the user named on the command line (a run's directory, a shard, a record): where it
// is, and whether it is a directory; one line when it cannot be read.
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError, oneLine } from './errors.ts';

export function statUserPath(path: string, cwd: string): { readonly absolute: string; readonly isDirectory: boolean } {
  const absolute = resolve(cwd, path);
  try {
    return { absolute, isDirectory: statSync(absolute).isDirectory() };
  } catch (error) {
    throw new UsageError(`cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? oneLine(error)})`);
  }
}
