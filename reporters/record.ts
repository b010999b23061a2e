// The one record of a conformance run. Every view (terminal summary, JUnit, HTML, GitHub
// step summary) is a pure function of it, so they can never disagree. Written as
// record.json; `version` changes whenever a field changes meaning or is removed.
import type { Requirement } from '../spec/requirement-types.ts';
import type { ArcpTaskMeta, RequirementOutcome, Verdict } from '../suites/verdicts/types.ts';
import { outcomesOfStoppedTest } from '../suites/verdicts/stopped.ts';
import {
  type Baseline,
  type BaselineEntry,
  coveringEntries,
  isStale,
} from './baseline.ts';
import { type EvidenceWindow, readEvidence } from './evidence.ts';
import type { Elided } from './report-budget.ts';
import { areaPrefix, combineVerdicts, emptyCounts } from './verdicts.ts';

export const RECORD_VERSION = 1;

export type VerdictCounts = Record<Verdict, number>;

export interface ReplayInfo {
  readonly seed: number;
  readonly path?: string;
  readonly runs?: number;
  readonly command?: string;
  readonly fixture?: string;
}

/** Where a result came from: a test, or a suite file / run-level error with no test. */
export type ResultOrigin = 'test' | 'load-error' | 'run-error';

export interface RecordTest {
  /** `<file> > <title>`: the name baselines use. */
  readonly key: string;
  /** Path of the suite file, relative to the kit's root. */
  readonly file: string;
  /** Full test name (describe blocks joined with ` > `), including the `[ids]` suffix. */
  readonly title: string;
  readonly origin: ResultOrigin;
  readonly requirements: readonly string[];
  readonly verdict: Verdict;
  readonly outcomes: readonly RequirementOutcome[];
  readonly durationMs: number;
  /** When the test started, in ms after the run's start (with durationMs: when its verdict was in). */
  readonly startedAfterMs?: number;
  /** One line: what was expected and what arrived (or why it was N/A / UNTESTABLE). */
  readonly detail?: string;
  /** The full failure message, as the test threw it (redacted, bounded). */
  readonly message?: string;
  readonly evidence?: EvidenceWindow;
  readonly replay?: ReplayInfo;
  /** For a test that did not pass: the one command that runs it again (RecordInput.rerun). */
  readonly rerun?: string;
  /** Kit notes (a cleanup that did not get what it expected, ...): reported, never a verdict. */
  readonly notes?: readonly string[];
  /** Requirement ids this result fails on; empty when it does not fail. */
  readonly failingRequirements: readonly string[];
  /** Set when a baseline entry absorbed this failure. */
  readonly baselined?: { readonly entry: number; readonly reason?: string };
  /** Whether this result fails the run (after strictness, allow-untestable and baseline). */
  readonly blocking: boolean;
}

export interface RequirementResult {
  readonly id: string;
  readonly area: string;
  /** Absent for an id the catalogue does not know (reported as such). */
  readonly level?: Requirement['level'];
  readonly section?: string;
  readonly text?: string;
  readonly verdict: Verdict;
  /** Keys of the tests that judged it. */
  readonly tests: readonly string[];
  /** Its failure is absorbed by the baseline. */
  readonly baselined: boolean;
}

export interface AreaRow {
  readonly area: string;
  readonly title: string;
  /** Requirements of the area by verdict (each requirement counted once). */
  readonly counts: VerdictCounts;
  readonly baselined: number;
}

export interface BaselineReport {
  readonly file: string;
  readonly entries: number;
  /** Failures absorbed by an entry. */
  readonly baselined: readonly { readonly test: string; readonly entry: number; readonly reason?: string }[];
  /** Entries whose test / requirement now passes: remove them. */
  readonly stale: readonly { readonly entry: number; readonly value: BaselineEntry }[];
  /** Entries that matched nothing that ran (not selected, renamed, or N/A). */
  readonly unexercised: readonly { readonly entry: number; readonly value: BaselineEntry }[];
}

/** Agents a record lists; a welcome may list any number (a hostile one: hundreds of thousands). */
export const MAX_RECORDED_AGENTS = 100;

/** The agents part of TargetInfo for this welcome's list. */
export function recordedAgents(agents: readonly string[], unlisted = 0): Pick<TargetInfo, 'agents' | 'agentsOmitted'> {
  const omitted = Math.max(0, agents.length - MAX_RECORDED_AGENTS) + unlisted;
  return omitted === 0 ? { agents } : { agents: agents.slice(0, MAX_RECORDED_AGENTS), agentsOmitted: omitted };
}

