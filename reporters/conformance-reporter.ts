// The vitest reporter the CLI installs instead of vitest's own output. It counts verdicts
// for the progress line as tests finish, and at the end turns the test modules into the
// plain data the record is built from (CollectedTest / CollectedProblem).
import type {
  Reporter,
  SerializedError,
  TestCase,
  TestModule,
  TestRunEndReason,
  TestSpecification,
} from 'vitest/node';
import type { UserConsoleLog } from 'vitest';
import type { CollectedProblem, CollectedTest } from './record.ts';
import { verdictOf } from './record.ts';
import type { ProgressSnapshot } from './progress.ts';
import { emptyCounts, type Verdict } from './verdicts.ts';
import { SlowServerWatch, type TooSlow } from './slow-server.ts';

export interface ConformanceReporterOptions {
  /** Called as tests finish and files load. */
  readonly onProgress?: (snapshot: ProgressSnapshot, event: 'test' | 'file') => void;
  /** Console output of the suites (shown only with --debug). */
  readonly onConsole?: (text: string) => void;
  /** Called once when test after test timed out waiting for the server (slow-server.ts). */
  readonly onTooSlow?: (finding: TooSlow) => void;
  /** Called with each test as it finishes (`run --bail` decides there whether to stop). */
  readonly onTestFinished?: (test: CollectedTest) => void;
}

export interface CollectedRun {
  readonly tests: readonly CollectedTest[];
  readonly problems: readonly CollectedProblem[];
  /** Full stacks of failures, for --debug. */
  readonly stacks: readonly string[];
  readonly reason: TestRunEndReason | 'not-run';
}

interface ErrorLike {
  readonly name?: string;
  readonly message?: string;
  readonly stack?: string;
}

/** One error as a message: `Name: message` unless the name adds nothing. */
export function errorText(error: ErrorLike): string {
  const name = error.name && !['Error', 'ConformanceFailure', 'UntestableError'].includes(error.name) ? `${error.name}: ` : '';
  return `${name}${error.message ?? String(error)}`;
}

export function collectTestCase(test: TestCase): CollectedTest {
  const result = test.result();
  const meta = test.meta().arcp;
  const diagnostic = test.diagnostic();
  return {
    file: test.module.relativeModuleId,
    title: test.fullName,
    state: result.state,
    ...(result.state === 'skipped' && result.note !== undefined ? { skipNote: result.note } : {}),
    ...(meta === undefined ? {} : { meta }),
    errors: (result.errors ?? []).map(errorText),
    durationMs: diagnostic?.duration ?? 0,
    ...(diagnostic === undefined ? {} : { startedAt: diagnostic.startTime }),
  };
}

/** Load errors of a module and errors of its suites (a failing beforeAll, ...). */
export function collectProblems(module: TestModule): CollectedProblem[] {
  const file = module.relativeModuleId;
  const problems: CollectedProblem[] = module.errors().map((e) => ({ origin: 'load-error', file, message: errorText(e) }));
  for (const suite of module.children.allSuites()) {
    for (const e of suite.errors()) problems.push({ origin: 'run-error', file, message: `${suite.fullName}: ${errorText(e)}` });
  }
  return problems;
}

export class ConformanceReporter implements Reporter {
  readonly #options: ConformanceReporterOptions;
  #total = 0;
  #done = 0;
  #files = 0;
  #filesDone = 0;
  #counts = emptyCounts();
  #run: CollectedRun = { tests: [], problems: [], stacks: [], reason: 'not-run' };
  readonly #slow: SlowServerWatch | undefined;

  constructor(options: ConformanceReporterOptions = {}) {
    this.#options = options;
    this.#slow = options.onTooSlow === undefined ? undefined : new SlowServerWatch(options.onTooSlow);
  }

  /** What the run produced; complete after onTestRunEnd. */
  get run(): CollectedRun {
    return this.#run;
  }

  #snapshot(): ProgressSnapshot {
    return { total: this.#total, done: this.#done, counts: { ...this.#counts }, files: this.#files, filesDone: this.#filesDone };
  }

  onTestRunStart(specifications: ReadonlyArray<TestSpecification>): void {
    this.#files = specifications.length;
  }

  onTestModuleCollected(module: TestModule): void {
    this.#total += [...module.children.allTests()].length;
    this.#options.onProgress?.(this.#snapshot(), 'file');
  }

  onTestCaseResult(test: TestCase): void {
    this.#done += 1;
    const result = test.result();
    const verdict: Verdict | undefined = verdictOf({
      state: result.state,
      ...(test.meta().arcp === undefined ? {} : { meta: test.meta().arcp }),
      ...(result.state === 'skipped' && result.note !== undefined ? { skipNote: result.note } : {}),
    });
    if (verdict !== undefined) this.#counts[verdict] += 1;
    this.#slow?.observe(result.state, (result.errors ?? []).map(errorText));
    this.#options.onProgress?.(this.#snapshot(), 'test');
    this.#options.onTestFinished?.(collectTestCase(test));
  }

  onTestModuleEnd(): void {
    this.#filesDone += 1;
    this.#options.onProgress?.(this.#snapshot(), 'file');
  }

  onUserConsoleLog(log: UserConsoleLog): void {
    this.#options.onConsole?.(`[${log.type}] ${log.content}`);
  }

  onTestRunEnd(
    modules: ReadonlyArray<TestModule>,
    unhandledErrors: ReadonlyArray<SerializedError>,
    reason: TestRunEndReason,
  ): void {
    const tests: CollectedTest[] = [];
    const problems: CollectedProblem[] = [];
    const stacks: string[] = [];
    for (const module of modules) {
      for (const test of module.children.allTests()) {
        tests.push(collectTestCase(test));
        for (const e of test.result().errors ?? []) if (e.stack) stacks.push(`${test.fullName}\n${e.stack}`);
      }
      problems.push(...collectProblems(module));
      for (const e of module.errors()) if (e.stack) stacks.push(`${module.relativeModuleId}\n${e.stack}`);
    }
    for (const e of unhandledErrors) {
      problems.push({ origin: 'run-error', file: '(run)', message: `unhandled error: ${errorText(e)}` });
      if (e.stack) stacks.push(e.stack);
    }
    this.#run = { tests, problems, stacks, reason };
  }
}
