// Runs one property with fast-check, outside or inside vitest: generate scenarios, run each
// over the wire, stop at the first run whose history breaks a requirement, shrink it
// (bounded in time), replay the shrunk scenario a few times to see how reliably it
// reproduces, and save it as a fixture. The suites, the project's detection tests, the
// detection bench and the audit-fixture maker all go through here.
import { join } from 'node:path';
import fc from 'fast-check';
import type { Violation } from '../checkers/index.ts';
import type { TranscriptEntry } from '../harness/transcript-types.ts';
import { ExplorationTally, type ExplorationSummary } from './exploration.ts';
import { buildFixture, fixtureFileName, writeFixture } from './fixtures.ts';
import type { ServerProbe } from './probe.ts';
import { checkersFor, type PropertyDefinition } from './properties.ts';
import { runScenario, type ScenarioRun, type ScenarioTarget } from './run-scenario.ts';
import type { Scenario } from './scenario.ts';
import type { Capabilities } from './scenarios/capabilities.ts';

export const DEFAULT_SHRINK_MS = 20_000;
export const DEFAULT_CONFIRM_RUNS = 3;
export const DEFAULT_REPLAYS = 5;

export interface PropertyRunOptions {
  readonly runs: number;
  readonly seed: number;
  readonly capabilities: Capabilities;
  /** Shrink a failure (default true); detection only needs the first failing run. */
  readonly shrink?: boolean;
  /** Time allowed for shrinking (default 20 s); the best counterexample so far is kept. */
  readonly shrinkMs?: number;
  /**
   * While shrinking, a smaller scenario replaces the counterexample only if it fails this
   * many runs in a row (default 3): flaky candidates would shrink toward scenarios that
   * fail only now and then, which make poor fixtures.
   */
  readonly confirmRuns?: number;
  /** Replays of the shrunk scenario to measure reproduction (default 5; 0 skips). */
  readonly replays?: number;
  readonly probe?: ServerProbe;
  /** Write the failure as a fixture into this directory. */
  readonly fixturesDir?: string;
  /** The fixture's file name (default `<property>-<seed>.json`). */
  readonly fixtureName?: string;
  /** The URL the fixture's replay command names (default: none, the command replays against ARCP_URL). */
  readonly fixtureUrl?: string;
  /** Stored in the fixture (audit seeds). */
  readonly defect?: string;
  readonly report?: string;
  /** Stop generating new runs after this long (a passing result then says so). */
  readonly timeLimitMs?: number;
}

export interface PropertyFailure {
  /** The shrunk scenario (the first failing one when shrinking did not reproduce it). */
  readonly scenario: Scenario;
  /** fast-check path of the counterexample, for `fc.check(..., { seed, path })`. */
  readonly path: string | undefined;
  readonly violations: readonly Violation[];
  /** Transcript of the last failing run of `scenario`, redacted. */
  readonly transcript: readonly TranscriptEntry[];
  /** Runs until the first failure (1 = the first run failed). */
  readonly runsToFailure: number;
  readonly msToFailure: number;
  readonly shrinks: number;
  readonly reproduced: { readonly runs: number; readonly hits: number } | undefined;
  readonly fixturePath: string | undefined;
  /** The fixture's replay command. */
  readonly fixtureCommand: string | undefined;
}

export interface PropertyOutcome {
  readonly property: string;
  readonly seed: number;
  /** Generated runs before the end or the first failure (shrinking and replays excluded). */
  readonly runs: number;
  readonly exploration: ExplorationSummary;
  readonly elapsedMs: number;
  /** True when the time limit stopped generation before `runs` were done. */
  readonly interrupted: boolean;
  readonly failure?: PropertyFailure;
}

/** A run broke requirements: carries the run so the runner can keep the latest failing one. */
class HistoryViolated extends Error {
  override readonly name = 'HistoryViolated';
  constructor(readonly run: ScenarioRun) {
    super(run.violations.map((v) => `${v.requirement}: ${v.message}`).join('\n'));
  }
}

