// Runs (or only collects) the conformance suites on vitest, programmatically, with a config
// built here: the kit's root as vitest root (so it works from any cwd), the suite glob,
// no watch, no cache written into the package, the conformance reporter instead of
// vitest's output, and the target configuration passed to workers as environment.
import { availableParallelism } from 'node:os';
import { relative, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { globSync } from 'tinyglobby';
import type { TestProjectInlineConfiguration } from 'vitest/config';
import { createVitest, type Reporter, ReportersMap, type TestModule, type Vitest } from 'vitest/node';
import { type CollectedRun, ConformanceReporter, collectProblems } from '../reporters/conformance-reporter.ts';
import type { CollectedProblem, CollectedTest } from '../reporters/record.ts';
import type { ProgressSnapshot } from '../reporters/progress.ts';
import type { TooSlow } from '../reporters/slow-server.ts';
import { DEFAULT_SUITES, KIT_ROOT, SOLO_SUITES } from './paths.ts';
import { UsageError } from './errors.ts';
import { declaredRequirements, selectSuiteFiles } from './selection.ts';
import { CampaignsFirst } from './file-order.ts';
import { filesJudging } from './suite-map.ts';
import { aborted } from './interrupt.ts';
import type { Selection } from '../suites/verdicts/selection.ts';


/** Bounds for shutting vitest down: a hung worker must not hang the command. */
const CANCEL_GRACE_MS = 15_000;
const CLOSE_BOUND_MS = 10_000;

export interface SuiteSource {
  /** Globs of suite files, relative to KIT_ROOT. */
  readonly include: readonly string[];
  readonly onlySuites: readonly string[];
  readonly skipSuites: readonly string[];
  /** The globs were given by the user (--suites): matching no file is then an error. */
  readonly explicit?: boolean;
}

export interface RunSuitesOptions extends SuiteSource {
  /** The --only/--skip ids and areas: only files with a test they pick are loaded. */
  readonly requirements?: Selection;
  /** Environment for the workers (ARCP_URL, ARCP_TOKEN, ...). Never written anywhere. */
  readonly env: Readonly<Record<string, string>>;
  readonly shard?: string;
  readonly testTimeoutMs: number;
  /** Bound of the whole run, or its rule from the number of suite files selected; past it the run is cancelled and marked interrupted. */
  readonly runTimeoutMs: number | ((files: number) => number);
  readonly signal?: AbortSignal;
  /** Aborted when the user asks again: stop waiting for the cancelled tests and for vitest's close. */
  readonly hurry?: AbortSignal;
  readonly onProgress?: (snapshot: ProgressSnapshot, event: 'test' | 'file') => void;
  /** vitest's own log output and the suites' console output (shown with --debug). */
  readonly onDebug?: (text: string) => void;
  /** Also write vitest's blob report here, for merging shards later (`arcp-conformance merge`). */
  readonly blobFile?: string;
  /** Asked as each test finishes: a reason stops the run there (marked interrupted with it). */
  readonly stopWhen?: (test: CollectedTest) => string | undefined;
}

export interface SuiteRun {
  readonly run: CollectedRun;
  /** Suite files selected to run, relative to KIT_ROOT. */
  readonly files: readonly string[];
  readonly interrupted?: string;
  /** Set when the run stopped because the server was too slow to test (reporters/slow-server.ts). */
  readonly tooSlow?: TooSlow;
}


function sink(onText: ((text: string) => void) | undefined): Writable {
  return new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      onText?.(chunk.toString());
      callback();
    },
  });
}

