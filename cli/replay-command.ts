// `arcp-conformance replay FIXTURE`: replays one saved scenario against a server N times
// and reports whether its violation reproduces, and where the new transcript first
// departs from the recorded one. The replay machinery itself belongs to the property
// suites (cli/replay.ts); this is the command around it.
import { createOutputRedactor } from '../reporters/redact-output.ts';
import { terminalSafe } from '../reporters/summary.ts';
import { DEFAULT_TIMEOUT_MS } from '../suites/harness/config.ts';
import { booleanFlag, type FlagSpecs, integerFlag, listFlag, parseArgs, stringFlag } from './args.ts';
import { firstDivergence, formatDivergence } from './divergence.ts';
import { UsageError, oneLine } from './errors.ts';
import { type ReplayFixture, readFixture } from './fixture-schema.ts';
import { REPLAY_HELP } from './help.ts';
import type { Output } from './output.ts';
import { findReplayEngine, REPLAY_ENGINE_MODULE, type ReplayEngine, type ReplayResult } from './replay.ts';
import { type ResolvedTarget, setUpTarget } from './target-setup.ts';

export const REPLAY_FLAGS: FlagSpecs = {
  url: { kind: 'string' },
  times: { kind: 'integer', min: 1, max: 100_000 },
  'token-file': { kind: 'string' },
  profile: { kind: 'string' },
  timeout: { kind: 'integer', min: 1, max: 600_000 },
  defect: { kind: 'string', repeatable: true },
  variant: { kind: 'string', repeatable: true },
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
      engine.replay(fixture, { url: target.url, tokens: target.tokens, timeoutMs, profile: target.profile }),
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
  if (path === undefined) throw new UsageError('replay needs a FIXTURE file', 'see: arcp-conformance replay --help');
  if (extra.length > 0) throw new UsageError(`replay takes one FIXTURE, got also "${extra[0]}"`);
  const fixture = readFixture(path, cwd);
  out.info(terminalSafe(describeFixture(path, fixture)));

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
  const target = await setUpTarget({
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
    let hits = 0;
    const seen = new Set<string>();
    let shownDivergence = false;
    for (let run = 1; run <= times; run++) {
      let result: ReplayResult;
      try {
        result = await replayOnce(engine, fixture, target, timeoutMs);
      } catch (error) {
        if (error instanceof UsageError) throw error;
        throw new UsageError(`replay ${run}/${times} could not complete: ${oneLine(error)}`);
      }
      const violated = result.violations.map((v) => v.requirement);
      violated.forEach((id) => seen.add(id));
      if (result.violations.length > 0) hits += 1;
      out.print(
        result.violations.length === 0
          ? `replay ${run}/${times}: no violation`
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
      return 1;
    }
    out.print(`The server passes: no violation in ${times} replay${times === 1 ? '' : 's'} of ${fixture.violated.join(', ')}`);
    return 0;
  } finally {
    await target.stop();
  }
}
