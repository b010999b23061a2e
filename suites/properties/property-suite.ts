// One property as a conformance test: learn what the target offers, run the property with
// the configured budget and seed, report how hard it tried, and judge every requirement the
// property declares: PASS when no run broke it; on a failure, the shrunk counterexample is
// saved as a fixture and the campaign keeps looking, within its budget, for violations of
// the other requirements (each distinct one gets its own fixture); each violated id fails
// (MUST) or warns (SHOULD) with its sentence, the transcript window that proves it, and the
// fixture of the failure that found it.
import { onTestFinished } from 'vitest';
import type { Violation } from '../checkers/index.ts';
import type { TranscriptEntry } from '../harness/transcript-types.ts';
import { openSession, requireAgent } from '../support/index.ts';
import { brokenVerdict, ConformanceFailure, conformanceTest, type ConformanceContext } from '../verdicts/conformance-test.ts';
import { formatExploration, type ExplorationSummary } from './exploration.ts';
import { fixturesDir, replayCommand } from './fixtures.ts';
import type { PropertyDefinition } from './properties.ts';
import { runProperty, type PropertyFailure, type PropertyOutcome } from './property-runner.ts';
import type { ScenarioTarget } from './run-scenario.ts';
import { capabilities, type Capabilities } from './scenarios/capabilities.ts';
import { freshSeed, parseShard, shardSeed } from './seeds.ts';

/**
 * What a property test leaves in `task.meta.arcpProperty` (beside `task.meta.arcp`): how
 * hard it tried and, on a failure, how reliably the shrunk scenario reproduced.
 */
export interface PropertyMeta {
  readonly property: string;
  readonly seed: number;
  readonly runs: number;
  readonly elapsedMs: number;
  readonly exploration: ExplorationSummary;
  /** The first failure found. */
  readonly failure?: FailureMeta;
  /** Every distinct failure of the campaign, in the order found (failures[0] is `failure`). */
  readonly failures: readonly FailureMeta[];
}

export interface FailureMeta {
  readonly violated: readonly string[];
  readonly path?: string;
  readonly fixture?: string;
  readonly reproduced?: { readonly runs: number; readonly hits: number };
  readonly runsToFailure: number;
  readonly shrinks: number;
}

function failureMeta(failure: PropertyFailure): FailureMeta {
  return {
    violated: [...new Set(failure.violations.map((v) => v.requirement))],
    ...(failure.path === undefined ? {} : { path: failure.path }),
    ...(failure.fixturePath === undefined ? {} : { fixture: failure.fixturePath }),
    ...(failure.reproduced === undefined ? {} : { reproduced: failure.reproduced }),
    runsToFailure: failure.runsToFailure,
    shrinks: failure.shrinks,
  };
}

declare module 'vitest' {
  interface TaskMeta {
    arcpProperty?: PropertyMeta;
  }
}

/** A property run may take this long at most (its waits are bounded; this bounds their sum). */
const PROPERTY_TIMEOUT_MS = 600_000;
/** How long a campaign hunts for other requirements once its first counterexample is saved. */
const KEEP_LOOKING_MS = 30_000;

export function scenarioTarget(t: ConformanceContext): ScenarioTarget {
  return { url: t.target.url, tokens: t.target.tokens, profile: t.target.profile, timeoutMs: t.target.timeoutMs };
}

/** Opens one session to learn the negotiated features; UNTESTABLE without the conformance agent. */
async function targetCapabilities(t: ConformanceContext): Promise<Capabilities> {
  const session = await openSession(t, { label: 'capabilities principal:primary' });
  try {
    requireAgent(t, session);
    return capabilities(session.features, t.target.tokens.secondary !== undefined, t.target.profile.subscribePolicy);
  } finally {
    await session.connection.closeSocket(1000, '', 1000);
  }
}

/** The failing run's transcript around the witnesses of `violations`. */
export function witnessWindow(transcript: readonly TranscriptEntry[], violations: readonly Violation[], radius = 3, limit = 48): TranscriptEntry[] {
  const picked = new Set<number>();
  for (const v of violations) {
    for (const w of v.witnesses) for (let i = Math.max(0, w - radius); i <= Math.min(transcript.length - 1, w + radius); i++) picked.add(i);
  }
  return [...picked]
    .sort((a, b) => a - b)
    .slice(0, limit)
    .map((i) => transcript[i] as TranscriptEntry);
}

/** Each violated requirement with its violations in the first failure that broke it. */
function groupByRequirement(failures: readonly PropertyFailure[]): Map<string, { violations: Violation[]; failure: PropertyFailure }> {
  const groups = new Map<string, { violations: Violation[]; failure: PropertyFailure }>();
  for (const failure of failures) {
    for (const v of failure.violations) {
      const group = groups.get(v.requirement);
      if (group === undefined) groups.set(v.requirement, { violations: [v], failure });
      else if (group.failure === failure) group.violations.push(v);
    }
  }
  return groups;
}

function savedText(failure: PropertyFailure): string {
  const r = failure.reproduced === undefined ? '' : `; reproduced ${failure.reproduced.hits}/${failure.reproduced.runs} replays`;
  const saved = failure.fixturePath === undefined ? '' : `; saved as ${failure.fixturePath}; replay: ${failure.fixtureCommand ?? replayCommand(failure.fixturePath)}`;
  return `path ${failure.path ?? 'n/a'}${r}${saved}`;
}