export interface TargetInfo {
  /** The URL with userinfo, query and fragment removed; or `embedded reference runtime`. */
  readonly url: string;
  readonly embedded: boolean;
  readonly runtime?: { readonly name: string; readonly version: string };
  /** The effective feature set from the preflight handshake. */
  readonly features: readonly string[];
  /** Agent names the welcome listed (the first MAX_RECORDED_AGENTS). */
  readonly agents: readonly string[];
  /** How many more the welcome listed, when it listed more than MAX_RECORDED_AGENTS. */
  readonly agentsOmitted?: number;
  /** Whether a second principal (ARCP_TOKEN_2) was configured. */
  readonly secondPrincipal: boolean;
}

export interface RunSettings {
  readonly strict: boolean;
  readonly allowUntestable: boolean;
  readonly timeoutMs: number;
  /** Longest deliberate wait for a server timer; tests needing more are UNTESTABLE. */
  readonly maxWaitMs: number;
  readonly seed?: number;
  readonly runs?: number;
  readonly shard?: string;
  /** Requirement ids / areas passed to the suites. */
  readonly only: readonly string[];
  readonly skip: readonly string[];
  /** Suite names selected or skipped by file. */
  readonly onlySuites: readonly string[];
  readonly skipSuites: readonly string[];
}

export interface Totals {
  /** Tests (and load errors) by verdict. */
  readonly tests: VerdictCounts & { readonly total: number };
  /** Requirements with a verdict, by verdict. */
  readonly requirements: VerdictCounts & { readonly total: number };
  readonly baselined: number;
  readonly stale: number;
  readonly blocking: number;
  readonly notCovered: number;
}

export interface MergedShards {
  /** The shards merged, as `I/N`. */
  readonly shards: readonly string[];
  /** Shards of the campaign that were not given to the merge (the run then fails). */
  readonly missing: readonly string[];
}

export interface ConformanceRecord {
  readonly version: typeof RECORD_VERSION;
  readonly kit: { readonly name: string; readonly version: string };
  readonly catalogueVersion: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly durationMs: number;
  readonly target: TargetInfo;
  /** The profile in use (it holds no secrets). */
  readonly profile: Readonly<Record<string, unknown>>;
  readonly settings: RunSettings;
  /** Distinct seeds the property tests ran with (from their replay meta). */
  readonly seeds: readonly number[];
  readonly tests: readonly RecordTest[];
  readonly requirements: readonly RequirementResult[];
  /** Catalogue ids (within the selection) that no test in this run judged. */
  readonly notCovered: readonly string[];
  readonly areas: readonly AreaRow[];
  readonly baseline?: BaselineReport;
  readonly totals: Totals;
  /** Why the run stopped early, if it did (it then fails). */
  readonly interrupted?: string;
  /** Set when the record was merged from the shards of a campaign (`arcp-conformance merge`). */
  readonly merged?: MergedShards;
  /** Keys of tests that were collected but never finished (the run was interrupted). */
  readonly unfinished: readonly string[];
  readonly exit: { readonly code: 0 | 1; readonly reason: string };
  /** Set by the report writers when the evidence passed its size budget (report-budget.ts). */
  readonly elided?: Elided;
}

// ---- input ------------------------------------------------------------------------------

/** One finished vitest test, as the conformance reporter saw it. */
export interface CollectedTest {
  readonly file: string;
  readonly title: string;
  readonly state: 'passed' | 'failed' | 'skipped' | 'pending';
  readonly skipNote?: string;
  readonly meta?: ArcpTaskMeta;
  readonly errors: readonly string[];
  readonly durationMs: number;
  /** When the test started (unix ms, vitest's diagnostic), if it started. */
  readonly startedAt?: number;
}

/** An error outside any test: a suite file that did not load, or an unhandled error. */
export interface CollectedProblem {
  readonly origin: 'load-error' | 'run-error';
  readonly file: string;
  readonly message: string;
}

export interface Catalogue {
  readonly version: string;
  readonly requirements: readonly Requirement[];
  readonly areas: Readonly<Record<string, string>>;
}

