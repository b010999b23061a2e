// Loading saved fixtures and replaying their scenarios, for the regressions suite (against
// any target) and the project's audit-fixture tests (against the reference).
import type { Violation } from '../checkers/index.ts';
import type { TranscriptEntry } from '../harness/transcript-types.ts';
import { AUDIT_FIXTURES_DIR, SEED_FIXTURES_DIR, listFixtures, readFixtureJson } from '../properties/fixtures.ts';
import type { ServerProbe } from '../properties/probe.ts';
import { PROPERTIES, checkersFor } from '../properties/properties.ts';
import { runScenario, type ScenarioTarget } from '../properties/run-scenario.ts';
import { parseScenario, type Scenario } from '../properties/scenario.ts';

export interface SavedFixture {
  readonly file: string;
  readonly violated: readonly string[];
  readonly scenario: Scenario;
  readonly defect?: string;
  readonly report?: string;
}

export type LoadedFixture = { readonly ok: true; readonly fixture: SavedFixture } | { readonly ok: false; readonly file: string; readonly problem: string };

const REQUIREMENT_ID = /^[A-Z][A-Z0-9]*-\d+$/;

/** Reads one fixture; never throws (a bad file is reported, not crashed on). */
export function loadFixture(file: string): LoadedFixture {
  let json: unknown;
  try {
    json = readFixtureJson(file);
  } catch (error) {
    return { ok: false, file, problem: `not readable JSON (${(error as Error).message})` };
  }
  const f = (typeof json === 'object' && json !== null ? json : {}) as Record<string, unknown>;
  const violated = Array.isArray(f.violated) ? f.violated.filter((id): id is string => typeof id === 'string' && REQUIREMENT_ID.test(id)) : [];
  if (violated.length === 0) return { ok: false, file, problem: 'violated must list at least one requirement id' };
  const parsed = parseScenario(f.scenario);
  if (!parsed.ok) return { ok: false, file, problem: `scenario: ${parsed.problems.join('; ')}` };
  return {
    ok: true,
    fixture: {
      file,
      violated,
      scenario: parsed.scenario,
      ...(typeof f.defect === 'string' ? { defect: f.defect } : {}),
      ...(typeof f.report === 'string' ? { report: f.report } : {}),
    },
  };
}

/** Every committed fixture: audit seeds, then saved property failures. */
export function committedFixtures(): LoadedFixture[] {
  return [...listFixtures(AUDIT_FIXTURES_DIR), ...listFixtures(SEED_FIXTURES_DIR)].map(loadFixture);
}

export interface ReplayOutcome {
  readonly runs: number;
  readonly hits: number;
  /** The violations of the first run that had any (else empty). */
  readonly violations: readonly Violation[];
  readonly transcript: readonly TranscriptEntry[];
  /** Runs that carried out the scenario (jobs accepted, sessions kept): only these are evidence. */
  readonly exercised: number;
  /** Why the latest run that did not carry it out could not. */
  readonly unexercised?: string;
}

/** Replays a scenario up to `times` times, stopping at the first run with a violation. */
export async function replayUntilViolation(scenario: Scenario, target: ScenarioTarget, times: number, probe?: ServerProbe): Promise<ReplayOutcome> {
  const checkers = checkersFor(PROPERTIES[scenario.property], target.profile);
  let last: readonly TranscriptEntry[] = [];
  let exercised = 0;
  let unexercised: string | undefined;
  for (let run = 1; run <= times; run++) {
    const result = await runScenario(scenario, target, { checkers, ...(probe === undefined ? {} : { probe }) });
    last = result.transcript;
    if (result.exploration.unexercised === undefined) exercised += 1;
    else unexercised = result.exploration.unexercised;
    const why = unexercised === undefined ? {} : { unexercised };
    if (result.violations.length > 0) return { runs: run, hits: 1, violations: result.violations, transcript: result.transcript, exercised, ...why };
  }
  return { runs: times, hits: 0, violations: [], transcript: last, exercised, ...(unexercised === undefined ? {} : { unexercised }) };
}
