// `arcp-conformance replay FIXTURE|DIR`: replays a saved scenario (or every fixture in a
// directory, such as a run's seeds/) against a server N times and reports whether its
// violation reproduces, and where the new transcript first departs from the recorded one. The replay machinery itself belongs to the property
// suites (cli/replay.ts); this is the command around it.
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createOutputRedactor } from '../reporters/redact-output.ts';
import { terminalSafe } from '../reporters/summary.ts';
import { DEFAULT_TIMEOUT_MS, waitScaleFor } from '../suites/harness/config.ts';
import { booleanFlag, type FlagSpecs, integerFlag, listFlag, parseArgs, stringFlag } from './args.ts';
import { firstDivergence, formatDivergence } from './divergence.ts';
import { UsageError, oneLine } from './errors.ts';
import { type ReplayFixture, readFixture } from './fixture-schema.ts';
import { REPLAY_HELP } from './help.ts';
import type { Output } from './output.ts';
import { findReplayEngine, REPLAY_ENGINE_MODULE, type ReplayEngine, type ReplayResult } from './replay.ts';
import { type ResolvedTarget, type TargetRequest, setUpLaunchedTarget, setUpTarget } from './target-setup.ts';

export const REPLAY_FLAGS: FlagSpecs = {
  url: { kind: 'string' },
  times: { kind: 'integer', min: 1, max: 100_000 },
  'token-file': { kind: 'string' },
  profile: { kind: 'string' },
  timeout: { kind: 'integer', min: 1, max: 600_000 },
  defect: { kind: 'string', repeatable: true },
  variant: { kind: 'string', repeatable: true },
  'server-cmd': { kind: 'string' },
  debug: { kind: 'boolean' },
};

/** One replay may take this many per-wait timeouts before it is abandoned. */
const WAITS_PER_REPLAY = 50;

class ReplayTimeout extends Error {}