export async function runProperty(property: PropertyDefinition, target: ScenarioTarget, options: PropertyRunOptions): Promise<PropertyOutcome> {
  const started = performance.now();
  const tally = new ExplorationTally();
  const runOptions = { checkers: checkersFor(property, target.profile), ...(options.probe === undefined ? {} : { probe: options.probe }) };
  let generated = 0;
  let lastFailure: { scenario: Scenario; run: ScenarioRun } | undefined;
  let firstFailureAt: { runs: number; ms: number } | undefined;

  const arbitrary = property.arbitrary(options.capabilities);
  const predicate = fc.asyncProperty(arbitrary, async (scenario) => {
    const run = await runScenario(scenario, target, runOptions);
    generated += 1;
    tally.add(run.exploration);
    if (run.violations.length === 0) return;
    lastFailure = { scenario, run };
    firstFailureAt ??= { runs: generated, ms: performance.now() - started };
    throw new HistoryViolated(run);
  });
  // Shrinking: a candidate counts as failing only when it fails `confirmRuns` times in a row.
  const confirmRuns = Math.max(1, options.confirmRuns ?? DEFAULT_CONFIRM_RUNS);
  const confirming = fc.asyncProperty(arbitrary, async (scenario) => {
    let run: ScenarioRun | undefined;
    for (let k = 0; k < confirmRuns; k++) {
      run = await runScenario(scenario, target, runOptions);
      if (run.violations.length === 0) return;
    }
    if (run === undefined) return;
    lastFailure = { scenario, run };
    throw new HistoryViolated(run);
  });

  // Phase 1: find a failure; no shrinking yet, so detection time is not spent shrinking.
  const found = await fc.check(predicate, {
    seed: options.seed,
    numRuns: options.runs,
    endOnFailure: true,
    ...(options.timeLimitMs === undefined ? {} : { interruptAfterTimeLimit: options.timeLimitMs }),
  });
  rethrowExecutionError(found.errorInstance);
  const summary = {
    property: property.name,
    seed: options.seed,
    runs: generated,
    exploration: tally.summary(),
    interrupted: found.interrupted,
  };
  if (!found.failed || lastFailure === undefined || firstFailureAt === undefined) return { ...summary, elapsedMs: performance.now() - started };

  // Phase 2: shrink from the failing path. A concurrency failure may not recur on a candidate;
  // fast-check then keeps the last candidate that did fail.
  let path = found.counterexamplePath ?? undefined;
  let shrinks = 0;
  if (options.shrink !== false && path !== undefined) {
    const shrunk = await fc.check(confirming, {
      seed: options.seed,
      path,
      numRuns: options.runs,
      interruptAfterTimeLimit: options.shrinkMs ?? DEFAULT_SHRINK_MS,
      markInterruptAsFailure: false,
    });
    rethrowExecutionError(shrunk.errorInstance);
    if (shrunk.failed && shrunk.counterexamplePath !== null) {
      path = shrunk.counterexamplePath;
      shrinks = shrunk.numShrinks;
    }
  }
  const failing = lastFailure;

  // Phase 3: how reliably does the shrunk scenario fail?
  const replays = options.replays ?? DEFAULT_REPLAYS;
  let reproduced: PropertyFailure['reproduced'];
  if (replays > 0) {
    let hits = 0;
    for (let k = 0; k < replays; k++) {
      const again = await runScenario(failing.scenario, target, runOptions);
      if (again.violations.length > 0) hits += 1;
    }
    reproduced = { runs: replays, hits };
  }

  let fixturePath: string | undefined;
  let fixtureCommand: string | undefined;
  if (options.fixturesDir !== undefined) {
    const file = join(options.fixturesDir, options.fixtureName ?? fixtureFileName(property.name, options.seed));
    const fixture = buildFixture(
      {
        property: property.name,
        seed: options.seed,
        path,
        scenario: failing.scenario,
        violations: failing.run.violations,
        transcript: failing.run.transcript,
        ...(reproduced === undefined ? {} : { reproduced }),
        ...(options.fixtureUrl === undefined ? {} : { url: options.fixtureUrl }),
        ...(options.defect === undefined ? {} : { defect: options.defect }),
        ...(options.report === undefined ? {} : { report: options.report }),
      },
      file,
    );
    fixturePath = writeFixture(file, fixture, failing.run.secretsIn);
    fixtureCommand = fixture.command;
  }

  return {
    ...summary,
    elapsedMs: performance.now() - started,
    failure: {
      scenario: failing.scenario,
      path,
      violations: failing.run.violations,
      transcript: failing.run.transcript,
      runsToFailure: firstFailureAt.runs,
      msToFailure: firstFailureAt.ms,
      shrinks,
      reproduced,
      fixturePath,
      fixtureCommand,
    },
  };
}

/** Anything but a violated history is a failure of the run itself (unreachable server, a bug): surface it. */
function rethrowExecutionError(error: unknown): void {
  if (error === null || error === undefined || error instanceof HistoryViolated) return;
  throw error;
}