/** Judges the declared ids; throws one error naming every broken MUST and the fixture of each failure. */
function judge(t: ConformanceContext, property: PropertyDefinition, outcome: PropertyOutcome, keptLooking: boolean): void {
  const groups = groupByRequirement(outcome.failures);
  const undeclared = [...groups.keys()].filter((id) => !property.requirements.includes(id));
  if (undeclared.length > 0) throw new Error(`property ${property.name} produced ${undeclared.join(', ')}, which it does not declare (a kit bug)`);
  const { exercised, unexercised } = outcome.exploration;
  const failure = outcome.failure;
  if (failure === undefined && exercised === 0) {
    t.untestable(`none of the ${outcome.runs} runs could carry out its scenario (${unexercised ?? 'no reason recorded'}), so nothing was judged`);
  }
  if (exercised < outcome.runs) t.note(`only ${exercised} of ${outcome.runs} runs carried out their scenario (latest reason: ${unexercised ?? 'none recorded'})`);
  for (const id of property.requirements) {
    if (groups.has(id)) continue;
    if (failure !== undefined && outcome.interrupted) {
      // The campaign keeps looking after a counterexample, but its time ran out first: the other ids had a short search.
      t.inconclusive(id, `the campaign ran out of time after its counterexample(s) of ${[...groups.keys()].join(', ')} (${outcome.runs} runs)`);
      continue;
    }
    if (failure !== undefined && !keptLooking) {
      t.inconclusive(id, `the run stops at its first failure (--bail), so the campaign did not look further after its counterexample of ${[...groups.keys()].join(', ')}`);
      continue;
    }
    const evidence = { expected: `no run breaks ${id}`, actual: `${exercised} of ${outcome.runs} runs carried out their scenario, none broke it` };
    t.should(id, true, evidence);
  }
  const broken: string[] = [];
  for (const [id, { violations, failure }] of groups) {
    const evidence = () => ({
      expected: `no run breaks ${id}`,
      actual: violations.map((v) => v.message).join(' | '),
      transcript: witnessWindow(failure.transcript, violations),
      witnesses: violations.flatMap((v) => v.witnesses),
    });
    if (brokenVerdict(id) === 'WARN') {
      t.should(id, false, evidence);
      continue;
    }
    try {
      t.must(id, false, evidence);
    } catch (error) {
      if (!(error instanceof ConformanceFailure)) throw error;
      broken.push(`${error.message}\n(${savedText(failure)})`);
    }
  }
  if (broken.length > 0) {
    const ids = [...groups.keys()].filter((id) => brokenVerdict(id) === 'FAIL');
    throw new ConformanceFailure(
      ids[0] as string,
      `property ${property.name} broke ${ids.join(', ')} in ${outcome.failures.length} distinct failure(s) (seed ${outcome.seed}, ${outcome.runs} runs)\n\n${broken.join('\n\n')}`,
    );
  }
}

/** Registers the conformance test of one property. */
export function propertyTest(property: PropertyDefinition): void {
  conformanceTest(property.title, { requirements: property.requirements, timeoutMs: PROPERTY_TIMEOUT_MS }, async (t) => {
    const caps = await targetCapabilities(t);
    const seed = shardSeed(t.target.seed ?? freshSeed(), parseShard(process.env.ARCP_SHARD));
    const runs = t.target.runs ?? property.defaultRuns;
    // Under `run --bail` the run ends at this failure: hunting for more would only delay it.
    const keepLooking = process.env.ARCP_BAIL !== '1';
    const outcome = await runProperty(property, scenarioTarget(t), {
      runs,
      seed,
      capabilities: caps,
      fixturesDir: fixturesDir(),
      // The embedded runtime's port dies with the run: its fixtures replay against a fresh one.
      ...(t.target.embedded === undefined ? { fixtureUrl: t.target.url } : {}),
      ...(t.target.embedded?.defects.length === 1 ? { defect: t.target.embedded.defects[0] } : {}),
      keepLooking,
      keepLookingMs: KEEP_LOOKING_MS,
    });
    const failure = outcome.failure;
    const meta: PropertyMeta = {
      property: property.name,
      seed,
      runs: outcome.runs,
      elapsedMs: Math.round(outcome.elapsedMs),
      exploration: outcome.exploration,
      ...(failure === undefined ? {} : { failure: failureMeta(failure) }),
      failures: outcome.failures.map(failureMeta),
    };
    onTestFinished(({ task }) => {
      task.meta.arcpProperty = meta;
    });
    t.setReplay({
      seed,
      runs,
      ...(failure?.path === undefined ? {} : { path: failure.path }),
      ...(failure?.fixturePath === undefined ? {} : { fixture: failure.fixturePath, command: failure.fixtureCommand ?? replayCommand(failure.fixturePath) }),
    });
    const found = outcome.failures.length === 0 ? '' : `; ${outcome.failures.length} distinct failure(s): ${outcome.failures.map((f) => failureMeta(f).violated.join('+')).join(', ')}`;
    console.log(formatExploration(property.name, outcome.exploration, `seed ${seed}; ${(outcome.elapsedMs / 1000).toFixed(1)} s${found}`));
    judge(t, property, outcome, keepLooking);
  });
}
