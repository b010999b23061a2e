// Writes the record and its views. Every text passes through the output redactor on its
// way to disk, whatever the view did.
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { recordToMarkdown } from './github-summary.ts';
import { recordToHtml } from './html.ts';
import { recordToJUnit } from './junit.ts';
import type { ConformanceRecord } from './record.ts';
import type { OutputRedactor } from './redact-output.ts';

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

const RENDER: Record<ReportKind, (record: ConformanceRecord) => string> = {
  json: (record) => `${JSON.stringify(record, null, 2)}\n`,
  junit: recordToJUnit,
  html: recordToHtml,
  github: recordToMarkdown,
};

function write(path: string, text: string, append: boolean): void {
  mkdirSync(dirname(path), { recursive: true });
  if (append) appendFileSync(path, text, 'utf8');
  else writeFileSync(path, text, 'utf8');
}

export function writeReports(
  record: ConformanceRecord,
  targets: ReportTargets,
  redact: OutputRedactor,
  env: Readonly<Record<string, string | undefined>>,
): WrittenReports {
  const written: { kind: ReportKind; path: string }[] = [];
  const notes: string[] = [];
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
    write(path, redact(RENDER[kind](record)), append);
    written.push({ kind, path });
  }
  return { written, notes };
}