export interface RecordInput {
  readonly kit: { readonly name: string; readonly version: string };
  readonly catalogue: Catalogue;
  readonly startedAt: Date;
  readonly finishedAt: Date;
  readonly target: TargetInfo;
  readonly profile: Readonly<Record<string, unknown>>;
  readonly settings: RunSettings;
  readonly tests: readonly CollectedTest[];
  readonly problems: readonly CollectedProblem[];
  readonly baseline?: { readonly file: string; readonly baseline: Baseline };
  /** Decides which catalogue ids the run was meant to cover (the --only/--skip selection). */
  readonly selected: (requirementId: string) => boolean;
  readonly interrupted?: string;
  readonly merged?: MergedShards;
  /** Removes known secrets from every text taken from a test. */
  readonly redact: (text: string) => string;
  /** The command that re-runs one test (its suite file, its requirement ids), for failures. */
  readonly rerun?: (file: string, requirements: readonly string[], seed?: number) => string;
}

// ---- interpretation ---------------------------------------------------------------------

const DETAIL_LIMIT = 400;
const MESSAGE_LIMIT = 8000;

function firstLine(text: string): string {
  const line = text.split('\n').find((l) => l.trim() !== '') ?? '';
  return line.length > DETAIL_LIMIT ? `${line.slice(0, DETAIL_LIMIT - 1)}…` : line.trim();
}

