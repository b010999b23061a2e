// One property as a conformance test: learn what the target offers, run the property with
// the configured budget and seed, report how hard it tried, and judge every requirement the
// property declares: PASS when no run broke it; on a failure, the shrunk counterexample is
// saved as a fixture and each violated id fails (MUST) or warns (SHOULD) with its sentence,
// the transcript window that proves it, and the fixture path.
import { onTestFinished } from 'vitest';
import type { Violation } from '../checkers/index.ts';
import type { TranscriptEntry } from '../harness/transcript-types.ts';
import { openSession, requireAgent } from '../support/index.ts';
import { brokenVerdict, ConformanceFailure, conformanceTest, type ConformanceContext } from '../verdicts/conformance-test.ts';
import { formatExploration, type ExplorationSummary } from './exploration.ts';
import { fixturesDir, replayCommand } from './fixtures.ts';
import type { PropertyDefinition } from './properties.ts';
import { runProperty, type PropertyOutcome } from './property-runner.ts';
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
  readonly failure?: {
    readonly violated: readonly string[];
    readonly path?: string;
    readonly fixture?: string;
    readonly reproduced?: { readonly runs: number; readonly hits: number };
    readonly runsToFailure: number;
    readonly shrinks: number;
  };
}

declare module 'vitest' {
  interface TaskMeta {
    arcpProperty?: PropertyMeta;
  }
}

/** A property run may take this long at most (its waits are bounded; this bounds their sum). */
const PROPERTY_TIMEOUT_MS = 600_000;

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

function groupByRequirement(violations: readonly Violation[]): Map<string, Violation[]> {
  const groups = new Map<string, Violation[]>();
  for (const v of violations) groups.set(v.requirement, [...(groups.get(v.requirement) ?? []), v]);
  return groups;
}

function reproducedText(outcome: PropertyOutcome): string {
  const r = outcome.failure?.reproduced;
  return r === undefined ? '' : `; reproduced ${r.hits}/${r.runs} replays`;
}

/** Judges the declared ids; throws one error naming every broken MUST. */
function judge(t: ConformanceContext, property: PropertyDefinition, outcome: PropertyOutcome): void {
  const failure = outcome.failure;
  const groups = groupByRequirement(failure?.violations ?? []);
  const undeclared = [...groups.keys()].filter((id) => !property.requirements.includes(id));
  if (undeclared.length > 0) throw new Error(`property ${property.name} produced ${undeclared.join(', ')}, which it does not declare (a kit bug)`);
  const { exercised, unexercised } = outcome.exploration;
  if (failure === undefined && exercised === 0) {
    t.untestable(`none of the ${outcome.runs} runs could carry out its scenario (${unexercised ?? 'no reason recorded'}), so nothing was judged`);
  }
  if (exercised < outcome.runs) t.note(`only ${exercised} of ${outcome.runs} runs carried out their scenario (latest reason: ${unexercised ?? 'none recorded'})`);
  for (const id of property.requirements) {
    if (groups.has(id)) continue;
    if (failure !== undefined) {
      // fast-check stopped at the counterexample: the other ids have one short search behind them.
      t.inconclusive(id, `the property stopped at a counterexample of ${[...groups.keys()].join(', ')} after ${failure.runsToFailure} runs`);
      continue;
    }
    const evidence = { expected: `no run breaks ${id}`, actual: `${exercised} of ${outcome.runs} runs carried out their scenario, none broke it` };
    t.should(id, true, evidence);
  }
  if (failure === undefined) return;
  const saved = failure.fixturePath === undefined ? '' : `; saved as ${failure.fixturePath}; replay: ${failure.fixtureCommand ?? replayCommand(failure.fixturePath)}`;
  const broken: string[] = [];
  for (const [id, violations] of groups) {
    const evidence = () => ({
      expected: `no run breaks ${id}`,
      actual: violations.map((v) => v.message).join(' | '),
      transcript: witnessWindow(failure.transcript, violations),
    });
    if (brokenVerdict(id) === 'WARN') {
      t.should(id, false, evidence);
      continue;
    }
    try {
      t.must(id, false, evidence);
    } catch (error) {
      if (!(error instanceof ConformanceFailure)) throw error;
      broken.push(error.message);
    }
  }
  if (broken.length > 0) {
    const ids = [...groups.keys()].filter((id) => brokenVerdict(id) === 'FAIL');
    throw new ConformanceFailure(
      ids[0] as string,
      `property ${property.name} broke ${ids.join(', ')} (seed ${outcome.seed}, path ${failure.path ?? 'n/a'}${reproducedText(outcome)}${saved})\n\n${broken.join('\n\n')}`,
    );
  }
}

/** Registers the conformance test of one property. */
export function propertyTest(property: PropertyDefinition): void {
  conformanceTest(property.title, { requirements: property.requirements, timeoutMs: PROPERTY_TIMEOUT_MS }, async (t) => {
    const caps = await targetCapabilities(t);
    const seed = shardSeed(t.target.seed ?? freshSeed(), parseShard(process.env.ARCP_SHARD));
    const runs = t.target.runs ?? property.defaultRuns;
    const outcome = await runProperty(property, scenarioTarget(t), {
      runs,
      seed,
      capabilities: caps,
      fixturesDir: fixturesDir(),
      // The embedded runtime's port dies with the run: its fixtures replay against a fresh one.
      ...(t.target.embedded === undefined ? { fixtureUrl: t.target.url } : {}),
      ...(t.target.embedded?.defects.length === 1 ? { defect: t.target.embedded.defects[0] } : {}),
    });
    const failure = outcome.failure;
    const meta: PropertyMeta = {
      property: property.name,
      seed,
      runs: outcome.runs,
      elapsedMs: Math.round(outcome.elapsedMs),
      exploration: outcome.exploration,
      ...(failure === undefined
        ? {}
        : {
            failure: {
              violated: [...new Set(failure.violations.map((v) => v.requirement))],
              ...(failure.path === undefined ? {} : { path: failure.path }),
              ...(failure.fixturePath === undefined ? {} : { fixture: failure.fixturePath }),
              ...(failure.reproduced === undefined ? {} : { reproduced: failure.reproduced }),
              runsToFailure: failure.runsToFailure,
              shrinks: failure.shrinks,
            },
          }),
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
    console.log(formatExploration(property.name, outcome.exploration, `seed ${seed}; ${(outcome.elapsedMs / 1000).toFixed(1)} s`));
    judge(t, property, outcome);
  });
}