function withBound<T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((done) => {
    timer = setTimeout(() => done('timeout'), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

interface VitestSetup {
  readonly env: Readonly<Record<string, string>>;
  /**
   * Whether the solo suites get their group (and worker) of their own (default true). They
   * measure the server's process, so without one (ARCP_SERVER_PID unset: the embedded or a
   * --url target) they are N/A at once and run with the others.
   */
  readonly soloGroup?: boolean;
  readonly shard?: string;
  readonly testTimeoutMs: number;
  readonly onDebug?: (t: string) => void;
}

const EXCLUDE = ['**/node_modules/**'];

/**
 * Node flags of the workers. `--expose-gc`: suites/harness/large-message-gc.ts collects right
 * after a message of many MiB. `--max-semi-space-size=1`: a worker's young generation stays at
 * 1 MiB semi-spaces instead of growing to 16 (bench/hostile.ts: ~15 MB less per worker, and
 * the 50 MiB event and the flood cases ~100 MB less in all). `--optimize-for-size`: the old
 * generation grows by smaller steps between full collections, so a flood's garbage (frames
 * that passed through the bounded transcript) is collected before it piles up (the flood case:
 * workers 195/236 -> 98/104 MB; a run against the reference took as long: 34.6 vs 33.5 s).
 */
const WORKER_EXEC_ARGV = ['--expose-gc', '--max-semi-space-size=1', '--optimize-for-size'];

/**
 * Two vitest projects: the suites run in parallel first; then the solo suites the globs pick
 * (SOLO_SUITES) run one at a time, with no other suite talking to the server. With
 * `soloGroup` false they run with the others.
 */
export function projectsOf(source: SuiteSource, soloGroup = true): TestProjectInlineConfiguration[] {
  const picked = new Set(globSync([...source.include], { cwd: KIT_ROOT, ignore: EXCLUDE }));
  const solo = soloGroup ? SOLO_SUITES.filter((file) => picked.has(file)) : [];
  // execArgv goes on each project: vitest reads a project's own, not the root's.
  const suites: TestProjectInlineConfiguration = { extends: true, test: { name: 'suites', include: [...source.include], exclude: [...EXCLUDE, ...solo], execArgv: WORKER_EXEC_ARGV } };
  if (solo.length === 0) return [suites];
  return [suites, { extends: true, test: { name: 'solo', include: solo, maxWorkers: 1, sequence: { groupOrder: 1 }, execArgv: WORKER_EXEC_ARGV } }];
}

async function createConformanceVitest(
  source: SuiteSource,
  reporters: Reporter[],
  options: VitestSetup,
): Promise<Vitest> {
  const workers = Math.max(1, Math.min(2, availableParallelism()));
  const before = { SIGINT: process.listeners('SIGINT'), SIGTERM: process.listeners('SIGTERM') };
  const vitest = await createVitest(
    'test',
    {
      config: false,
      root: KIT_ROOT,
      projects: projectsOf(source, options.soloGroup),
      watch: false,
      passWithNoTests: true,
      cache: false,
      reporters,
      env: { ...options.env },
      pool: 'forks',
      isolate: false,
      maxWorkers: workers,
      testTimeout: options.testTimeoutMs,
      hookTimeout: options.testTimeoutMs,
      teardownTimeout: 10_000,
      ...(options.shard === undefined ? {} : { shard: options.shard }),
    },
    // The root's own config, not among the options above: vitest copies a `sequence` given
    // there over every project's (the solo group's groupOrder), and reads these two from the
    // root only. The property campaigns start first (file-order.ts). The tests of a file run
    // concurrently (up to vitest's maxConcurrency, 5): each opens its own sessions and spends
    // most of its time waiting on the server's timers or held jobs, so a file takes about as
    // long as its longest test.
    { test: { sequence: { sequencer: CampaignsFirst, concurrent: true } } },
    { stdout: sink(options.onDebug), stderr: sink(options.onDebug) },
  );
  // vitest's logger exits the process on SIGINT/SIGTERM; the command wants to cancel the
  // run instead and still write its reports, so it takes those signals back.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    for (const listener of process.listeners(signal)) {
      if (!before[signal].includes(listener)) process.off(signal, listener);
    }
  }
  return vitest;
}

async function closeBounded(vitest: Vitest, hurry?: AbortSignal): Promise<void> {
  await withBound(Promise.race([vitest.close().catch(() => undefined), aborted(hurry)]), CLOSE_BOUND_MS);
}

async function suiteFiles(vitest: Vitest, source: SuiteSource): Promise<string[]> {
  const specs = await vitest.globTestSpecifications();
  const files = [...new Set(specs.map((s) => relative(KIT_ROOT, s.moduleId).split('\\').join('/')))].sort();
  if (files.length === 0 && source.explicit) {
    throw new UsageError(`--suites ${source.include.join(', ')} matches no suite file (relative to ${KIT_ROOT})`);
  }
  return files;
}

/** Runs the selected suite files and returns what the reporter collected. */
export async function runSuites(options: RunSuitesOptions): Promise<SuiteRun> {
  let stop = (_why: string): void => undefined;
  let tooSlow: TooSlow | undefined;
  const reporter = new ConformanceReporter({
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.onDebug ? { onConsole: options.onDebug } : {}),
    onTooSlow: (finding) => {
      tooSlow ??= finding;
      stop(finding.reason);
    },
    ...(options.stopWhen === undefined ? {} : { onTestFinished: (test: CollectedTest) => {
      const why = options.stopWhen?.(test);
      if (why !== undefined) stop(why);
    } }),
  });
  // vitest's own blob reporter, so that `merge` can hand the shards to vitest's merge.
  const blob = options.blobFile === undefined ? undefined : new ReportersMap.blob({ outputFile: options.blobFile });
  const vitest = await createConformanceVitest(options, blob === undefined ? [reporter] : [reporter, blob], { ...options, soloGroup: Boolean(options.env.ARCP_SERVER_PID) });
  try {
    const all = await suiteFiles(vitest, options);
    const bySuite = selectSuiteFiles(all, options.onlySuites, options.skipSuites);
    const files = options.requirements === undefined ? bySuite : filesJudging(bySuite, options.requirements);
    if (files.length === 0) return { run: reporter.run, files };
    const filters = files.length === all.length ? undefined : files.map((f) => resolve(KIT_ROOT, f));
    // Interrupted while vitest loaded: nothing starts.
    if (options.signal?.aborted) return { run: reporter.run, files, interrupted: `cancelled (${String(options.signal.reason ?? 'signal')}) before any test ran` };

    let interrupted: string | undefined;
    let timer: NodeJS.Timeout | undefined;
    stop = (why: string): void => {
      if (interrupted !== undefined) return;
      interrupted = why;
      // vitest types custom reasons as a branded string; any text is accepted at run time.
      void vitest.cancelCurrentRun(why as Parameters<Vitest['cancelCurrentRun']>[0]).catch(() => undefined);
    };
    const onAbort = (): void => stop(`cancelled (${String(options.signal?.reason ?? 'signal')})`);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const explicitBound = typeof options.runTimeoutMs === 'number';
    const boundMs = typeof options.runTimeoutMs === 'number' ? options.runTimeoutMs : options.runTimeoutMs(files.length);
    const bounded = new Promise<void>((done) => {
      timer = setTimeout(() => {
        stop(explicitBound ? `the run exceeded --run-timeout ${boundMs} ms` : `the run exceeded its default bound of ${boundMs} ms for ${files.length} suite file(s) (--run-timeout sets it)`);
        done();
      }, boundMs);
    });
    const started = vitest.start(filters).then(() => undefined);
    try {
      await Promise.race([started, bounded]);
      if (interrupted !== undefined) await withBound(Promise.race([started, aborted(options.hurry)]), CANCEL_GRACE_MS);
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
    }
    if (reporter.run.reason === 'not-run') {
      // Cancelled before vitest reported the end: take what finished from its state, and
      // let the blob reporter (when there is one) write it too, so the shard still merges.
      const modules = vitest.state.getTestModules();
      reporter.onTestRunEnd(modules, [], 'interrupted');
      await blob?.onTestRunEnd(modules, []).catch(() => undefined);
    }
    return {
      run: reporter.run,
      files,
      ...(interrupted === undefined ? {} : { interrupted }),
      // Only when the slowness is what stopped the run (not a signal or the bound before it).
      ...(tooSlow === undefined || interrupted !== tooSlow.reason ? {} : { tooSlow }),
    };
  } finally {
    await closeBounded(vitest, options.hurry);
  }
}