function bounded(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit)}… (${text.length - limit} more characters)`;
}

/** The verdict a finished vitest test stands for, or undefined when it is not a result. */
export function verdictOf(test: Pick<CollectedTest, 'state' | 'meta' | 'skipNote'>): Verdict | undefined {
  const declared = test.meta?.verdict;
  // A test the harness stopped while it judged only SHOULDs is a WARN (conformance-test.ts).
  if (test.state === 'failed') return declared === 'UNTESTABLE' || declared === 'WARN' ? declared : 'FAIL';
  if (test.state === 'passed') return declared === 'WARN' ? 'WARN' : 'PASS';
  if (test.state === 'skipped') {
    if (declared === 'NA' || declared === 'UNTESTABLE') return declared;
    if (test.skipNote?.startsWith('N/A')) return 'NA';
    if (test.skipNote?.startsWith('UNTESTABLE')) return 'UNTESTABLE';
  }
  // A plain it.skip / it.todo, or a test that never finished: no verdict.
  return undefined;
}

/** Requirement ids a result fails on: its FAIL/UNTESTABLE outcomes (WARN ones when strict). */
function failingIds(test: Pick<CollectedTest, 'meta'>, verdict: Verdict, strict: boolean): string[] {
  const outcomes = test.meta?.outcomes ?? [];
  const declared = test.meta?.requirements ?? [];
  const bad = new Set<Verdict>(['FAIL', 'UNTESTABLE', ...(strict ? (['WARN'] as const) : [])]);
  const fromOutcomes = outcomes.filter((o) => bad.has(o.verdict)).map((o) => o.id);
  if (verdict === 'FAIL' && !outcomes.some((o) => o.verdict === 'FAIL')) {
    // Failed outside a check (timeout, closed socket, harness error): every id it declared.
    return [...new Set([...fromOutcomes, ...declared])];
  }
  if (verdict === 'UNTESTABLE' && fromOutcomes.length === 0) return [...declared];
  return fromOutcomes;
}

function detailOf(test: CollectedTest, verdict: Verdict): string | undefined {
  const outcomes = test.meta?.outcomes ?? [];
  const telling = outcomes.find((o) => o.verdict === verdict && o.detail !== undefined);
  if (telling?.detail !== undefined) {
    return firstLine(verdict === 'FAIL' || verdict === 'WARN' ? `${telling.id}: ${telling.detail}` : telling.detail);
  }
  const error = test.errors[0];
  if (error !== undefined) return firstLine(error);
  if (test.skipNote !== undefined) return firstLine(test.skipNote);
  return undefined;
}

/**
 * The record rule (issue 11): a requirement is PASS only when something judged it and it
 * held. A test that failed outside a check (harness error, timeout, crash) concluded
 * nothing, so none of its ids stays PASS or unjudged: each becomes broken at its own level
 * (FAIL for a MUST, WARN for a SHOULD: every FAIL rests on a MUST), naming the error.
 */
function concludedOutcomes(test: CollectedTest, verdict: Verdict, levelOf: (id: string) => string | undefined): RequirementOutcome[] {
  const outcomes = test.meta?.outcomes ?? [];
  const failedOutsideCheck = test.state === 'failed' && (verdict === 'FAIL' || verdict === 'WARN') && !outcomes.some((o) => o.verdict === 'FAIL');
  if (!failedOutsideCheck) return [...outcomes];
  const stopped = `not concluded: the test stopped with ${firstLine(test.errors[0] ?? 'an error outside any check')}`;
  return outcomesOfStoppedTest(test.meta?.requirements ?? [], outcomes, levelOf, stopped);
}

type Strictness = Pick<RunSettings, 'strict' | 'allowUntestable'>;

function wouldBlock(verdict: Verdict, settings: Strictness): boolean {
  return (
    verdict === 'FAIL' ||
    (verdict === 'UNTESTABLE' && !settings.allowUntestable) ||
    (verdict === 'WARN' && settings.strict)
  );
}

/**
 * The requirement ids a finished test fails the run on, before any baseline: [] when its
 * verdict does not fail the run under these settings. `run --bail` stops on it.
 */
export function blockingIds(test: Pick<CollectedTest, 'state' | 'meta' | 'skipNote'>, settings: Strictness): string[] {
  const verdict = verdictOf(test);
  return verdict !== undefined && wouldBlock(verdict, settings) ? failingIds(test, verdict, settings.strict) : [];
}

interface Draft extends Omit<RecordTest, 'baselined' | 'blocking'> {}

function draftTest(test: CollectedTest, verdict: Verdict, input: RecordInput): Draft {
  const { redact } = input;
  const meta = test.meta;
  const detail = detailOf(test, verdict);
  const message = test.errors.length > 0 ? bounded(test.errors.join('\n\n'), MESSAGE_LIMIT) : undefined;
  const evidence = readEvidence(meta?.evidence);
  return {
    key: `${test.file} > ${test.title}`,
    file: test.file,
    title: test.title,
    origin: 'test',
    requirements: [...(meta?.requirements ?? [])],
    verdict,
    outcomes: concludedOutcomes(test, verdict, (id) => input.catalogue.requirements.find((r) => r.id === id)?.level).map((o) => (o.detail === undefined ? o : { ...o, detail: redact(o.detail) })),
    durationMs: Math.round(test.durationMs),
    ...(test.startedAt === undefined ? {} : { startedAfterMs: Math.max(0, Math.round(test.startedAt - input.startedAt.getTime())) }),
    ...(detail === undefined ? {} : { detail: redact(detail) }),
    ...(message === undefined ? {} : { message: redact(message) }),
    ...(evidence === undefined ? {} : { evidence }),
    ...(meta?.replay === undefined ? {} : { replay: meta.replay }),
    ...(input.rerun === undefined || verdict === 'PASS' || verdict === 'NA' ? {} : { rerun: redact(input.rerun(test.file, meta?.requirements ?? [], meta?.replay?.seed)) }),
    ...(meta?.notes === undefined || meta.notes.length === 0 ? {} : { notes: meta.notes.map(redact) }),
    failingRequirements: blockingIds(test, input.settings),
  };
}

function draftProblem(problem: CollectedProblem, redact: (t: string) => string): Draft {
  const title = problem.origin === 'load-error' ? '(suite file failed to load)' : '(error outside any test)';
  return {
    key: `${problem.file} > ${title}`,
    file: problem.file,
    title,
    origin: problem.origin,
    requirements: [],
    verdict: 'FAIL',
    outcomes: [],
    durationMs: 0,
    detail: redact(firstLine(problem.message)),
    message: redact(bounded(problem.message, MESSAGE_LIMIT)),
    failingRequirements: [],
  };
}

// ---- aggregation ------------------------------------------------------------------------

/** What each test says about each of its requirements. */
function requirementVerdicts(test: RecordTest): Map<string, Verdict> {
  const result = new Map<string, Verdict>();
  for (const o of test.outcomes) result.set(o.id, o.verdict);
  const failedOutsideCheck = test.verdict === 'FAIL' && !test.outcomes.some((o) => o.verdict === 'FAIL');
  for (const id of test.requirements) {
    if (result.has(id)) continue;
    // An id the test never reached says nothing, unless the whole test failed or was N/A.
    if (failedOutsideCheck || test.verdict === 'NA' || test.verdict === 'UNTESTABLE') result.set(id, test.verdict);
    else if (test.verdict === 'PASS' && test.outcomes.length === 0) result.set(id, 'PASS');
  }
  return result;
}

function aggregateRequirements(tests: readonly RecordTest[], catalogue: Catalogue): RequirementResult[] {
  const byId = new Map<string, { verdicts: Verdict[]; tests: string[]; baselined: boolean }>();
  for (const test of tests) {
    for (const [id, verdict] of requirementVerdicts(test)) {
      const slot = byId.get(id) ?? { verdicts: [], tests: [], baselined: false };
      slot.verdicts.push(verdict);
      slot.tests.push(test.key);
      if (test.baselined !== undefined && test.failingRequirements.includes(id)) slot.baselined = true;
      byId.set(id, slot);
    }
  }
  const known = new Map(catalogue.requirements.map((r) => [r.id, r]));
  const order = new Map(catalogue.requirements.map((r, i) => [r.id, i]));
  return [...byId.entries()]
    .map(([id, slot]): RequirementResult => {
      const r = known.get(id);
      const verdict = combineVerdicts(slot.verdicts) ?? 'PASS';
      return {
        id,
        area: areaPrefix(id),
        ...(r === undefined ? {} : { level: r.level, section: r.section, text: r.text }),
        verdict,
        tests: slot.tests,
        // A requirement counts as baselined only if every failing judgement was absorbed.
        baselined: slot.baselined && !tests.some((t) => t.blocking && t.failingRequirements.includes(id)),
      };
    })
    .sort((a, b) => (order.get(a.id) ?? Infinity) - (order.get(b.id) ?? Infinity) || a.id.localeCompare(b.id));
}

function areaRows(requirements: readonly RequirementResult[], catalogue: Catalogue): AreaRow[] {
  const rows = new Map<string, { counts: VerdictCounts; baselined: number }>();
  for (const r of requirements) {
    const row = rows.get(r.area) ?? { counts: emptyCounts(), baselined: 0 };
    row.counts[r.verdict] += 1;
    if (r.baselined) row.baselined += 1;
    rows.set(r.area, row);
  }
  const areaOrder = Object.keys(catalogue.areas);
  return [...rows.entries()]
    .map(([area, row]) => ({ area, title: catalogue.areas[area] ?? '(not in the catalogue)', ...row }))
    .sort((a, b) => {
      const ia = areaOrder.indexOf(a.area);
      const ib = areaOrder.indexOf(b.area);
      return (ia < 0 ? Infinity : ia) - (ib < 0 ? Infinity : ib) || a.area.localeCompare(b.area);
    });
}

function countVerdicts(verdicts: readonly Verdict[]): VerdictCounts & { total: number } {
  const counts = emptyCounts();
  for (const v of verdicts) counts[v] += 1;
  return { ...counts, total: verdicts.length };
}

function applyBaseline(
  drafts: readonly Draft[],
  input: RecordInput,
): { tests: RecordTest[]; report?: BaselineReport } {
  const baseline = input.baseline?.baseline;
  const tests = drafts.map((draft): RecordTest => {
    const blocks = wouldBlock(draft.verdict, input.settings);
    if (!blocks || baseline === undefined) return { ...draft, blocking: blocks };
    const entry = coveringEntries(baseline, draft)?.[0];
    if (entry === undefined) return { ...draft, blocking: true };
    const reason = baseline.entries[entry]?.reason;
    return { ...draft, blocking: false, baselined: reason === undefined ? { entry } : { entry, reason } };
  });
  if (baseline === undefined || input.baseline === undefined) return { tests };

  const absorbed = tests.filter((t) => t.baselined !== undefined);
  const used = new Set(absorbed.flatMap((t) => coveringEntries(baseline, t) ?? []));
  const passingTests = new Set(tests.filter((t) => !wouldBlock(t.verdict, input.settings) && t.verdict !== 'NA' && t.verdict !== 'UNTESTABLE').map((t) => t.key));
  const provisional = aggregateRequirements(tests, input.catalogue);
  const passingRequirements = new Set(
    provisional.filter((r) => r.verdict === 'PASS' || (r.verdict === 'WARN' && !input.settings.strict)).map((r) => r.id),
  );
  const stale: BaselineReport['stale'][number][] = [];
  const unexercised: BaselineReport['unexercised'][number][] = [];
  baseline.entries.forEach((value, entry) => {
    if (used.has(entry)) return;
    if (isStale(value, { passingTests, passingRequirements })) stale.push({ entry, value });
    else unexercised.push({ entry, value });
  });
  return {
    tests,
    report: {
      file: input.baseline.file,
      entries: baseline.entries.length,
      baselined: absorbed.map((t) => ({
        test: t.key,
        entry: t.baselined?.entry ?? -1,
        ...(t.baselined?.reason === undefined ? {} : { reason: t.baselined.reason }),
      })),
      stale,
      unexercised,
    },
  };
}

function exitDecision(
  tests: readonly RecordTest[],
  interrupted: string | undefined,
  merged: MergedShards | undefined,
  baseline: BaselineReport | undefined,
): ConformanceRecord['exit'] {
  const blocking = tests.filter((t) => t.blocking);
  // A stale entry fails the run too, so that a baseline only ever shrinks.
  const stale = baseline === undefined || baseline.stale.length === 0 ? '' : `${baseline.stale.length} stale baseline entr${baseline.stale.length === 1 ? 'y' : 'ies'} (remove from ${baseline.file})`;
  if (interrupted !== undefined) return { code: 1, reason: `run interrupted: ${interrupted}` };
  if (merged !== undefined && merged.missing.length > 0) {
    return { code: 1, reason: `incomplete merge: shard${merged.missing.length === 1 ? '' : 's'} ${merged.missing.join(', ')} missing` };
  }
  if (blocking.length > 0) {
    const parts = (['FAIL', 'UNTESTABLE', 'WARN'] as const)
      .map((v) => [v, blocking.filter((t) => t.verdict === v).length] as const)
      .filter(([, n]) => n > 0)
      .map(([v, n]) => `${n} ${v}${v === 'WARN' ? ' (--strict)' : ''}`);
    return { code: 1, reason: `${blocking.length} failing test${blocking.length === 1 ? '' : 's'}: ${parts.join(', ')}${stale === '' ? '' : `; ${stale}`}` };
  }
  if (stale !== '') return { code: 1, reason: stale };
  if (tests.length === 0) return { code: 0, reason: 'no tests ran' };
  const baselined = tests.filter((t) => t.baselined !== undefined).length;
  return {
    code: 0,
    reason: `no failing tests${baselined > 0 ? ` (${baselined} baselined)` : ''}`,
  };
}

/** Builds the record of a finished run. Pure: the same input gives the same record. */
export function buildRecord(input: RecordInput): ConformanceRecord {
  const drafts: Draft[] = [];
  const unfinished: string[] = [];
  for (const test of input.tests) {
    const verdict = verdictOf(test);
    if (verdict !== undefined) drafts.push(draftTest(test, verdict, input));
    // vitest marks the tests a cancel cut short as skipped: in an interrupted run a verdict-less
    // skip most likely is one (a plain it.skip would be listed too, harmlessly).
    else if (test.state === 'pending' || (input.interrupted !== undefined && test.state === 'skipped')) {
      unfinished.push(`${test.file} > ${test.title}`);
    }
  }
  for (const problem of input.problems) drafts.push(draftProblem(problem, input.redact));

  const { tests, report } = applyBaseline(drafts, input);
  const requirements = aggregateRequirements(tests, input.catalogue);
  const judged = new Set(requirements.map((r) => r.id));
  const notCovered = input.catalogue.requirements
    .filter((r) => !judged.has(r.id) && input.selected(r.id))
    .map((r) => r.id);
  const seeds = [...new Set(tests.flatMap((t) => (t.replay === undefined ? [] : [t.replay.seed])))];

  return {
    version: RECORD_VERSION,
    kit: input.kit,
    catalogueVersion: input.catalogue.version,
    startedAt: input.startedAt.toISOString(),
    finishedAt: input.finishedAt.toISOString(),
    durationMs: Math.max(0, input.finishedAt.getTime() - input.startedAt.getTime()),
    target: input.target,
    profile: input.profile,
    settings: input.settings,
    seeds,
    tests,
    requirements,
    notCovered,
    areas: areaRows(requirements, input.catalogue),
    ...(report === undefined ? {} : { baseline: report }),
    totals: {
      tests: countVerdicts(tests.map((t) => t.verdict)),
      requirements: countVerdicts(requirements.map((r) => r.verdict)),
      baselined: tests.filter((t) => t.baselined !== undefined).length,
      stale: report?.stale.length ?? 0,
      blocking: tests.filter((t) => t.blocking).length,
      notCovered: notCovered.length,
    },
    ...(input.interrupted === undefined ? {} : { interrupted: input.interrupted }),
    ...(input.merged === undefined ? {} : { merged: input.merged }),
    unfinished,
    exit: exitDecision(tests, input.interrupted, input.merged, report),
  };
}
