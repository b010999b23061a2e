// The one command that runs a single failed test again: its suite file (--suites) and its
// requirement ids (--only), against the same target, with the settings that shape verdicts.
import { isAbsolute, relative, resolve } from 'node:path';
import type { RunSettings } from '../reporters/record.ts';
import { DEFAULT_MAX_WAIT_MS, DEFAULT_TIMEOUT_MS } from '../suites/harness/config.ts';
import { KIT_ROOT } from './paths.ts';

export interface RerunTarget {
  /** The URL as shown (no credentials); undefined for the embedded reference runtime. */
  readonly url?: string;
  readonly defects: readonly string[];
  readonly profilePath?: string;
}

function shellWord(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}

/** `npx arcp-conformance run --url URL --suites suites/x.suite.ts --only ID,ID ...`; the file from `cwd`'s point of view. */
export function rerunCommand(file: string, requirements: readonly string[], target: RerunTarget, settings: RunSettings, cwd: string): string {
  const absolute = resolve(KIT_ROOT, file);
  const fromCwd = relative(cwd, absolute);
  const shown = fromCwd !== '' && !fromCwd.startsWith('..') && !isAbsolute(fromCwd) ? fromCwd : absolute;
  const words = ['npx', 'arcp-conformance', 'run'];
  if (target.url !== undefined) words.push('--url', target.url);
  for (const defect of target.defects) words.push('--defect', defect);
  if (target.profilePath !== undefined) words.push('--profile', target.profilePath);
  words.push('--suites', shown);
  if (requirements.length > 0) words.push('--only', requirements.join(','));
  if (settings.seed !== undefined) words.push('--seed', String(settings.seed));
  if (settings.timeoutMs !== DEFAULT_TIMEOUT_MS) words.push('--timeout', String(settings.timeoutMs));
  if (settings.maxWaitMs !== DEFAULT_MAX_WAIT_MS) words.push('--max-wait', String(settings.maxWaitMs));
  if (settings.strict) words.push('--strict');
  if (settings.allowUntestable) words.push('--allow-untestable');
  return words.map(shellWord).join(' ');
}
