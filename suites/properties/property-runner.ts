// Runs one property with fast-check, outside or inside vitest: generate scenarios, run each
// over the wire, stop at the first run whose history breaks a requirement, shrink it
// (bounded in time), replay the shrunk scenario a few times to see how reliably it
// reproduces, and save it as a fixture. With `keepLooking` the campaign then goes on within
// its budget (runs, time), hunting for violations of requirements not found yet, and settles
// each such failure the same way, with its own fixture. The suites, the project's detection
// tests, the detection bench and the audit-fixture maker all go through here.
import { join } from 'node:path';
import fc from 'fast-check';
import type { Violation } from '../checkers/index.ts';
import type { TranscriptEntry } from '../harness/transcript-types.ts';
import { ExplorationTally, type ExplorationSummary, scenarioShape } from './exploration.ts';
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
  /**
   * After a failure is settled, go on with the rest of the budget looking for violations of
   * the requirements not yet found (default false: detection needs only the first).
   */
  readonly keepLooking?: boolean;
  /**
   * With `keepLooking`: the wall time the hunts after the first failure may take together
   * (default: no bound but `runs`). Against a server whose every run waits out a timeout, the
   * rest of a run budget can take many minutes; the ids not reached are then inconclusive.
   */
  readonly keepLookingMs?: number;
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
  /** The first failure found (the same as failures[0]). */
  readonly failure?: PropertyFailure;
  /** Every distinct failure found: each broke a requirement no earlier one broke. */
  readonly failures: readonly PropertyFailure[];
}

/** A run broke requirements: carries the run so the runner can keep the latest failing one. */
class HistoryViolated extends Error {
  override readonly name = 'HistoryViolated';
  constructor(readonly run: ScenarioRun) {
    super(run.violations.map((v) => `${v.requirement}: ${v.message}`).join('\n'));
  }
}

/** The smaller of two optional bounds. */
function earliest(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  return b === undefined ? a : Math.min(a, b);
}

/** The seed of the n-th hunt of a campaign: the campaign's own seed first, then fresh ones derived from it. */
export function huntSeed(seed: number, hunt: number): number {
  return hunt === 0 ? seed : (seed + Math.imul(hunt, 0x9e3779b1)) | 0;
}

