// Several runs side by side (`arcp-conformance compare`): one row per requirement in the
// catalogue's order, one column per server, and a summary per server. Pure: the records and
// where each one's report.html lives in, the comparison out. The HTML and Markdown views
// (compare-html.ts, compare-markdown.ts) are functions of this, so they never disagree.
import type { Requirement } from '../spec/requirement-types.ts';
import { testFragment } from './html.ts';
import type { Catalogue, ConformanceRecord, RecordTest, RequirementResult, VerdictCounts } from './record.ts';
import { areaPrefix, emptyCounts, type Verdict } from './verdicts.ts';

export interface ComparedRun {
  /** The column heading: how the user named this run (its directory). */
  readonly label: string;
  readonly record: ConformanceRecord;
  /** Link from the comparison's own location to this run's report.html, if there is one. */
  readonly reportHref?: string;
}

export interface ComparisonCell {
  /** Absent when this run did not judge the requirement (not selected, or no test reached it). */
  readonly verdict?: Verdict;
  readonly baselined: boolean;
  /** For a verdict other than PASS and N/A: the test that gave it, in that run's report. */
  readonly href?: string;
  /** What that test says, one line (a tooltip). */
  readonly detail?: string;
}

export interface ComparisonRow {
  readonly id: string;
  readonly area: string;
  readonly level?: Requirement['level'];
  readonly text?: string;
  /** One per run, in the order of `Comparison.servers`. */
  readonly cells: readonly ComparisonCell[];
}

export interface ServerSummary {
  readonly label: string;
  readonly target: string;
  readonly runtime?: string;
  readonly exit: ConformanceRecord['exit'];
  /** Requirements by verdict (each counted once, as in the run's own report). */
  readonly counts: VerdictCounts;
  /** Requirements at MUST level that FAILed (baselined ones included). */
  readonly mustFailures: number;
  readonly kitVersion: string;
  readonly catalogueVersion: string;
  readonly reportHref?: string;
}

export interface Comparison {
  readonly catalogueVersion: string;
  /** Area titles by prefix, from the catalogue. */
  readonly areas: Readonly<Record<string, string>>;
  readonly servers: readonly ServerSummary[];
  readonly rows: readonly ComparisonRow[];
  /** Things that make columns less comparable (other catalogue versions, interrupted runs, ...). */
  readonly notes: readonly string[];
}

/** Whether the runs disagree on the row (a blank counts as a verdict of its own). */
export function rowDiffers(row: ComparisonRow): boolean {
  return new Set(row.cells.map((c) => c.verdict ?? '')).size > 1;
}

/** Verdicts whose cell links to the test that gave them. */
const LINKED: ReadonlySet<Verdict> = new Set(['FAIL', 'WARN', 'UNTESTABLE']);

/** The test that gave `result` its verdict: one whose own outcome for the id says so, with evidence first. */
function decisiveTest(record: ConformanceRecord, result: RequirementResult): RecordTest | undefined {
  const candidates = record.tests.filter((t) => result.tests.includes(t.key));
  const gave = (t: RecordTest) =>
    t.outcomes.some((o) => o.id === result.id && o.verdict === result.verdict) ||
    (t.verdict === result.verdict && t.requirements.includes(result.id));
  const deciders = candidates.filter(gave);
  return deciders.find((t) => t.evidence !== undefined) ?? deciders[0];
}

function cellOf(run: ComparedRun, result: RequirementResult | undefined): ComparisonCell {
  if (result === undefined) return { baselined: false };
  const cell = { verdict: result.verdict, baselined: result.baselined };
  if (!LINKED.has(result.verdict)) return cell;
  const test = decisiveTest(run.record, result);
  if (test === undefined) return cell;
  const detail = test.outcomes.find((o) => o.id === result.id && o.verdict === result.verdict)?.detail ?? test.detail;
  return {
    ...cell,
    ...(run.reportHref === undefined ? {} : { href: `${run.reportHref}#${testFragment(run.record, test)}` }),
    ...(detail === undefined ? {} : { detail }),
  };
}

function summaryOf(run: ComparedRun, levels: ReadonlyMap<string, Requirement['level']>): ServerSummary {
  const { record } = run;
  const counts = emptyCounts();
  for (const r of record.requirements) counts[r.verdict] += 1;
  const mustFailures = record.requirements.filter((r) => r.verdict === 'FAIL' && (r.level ?? levels.get(r.id)) === 'MUST').length;
  const runtime = record.target.runtime;
  return {
    label: run.label,
    target: record.target.url,
    ...(runtime === undefined ? {} : { runtime: `${runtime.name} ${runtime.version}` }),
    exit: record.exit,
    counts,
    mustFailures,
    kitVersion: record.kit.version,
    catalogueVersion: record.catalogueVersion,
    ...(run.reportHref === undefined ? {} : { reportHref: run.reportHref }),
  };
}

function notesOn(runs: readonly ComparedRun[], catalogue: Catalogue): string[] {
  const notes: string[] = [];
  for (const { label, record } of runs) {
    if (record.catalogueVersion !== catalogue.version) {
      notes.push(`${label} was judged against catalogue ${record.catalogueVersion}, this kit's is ${catalogue.version}: its rows may differ`);
    }
    if (record.interrupted !== undefined) notes.push(`${label} was interrupted (${record.interrupted}): requirements it did not reach are blank`);
    if (record.merged !== undefined && record.merged.missing.length > 0) {
      notes.push(`${label} is a merge with shard(s) ${record.merged.missing.join(', ')} missing`);
    }
  }
  const selections = new Set(runs.map(({ record: r }) => JSON.stringify([r.settings.only, r.settings.skip, r.settings.onlySuites, r.settings.skipSuites])));
  if (selections.size > 1) notes.push('the runs selected different requirements (--only / --skip): a blank cell means not judged in that run');
  return notes;
}

/** The side-by-side view of `runs`; rows in the order of `catalogue`, ids it does not know last. */
export function compareRecords(runs: readonly ComparedRun[], catalogue: Catalogue): Comparison {
  const order = new Map(catalogue.requirements.map((r, i) => [r.id, i]));
  const levels = new Map(catalogue.requirements.map((r) => [r.id, r.level]));
  const byRun = runs.map(({ record }) => new Map(record.requirements.map((r) => [r.id, r])));
  const ids = [...new Set(byRun.flatMap((m) => [...m.keys()]))].sort(
    (a, b) => (order.get(a) ?? Infinity) - (order.get(b) ?? Infinity) || a.localeCompare(b),
  );
  const known = new Map(catalogue.requirements.map((r) => [r.id, r]));
  const rows = ids.map((id): ComparisonRow => {
    const reported = byRun.map((m) => m.get(id)).find((r) => r !== undefined);
    const level = known.get(id)?.level ?? reported?.level;
    const text = known.get(id)?.text ?? reported?.text;
    return {
      id,
      area: areaPrefix(id),
      ...(level === undefined ? {} : { level }),
      ...(text === undefined ? {} : { text }),
      cells: runs.map((run, i) => cellOf(run, byRun[i]?.get(id))),
    };
  });
  return {
    catalogueVersion: catalogue.version,
    areas: catalogue.areas,
    servers: runs.map((run) => summaryOf(run, levels)),
    rows,
    notes: notesOn(runs, catalogue),
  };
}