async function replayOnce(engine: ReplayEngine, fixture: ReplayFixture, target: ResolvedTarget, timeoutMs: number): Promise<ReplayResult> {
  const bound = Math.max(60_000, timeoutMs * WAITS_PER_REPLAY);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ReplayTimeout(`a replay did not finish within ${bound} ms`)), bound);
  });
  try {
    return await Promise.race([
      engine.replay(fixture, {
        url: target.url,
        tokens: target.tokens,
        timeoutMs,
        profile: target.profile,
        ...(target.serverPid === undefined ? {} : { serverPid: target.serverPid }),
      }),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function describeFixture(path: string, fixture: ReplayFixture): string {
  const parts = [`seed ${fixture.seed}`, ...(fixture.path ? [`path ${fixture.path}`] : []), `violated ${fixture.violated.join(', ')}`];
  if (fixture.defect) parts.push(`from defect ${fixture.defect}`);
  if (fixture.reproduced) parts.push(`reproduced ${fixture.reproduced.hits}/${fixture.reproduced.runs} when saved`);
  return `Fixture ${path}: ${parts.join(', ')}; ${fixture.transcript.length} recorded transcript entries`;
}

/** The fixture files PATH names: itself, or the `*.json` files of a directory (a run's seeds/). */
function fixturePaths(path: string, cwd: string): string[] {
  let isDirectory = false;
  try {
    isDirectory = statSync(resolve(cwd, path)).isDirectory();
  } catch {
    return [path]; // readFixture says what is wrong with it
  }
  if (!isDirectory) return [path];
  const files = readdirSync(resolve(cwd, path)).filter((f) => f.endsWith('.json')).sort();
  if (files.length === 0) throw new UsageError(`${path} holds no fixture (*.json) to replay`);
  return files.map((f) => join(path, f));
}

interface ReplayPlan {
  readonly engine: ReplayEngine;
  readonly target: ResolvedTarget;
  readonly times: number;
  readonly timeoutMs: number;
}

/**
 * What replaying one fixture showed: `reproduced`, `passes`, or `untested` (no replay could
 * carry out the scenario: jobs not accepted, sessions lost; that is no pass).
 */
type FixtureOutcome = 'reproduced' | 'passes' | 'untested';

async function replayFixture(path: string, fixture: ReplayFixture, plan: ReplayPlan, out: Output): Promise<FixtureOutcome> {
  const { times } = plan;
  out.info(terminalSafe(describeFixture(path, fixture)));
  let hits = 0;
  let exercised = 0;
  let unexercised: string | undefined;
  const seen = new Set<string>();
  let shownDivergence = false;
  for (let run = 1; run <= times; run++) {
    let result: ReplayResult;
    try {
      result = await replayOnce(plan.engine, fixture, plan.target, plan.timeoutMs);
    } catch (error) {
      if (error instanceof UsageError) throw error;
      throw new UsageError(`replay ${run}/${times} could not complete: ${oneLine(error)}`);
    }
    if (result.unexercised === undefined) exercised += 1;
    else unexercised = result.unexercised;
    const violated = result.violations.map((v) => v.requirement);
    violated.forEach((id) => seen.add(id));
    if (result.violations.length > 0) hits += 1;
    out.print(
      result.violations.length === 0
        ? `replay ${run}/${times}: ${result.unexercised === undefined ? 'no violation' : `could not carry out the scenario (${terminalSafe(oneLine(result.unexercised))})`}`
        : `replay ${run}/${times}: ${result.violations.map((v) => `${v.requirement}: ${terminalSafe(oneLine(v.message))}`).join('; ')}`,
    );
    // Where the run departed from the recording: once, and again for the first hit.
    if (!shownDivergence || (result.violations.length > 0 && hits === 1 && run > 1)) {
      out.print(terminalSafe(formatDivergence(firstDivergence(fixture.transcript, result.transcript))));
      shownDivergence = true;
    }
  }
  const unexpected = [...seen].filter((id) => !fixture.violated.includes(id));
  if (hits > 0) {
    out.print(`Reproduced in ${hits}/${times} replay${times === 1 ? '' : 's'}: ${[...seen].join(', ')}${unexpected.length > 0 ? ` (not in the fixture: ${unexpected.join(', ')})` : ''}`);
    return 'reproduced';
  }
  if (exercised === 0) {
    out.print(`Not tested: none of ${times} replay${times === 1 ? '' : 's'} could carry out the scenario (${terminalSafe(oneLine(unexercised ?? 'no reason recorded'))}), so it says nothing about ${fixture.violated.join(', ')}`);
    return 'untested';
  }
  out.print(`The server passes: no violation in ${times} replay${times === 1 ? '' : 's'} of ${fixture.violated.join(', ')} (${exercised} of ${times} carried out the scenario)`);
  return 'passes';
}

export async function replayCommand(
  argv: readonly string[],
  out: Output,
  env: Readonly<Record<string, string | undefined>> = process.env,
  cwd = process.cwd(),
  loadEngine: () => Promise<ReplayEngine | undefined> = findReplayEngine,
): Promise<number> {
  const args = parseArgs(argv, REPLAY_FLAGS, 'replay');
  if (booleanFlag(args, 'help')) {
    out.print(REPLAY_HELP);
    return 0;
  }
  out.setDebug(booleanFlag(args, 'debug'));
  const [path, ...extra] = args.positionals;
  if (path === undefined) throw new UsageError('replay needs a FIXTURE file or a directory of them', 'see: arcp-conformance replay --help');
  if (extra.length > 0) throw new UsageError(`replay takes one FIXTURE or directory, got also "${extra[0]}"`);
  // Every fixture is checked before the first replay, so a bad one costs no server time.
  const fixtures = fixturePaths(path, cwd).map((file) => ({ file, fixture: readFixture(file, cwd) }));

  const engine = await loadEngine();
  if (engine === undefined) {
    throw new UsageError(
      `replay engine not available yet: the property suites have not registered one (${REPLAY_ENGINE_MODULE} is missing); the fixture itself is valid`,
    );
  }
  const times = integerFlag(args, 'times') ?? 1;
  const timeoutMs = integerFlag(args, 'timeout') ?? DEFAULT_TIMEOUT_MS;
  const url = stringFlag(args, 'url') ?? env.ARCP_URL;
  const tokenFile = stringFlag(args, 'token-file');
  const profilePath = stringFlag(args, 'profile') ?? env.ARCP_PROFILE;
  const serverCmd = stringFlag(args, 'server-cmd');
  const setUp = serverCmd === undefined ? setUpTarget : (request: TargetRequest) => setUpLaunchedTarget({ ...request, serverCmd });
  const target = await setUp({
    ...(url ? { url } : {}),
    ...(tokenFile === undefined ? {} : { tokenFile }),
    ...(profilePath ? { profilePath } : {}),
    defects: listFlag(args, 'defect'),
    variants: listFlag(args, 'variant'),
    timeoutMs,
    env,
    cwd,
  });
  out.setRedactor(createOutputRedactor(target.secrets));
  try {
    out.info(`Target: ${target.embedded ? `${target.shownUrl} at ${target.url}` : target.shownUrl}`);
    // As in a run: a server slow to answer the hello gets proportionally longer waits.
    const scale = waitScaleFor(target.preflight.roundTripMs);
    if (scale > 1) out.info(`Waits: the server answered the hello in ${Math.round(target.preflight.roundTripMs)} ms, so every wait bound is ${scale}x the configured one`);
    const plan = { engine, target, times, timeoutMs: timeoutMs * scale };
    const reproduced: string[] = [];
    const untested: string[] = [];
    for (const { file, fixture } of fixtures) {
      if (fixtures.length > 1) out.print('');
      const outcome = await replayFixture(file, fixture, plan, out);
      if (outcome === 'reproduced') reproduced.push(file);
      if (outcome === 'untested') untested.push(file);
    }
    if (fixtures.length > 1) {
      out.print('');
      if (reproduced.length > 0) out.print(`Reproduced ${reproduced.length} of ${fixtures.length} fixtures: ${reproduced.join(', ')}`);
      if (untested.length > 0) out.print(`Not tested ${untested.length} of ${fixtures.length} fixtures (no replay could carry out the scenario): ${untested.join(', ')}`);
      if (reproduced.length === 0 && untested.length === 0) out.print(`The server passes: none of ${fixtures.length} fixtures reproduced`);
    }
    return reproduced.length > 0 || untested.length > 0 ? 1 : 0;
  } finally {
    await target.stop();
  }
}