export async function runProperty(property: PropertyDefinition, target: ScenarioTarget, options: PropertyRunOptions): Promise<PropertyOutcome> {
  const started = performance.now();
  const tally = new ExplorationTally();
  const runOptions = { checkers: checkersFor(property, target.profile), ...(options.probe === undefined ? {} : { probe: options.probe }) };
  let generated = 0;
  // Requirements already found: their violations no longer stop a hunt.
  const found = new Set<string>();
  const fresh = (run: ScenarioRun) => run.violations.some((v) => !found.has(v.requirement));
  let lastFailure: { scenario: Scenario; run: ScenarioRun } | undefined;
  let failureAt: { runs: number; ms: number } | undefined;

  const arbitrary = property.arbitrary(options.capabilities);
  const predicate = fc.asyncProperty(arbitrary, async (scenario) => {
    const run = await runScenario(scenario, target, runOptions);
    generated += 1;
    tally.add(run.exploration);
    tally.addShape(scenarioShape(scenario));
    if (!fresh(run)) return;
    lastFailure = { scenario, run };
    failureAt ??= { runs: generated, ms: performance.now() - started };
    throw new HistoryViolated(run);
  });
  // Shrinking: a candidate counts as failing only when it fails `confirmRuns` times in a row,
  // each time breaking a requirement not found before (so it keeps the bug being shrunk).
  const confirmRuns = Math.max(1, options.confirmRuns ?? DEFAULT_CONFIRM_RUNS);
  const confirming = fc.asyncProperty(arbitrary, async (scenario) => {
    let run: ScenarioRun | undefined;
    for (let k = 0; k < confirmRuns; k++) {
      run = await runScenario(scenario, target, runOptions);
      if (!fresh(run)) return;
    }
    if (run === undefined) return;
    lastFailure = { scenario, run };
    throw new HistoryViolated(run);
  });

  const failures: PropertyFailure[] = [];
  let interrupted = false;
  // Set when the first failure is settled: when the later hunts must stop.
  let huntDeadline: number | undefined;
  for (let hunt = 0; generated < options.runs; hunt++) {
    const seed = huntSeed(options.seed, hunt);
    const timeLeft = earliest(
      options.timeLimitMs === undefined ? undefined : options.timeLimitMs - (performance.now() - started),
      huntDeadline === undefined ? undefined : huntDeadline - performance.now(),
    );
    if (timeLeft !== undefined && timeLeft <= 0) {
      interrupted = true;
      break;
    }
    lastFailure = undefined;
    failureAt = undefined;
    // Find a failure; no shrinking yet, so detection time is not spent shrinking.
    const check = await fc.check(predicate, {
      seed,
      numRuns: options.runs - generated,
      endOnFailure: true,
      ...(timeLeft === undefined ? {} : { interruptAfterTimeLimit: timeLeft }),
    });
    rethrowExecutionError(check.errorInstance);
    interrupted = check.interrupted;
    if (!check.failed || lastFailure === undefined || failureAt === undefined) break;
    const failure = await settle({ seed, path: check.counterexamplePath ?? undefined, first: lastFailure, at: failureAt, hunt });
    failures.push(failure);
    for (const v of failure.violations) found.add(v.requirement);
    if (options.keepLooking !== true) break;
    if (options.keepLookingMs !== undefined) huntDeadline ??= performance.now() + options.keepLookingMs;
  }

  /** Shrinks, replays and saves one failure of the hunt that found it. */
  async function settle(from: { seed: number; path: string | undefined; first: { scenario: Scenario; run: ScenarioRun }; at: { runs: number; ms: number }; hunt: number }): Promise<PropertyFailure> {
    let path = from.path;
    let shrinks = 0;
    lastFailure = from.first;
    // A concurrency failure may not recur on a candidate; fast-check then keeps the last candidate that did fail.
    if (options.shrink !== false && path !== undefined) {
      const shrunk = await fc.check(confirming, {
        seed: from.seed,
        path,
        numRuns: options.runs,
        interruptAfterTimeLimit: earliest(options.shrinkMs ?? DEFAULT_SHRINK_MS, huntDeadline === undefined ? undefined : Math.max(1, huntDeadline - performance.now())),
        markInterruptAsFailure: false,
      });
      rethrowExecutionError(shrunk.errorInstance);
      if (shrunk.failed && shrunk.counterexamplePath !== null) {
        path = shrunk.counterexamplePath;
        shrinks = shrunk.numShrinks;
      }
    }
    const failing = lastFailure ?? from.first;

    // How reliably does the shrunk scenario fail?
    const replays = options.replays ?? DEFAULT_REPLAYS;
    let reproduced: PropertyFailure['reproduced'];
    if (replays > 0) {
      let hits = 0;
      for (let k = 0; k < replays; k++) {
        const again = await runScenario(failing.scenario, target, runOptions);
        if (fresh(again)) hits += 1;
      }
      reproduced = { runs: replays, hits };
    }

    let fixturePath: string | undefined;
    let fixtureCommand: string | undefined;
    if (options.fixturesDir !== undefined) {
      const name = from.hunt === 0 && options.fixtureName !== undefined ? options.fixtureName : fixtureFileName(property.name, from.seed);
      const file = join(options.fixturesDir, name);
      const fixture = buildFixture(
        {
          property: property.name,
          seed: from.seed,
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
      scenario: failing.scenario,
      path,
      violations: failing.run.violations,
      transcript: failing.run.transcript,
      runsToFailure: from.at.runs,
      msToFailure: from.at.ms,
      shrinks,
      reproduced,
      fixturePath,
      fixtureCommand,
    };
  }

  return {
    property: property.name,
    seed: options.seed,
    runs: generated,
    exploration: tally.summary(),
    interrupted,
    elapsedMs: performance.now() - started,
    ...(failures[0] === undefined ? {} : { failure: failures[0] }),
    failures,
  };
}

/** Anything but a violated history is a failure of the run itself (unreachable server, a bug): surface it. */
function rethrowExecutionError(error: unknown): void {
  if (error === null || error === undefined || error instanceof HistoryViolated) return;
  throw error;
}