export interface CollectedListing {
  readonly tests: readonly { readonly file: string; readonly title: string; readonly requirements: readonly string[] }[];
  readonly problems: readonly CollectedProblem[];
  readonly files: readonly string[];
}

function listModule(module: TestModule): CollectedListing['tests'] {
  return [...module.children.allTests()].map((test) => ({
    file: module.relativeModuleId,
    title: test.fullName,
    requirements: declaredRequirements(test.meta(), test.name),
  }));
}

/** Collects the suites (no test runs) to map requirement ids to tests. */
export async function collectSuites(source: SuiteSource, onDebug?: (text: string) => void): Promise<CollectedListing> {
  // Selection variables set in the caller's environment must not hide tests from the listing.
  const env = { ARCP_ONLY: '', ARCP_SKIP: '' };
  // An inert reporter: given none, vitest would add its default one.
  const vitest = await createConformanceVitest(source, [{}], { env, testTimeoutMs: 30_000, ...(onDebug ? { onDebug } : {}) });
  try {
    const files = selectSuiteFiles(await suiteFiles(vitest, source), source.onlySuites, source.skipSuites);
    if (files.length === 0) return { tests: [], problems: [], files };
    const result = await vitest.collect(files.map((f) => resolve(KIT_ROOT, f)));
    return {
      tests: result.testModules.flatMap(listModule),
      problems: result.testModules.flatMap(collectProblems),
      files,
    };
  } finally {
    await closeBounded(vitest);
  }
}

/**
 * Replays the blob reports in `directory` (written by sharded runs) through the conformance
 * reporter with vitest's own merge, and returns what it collected, as if one run had
 * produced them all.
 */
export async function mergeBlobReports(directory: string, onDebug?: (text: string) => void): Promise<CollectedRun> {
  const reporter = new ConformanceReporter(onDebug ? { onConsole: onDebug } : {});
  const source: SuiteSource = { include: [DEFAULT_SUITES], onlySuites: [], skipSuites: [] };
  const vitest = await createConformanceVitest(source, [reporter], { env: {}, testTimeoutMs: 30_000, ...(onDebug ? { onDebug } : {}) });
  try {
    await vitest.mergeReports(directory);
    return reporter.run;
  } finally {
    await closeBounded(vitest);
  }
}
