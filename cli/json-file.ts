// A JSON file the user pointed the command at (baseline, profile, fixture, shard context):
// its parsed value, or one line saying it could not be read or is not JSON.
import { readFileSync } from 'node:fs';
import { UsageError } from './errors.ts';

/** `what` names the file in messages, e.g. `--baseline ci/baseline.json`. */
export function readJsonFile(absolutePath: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(absolutePath, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${what} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new UsageError(`${what} is not valid JSON`);
  }
}
