// Writes the record and its views. Every text passes through the output redactor on its
// way to disk, whatever the view did.
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { recordToMarkdown } from './github-summary.ts';
import { recordToHtml } from './html.ts';
import { recordToJUnit } from './junit.ts';
import type { ConformanceRecord } from './record.ts';
import type { OutputRedactor } from './redact-output.ts';
import { writeJsonFile } from './json-stream.ts';
import { withinBudget } from './report-budget.ts';

export type ReportKind = 'json' | 'junit' | 'html' | 'github';

export const REPORT_KINDS: readonly ReportKind[] = ['json', 'junit', 'html', 'github'];

/** Where each view goes. `github: 'step-summary'` means $GITHUB_STEP_SUMMARY. */
export interface ReportTargets {
  readonly json?: string;
  readonly junit?: string;
  readonly html?: string;
  readonly github?: string | 'step-summary';
}

export interface WrittenReports {
  readonly written: readonly { readonly kind: ReportKind; readonly path: string }[];
  /** Things the user should know (e.g. no step summary outside GitHub Actions). */
  readonly notes: readonly string[];
}

const RENDER: Record<Exclude<ReportKind, 'json'>, (record: ConformanceRecord) => string> = {
  junit: recordToJUnit,
  html: recordToHtml,
  github: recordToMarkdown,
};

function write(path: string, text: string, append: boolean): void {
  mkdirSync(dirname(path), { recursive: true });
  if (append) appendFileSync(path, text, 'utf8');
  else writeFileSync(path, text, 'utf8');
}

/** The record without the parts that grow with the data: what a view falls back to. */
function essentials(record: ConformanceRecord): ConformanceRecord {
  return { ...record, tests: record.tests.map(({ evidence: _e, message: _m, ...test }) => test) };
}

function render(kind: ReportKind, record: ConformanceRecord, path: string, append: boolean, redact: OutputRedactor): void {
  if (kind === 'json') {
    mkdirSync(dirname(path), { recursive: true });
    writeJsonFile(path, record, redact); // streamed: never one string the size of the record
  } else {
    write(path, redact(RENDER[kind](record)), append);
  }
}

/**
 * Writes every requested view. A view never fails the others: the record is first held to
 * its evidence budget, and a view that still cannot be written (a renderer's bug, a value it
 * cannot take) is written again from the record's essentials, with a note.
 */
export function writeReports(
  full: ConformanceRecord,
  targets: ReportTargets,
  redact: OutputRedactor,
  env: Readonly<Record<string, string | undefined>>,
): WrittenReports {
  const written: { kind: ReportKind; path: string }[] = [];
  const notes: string[] = [];
  const { record: budgeted, elided } = withinBudget(full);
  const record = elided === undefined ? budgeted : { ...budgeted, elided };
  if (elided !== undefined) {
    notes.push(`the evidence passed its budget of ${elided.budgetChars} characters: ${elided.trimmed} failure(s) keep only their witness frames, ${elided.dropped} none`);
  }
  for (const kind of REPORT_KINDS) {
    let path = targets[kind];
    if (path === undefined) continue;
    // The step summary file is shared by the whole job: append, as GitHub documents.
    const append = kind === 'github' && path === 'step-summary';
    if (append) {
      const summary = env.GITHUB_STEP_SUMMARY;
      if (summary === undefined || summary === '') {
        notes.push('GITHUB_STEP_SUMMARY is not set (not on GitHub Actions?): the step summary was not written');
        continue;
      }
      path = summary;
    }
    try {
      render(kind, record, path, append, redact);
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      try {
        render(kind, essentials(record), path, append, redact);
        notes.push(redact(`the ${kind} report could not hold everything (${why}): it was written without evidence and failure messages`));
      } catch (again) {
        notes.push(redact(`the ${kind} report could not be written: ${again instanceof Error ? again.message : String(again)}`));
        continue;
      }
    }
    written.push({ kind, path });
  }
  return { written, notes };
}
