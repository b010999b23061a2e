// `arcp-conformance compare DIR...`: the records of several runs (one server each) side by
// side, as compare.html and compare.md. Each DIR is a run's --out directory (or its
// record.json); a cell links to the test behind its verdict in that run's report.html.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { comparisonToHtml } from '../reporters/compare-html.ts';
import { comparisonToMarkdown } from '../reporters/compare-markdown.ts';
import { type ComparedRun, compareRecords } from '../reporters/compare.ts';
import { type ConformanceRecord, RECORD_VERSION } from '../reporters/record.ts';
import { booleanFlag, type FlagSpecs, parseArgs, stringFlag } from './args.ts';
import { catalogue } from './catalogue.ts';
import { UsageError, oneLine } from './errors.ts';
import { COMPARE_HELP } from './help.ts';
import { readJsonFile } from './json-file.ts';
import type { Output } from './output.ts';
import { statUserPath } from './user-path.ts';

export const COMPARE_FLAGS: FlagSpecs = {
  out: { kind: 'string' },
  debug: { kind: 'boolean' },
};

export const DEFAULT_COMPARE_DIR = 'arcp-conformance-compare';

interface LocatedRecord {
  /** As the user named it, for messages and as the column heading. */
  readonly given: string;
  readonly recordPath: string;
}

function locate(path: string, cwd: string): LocatedRecord {
  const { absolute, isDirectory } = statUserPath(path, cwd);
  const recordPath = isDirectory ? join(absolute, 'record.json') : absolute;
  if (isDirectory && !existsSync(recordPath)) {
    throw new UsageError(`${path} holds no record.json (a run's --out directory has one)`);
  }
  return { given: path, recordPath };
}

/** Enough of the shape to build the table from; anything else is a clear one-line refusal. */
function parseRecord(json: unknown, shown: string): ConformanceRecord {
  const r = json as Partial<ConformanceRecord> | null;
  if (r === null || typeof r !== 'object' || !('requirements' in r) || !('tests' in r)) {
    throw new UsageError(`${shown} is not a conformance record (record.json of a run)`);
  }
  if (r.version !== RECORD_VERSION) {
    throw new UsageError(`${shown} is a record of version ${String(r.version)}; this kit reads version ${RECORD_VERSION}: compare with the kit that wrote it`);
  }
  if (!Array.isArray(r.requirements) || !Array.isArray(r.tests) || typeof r.target?.url !== 'string' || typeof r.exit?.code !== 'number') {
    throw new UsageError(`${shown} is not a complete conformance record (requirements, tests, target or exit missing)`);
  }
  return r as ConformanceRecord;
}

/** Column headings: each run's directory name, or the path as given when two names clash. */
function labels(located: readonly LocatedRecord[]): string[] {
  const short = located.map(({ recordPath }) => basename(dirname(recordPath)));
  const clash = new Set(short.filter((name, i) => short.indexOf(name) !== i));
  return located.map(({ given }, i) => (clash.has(short[i] as string) ? given.replace(/[\\/]+$/, '') : (short[i] as string)));
}

/** A relative URL from the comparison's directory to `file`. */
function hrefFrom(fromDir: string, file: string): string {
  return relative(fromDir, file).split(sep).map(encodeURIComponent).join('/');
}

export async function compareCommand(argv: readonly string[], out: Output, cwd = process.cwd()): Promise<number> {
  const args = parseArgs(argv, COMPARE_FLAGS, 'compare');
  if (booleanFlag(args, 'help')) {
    out.print(COMPARE_HELP);
    return 0;
  }
  out.setDebug(booleanFlag(args, 'debug'));
  if (args.positionals.length === 0) {
    throw new UsageError('compare needs the runs: their --out directories, or their record.json files', 'see: arcp-conformance compare --help');
  }
  const located = args.positionals.map((p) => locate(p, cwd));
  const seen = new Set<string>();
  for (const { given, recordPath } of located) {
    if (seen.has(recordPath)) throw new UsageError(`${given} is given twice`);
    seen.add(recordPath);
  }
  const outDir = resolve(cwd, stringFlag(args, 'out') ?? DEFAULT_COMPARE_DIR);
  const names = labels(located);
  const runs = located.map(({ given, recordPath }, i): ComparedRun => {
    const record = parseRecord(readJsonFile(recordPath, given), given);
    const report = join(dirname(recordPath), 'report.html');
    return { label: names[i] as string, record, ...(existsSync(report) ? { reportHref: hrefFrom(outDir, report) } : {}) };
  });

  const comparison = compareRecords(runs, catalogue());
  try {
    mkdirSync(outDir, { recursive: true });
  } catch (error) {
    throw new UsageError(`cannot create ${relative(cwd, outDir) || outDir} (${(error as NodeJS.ErrnoException).code ?? oneLine(error)})`);
  }
  // Records were redacted when their runs wrote them; nothing else reaches these files.
  const html = join(outDir, 'compare.html');
  const markdown = join(outDir, 'compare.md');
  writeFileSync(html, comparisonToHtml(comparison), 'utf8');
  writeFileSync(markdown, comparisonToMarkdown(comparison), 'utf8');
  for (const s of comparison.servers) {
    out.info(`${s.label}: ${s.exit.code === 0 ? 'passed' : 'failed'} (${s.exit.reason}); ${s.mustFailures} MUST failure${s.mustFailures === 1 ? '' : 's'}`);
  }
  for (const note of comparison.notes) out.info(`Note: ${note}`);
  out.info(`Wrote ${relative(cwd, html) || html}`);
  out.info(`Wrote ${relative(cwd, markdown) || markdown}`);
  return 0;
}
