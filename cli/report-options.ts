// `--out DIR` and `--report junit=PATH,json=PATH,html=PATH,github`: where the record and
// its views are written. The out directory receives record.json, junit.xml and
// report.html unless `--report` sends one elsewhere; `github` adds the step summary.
import { resolve } from 'node:path';
import { REPORT_KINDS, type ReportKind, type ReportTargets } from '../reporters/write-reports.ts';
import { UsageError } from './errors.ts';

export const DEFAULT_OUT_DIR = 'arcp-conformance-report';

const DEFAULT_FILES: Record<Exclude<ReportKind, 'github'>, string> = {
  json: 'record.json',
  junit: 'junit.xml',
  html: 'report.html',
};

function isKind(value: string): value is ReportKind {
  return (REPORT_KINDS as readonly string[]).includes(value);
}

export function parseReportTargets(reports: readonly string[], outDir: string | undefined, cwd: string): ReportTargets {
  const out = resolve(cwd, outDir ?? DEFAULT_OUT_DIR);
  const targets: Partial<Record<ReportKind, string>> = {
    json: resolve(out, DEFAULT_FILES.json),
    junit: resolve(out, DEFAULT_FILES.junit),
    html: resolve(out, DEFAULT_FILES.html),
  };
  for (const item of reports.flatMap((r) => r.split(','))) {
    const spec = item.trim();
    if (spec === '') continue;
    const eq = spec.indexOf('=');
    const kind = eq < 0 ? spec : spec.slice(0, eq);
    const path = eq < 0 ? undefined : spec.slice(eq + 1).trim();
    if (!isKind(kind)) {
      throw new UsageError(`--report: unknown report "${kind}" (expected ${REPORT_KINDS.join(', ')}, e.g. junit=out/junit.xml)`);
    }
    if (path === '') throw new UsageError(`--report ${kind}= needs a path`);
    if (kind === 'github') targets.github = path === undefined ? 'step-summary' : resolve(cwd, path);
    else if (path !== undefined) targets[kind] = resolve(cwd, path);
  }
  return targets;
}
