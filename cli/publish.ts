// What `run` and `merge` do with a finished record: print the summary, write its views
// and, on request, a baseline, and answer with the exit code. Also the input checks both
// make before any work starts (the baseline file, the report directories).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { type Baseline, baselineFromFailures, parseBaseline } from '../reporters/baseline.ts';
import type { ConformanceRecord } from '../reporters/record.ts';
import type { OutputRedactor } from '../reporters/redact-output.ts';
import { summaryLines } from '../reporters/summary.ts';
import { type ReportTargets, writeReports } from '../reporters/write-reports.ts';
import { UsageError, oneLine } from './errors.ts';
import { readJsonFile } from './json-file.ts';
import type { Output } from './output.ts';

type Env = Readonly<Record<string, string | undefined>>;

export interface Publication {
  readonly reports: ReportTargets;
  /** Write a baseline covering this record's failures here. */
  readonly writeBaseline?: string;
}

export function readBaseline(path: string | undefined, cwd: string): { file: string; baseline: Baseline } | undefined {
  if (path === undefined) return undefined;
  const json = readJsonFile(resolve(cwd, path), `--baseline ${path}`);
  try {
    return { file: path, baseline: parseBaseline(json) };
  } catch (error) {
    throw new UsageError(`invalid --baseline ${path}: ${oneLine(error)}`);
  }
}

/** Every file the publication will write (the step summary aside: GitHub owns it). */
export function outputPaths(publication: Publication): string[] {
  const { reports, writeBaseline } = publication;
  return [
    ...[reports.json, reports.junit, reports.html].filter((p): p is string => p !== undefined),
    ...(reports.github !== undefined && reports.github !== 'step-summary' ? [reports.github] : []),
    ...(writeBaseline === undefined ? [] : [writeBaseline]),
  ];
}

/** Creates the directories files go to, before the work starts, so a bad path fails fast. */
export function prepareDirectories(paths: readonly string[]): void {
  for (const path of paths) {
    try {
      mkdirSync(dirname(path), { recursive: true });
    } catch (error) {
      throw new UsageError(`cannot create the directory for ${path} (${(error as NodeJS.ErrnoException).code ?? oneLine(error)})`);
    }
  }
}

function writeBaselineFile(record: ConformanceRecord, path: string, redact: OutputRedactor, out: Output): void {
  const failures = record.tests.filter((t) => t.blocking || t.baselined !== undefined);
  const baseline = baselineFromFailures(
    failures.map((t) => ({ key: t.key, failingRequirements: t.failingRequirements, ...(t.detail ? { detail: t.detail } : {}) })),
  );
  writeFileSync(path, redact(`${JSON.stringify(baseline, null, 2)}\n`), 'utf8');
  out.info(`Wrote baseline ${path} (${baseline.entries.length} entries)`);
}

/** Prints the summary, writes the reports (and baseline), and returns the exit code. */
export function publishRecord(record: ConformanceRecord, publication: Publication, redact: OutputRedactor, env: Env, out: Output): 0 | 1 {
  for (const line of summaryLines(record, { color: out.color, width: out.columns })) out.print(line);
  out.print('');
  const { written, notes } = writeReports(record, publication.reports, redact, env);
  for (const w of written) out.info(`Wrote ${w.kind === 'json' ? 'record' : w.kind} ${w.path}`);
  for (const note of notes) out.info(`Note: ${note}`);
  if (publication.writeBaseline !== undefined) writeBaselineFile(record, publication.writeBaseline, redact, out);
  return record.exit.code;
}
