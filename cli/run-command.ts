// `arcp-conformance run`: validate the inputs, set up the target and preflight it, run the
// suites on vitest with a progress line, build the record, write its views, print the
// summary, and turn the verdicts into an exit code.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Baseline } from '../reporters/baseline.ts';
import { ProgressDisplay } from '../reporters/progress.ts';
import { buildRecord, type CollectedTest, type ConformanceRecord, recordedAgents, type RunSettings } from '../reporters/record.ts';
import { createOutputRedactor, type OutputRedactor } from '../reporters/redact-output.ts';
import { parseShard } from '../suites/properties/seeds.ts';
import { ConfigError, DEFAULT_MAX_WAIT_MS, DEFAULT_TIMEOUT_MS, loadTargetConfig, waitScaleFor } from '../suites/harness/config.ts';
import {
  booleanFlag,
  type FlagSpecs,
  integerFlag,
  listFlag,
  type ParsedArgs,
  parseArgs,
  stringFlag,
} from './args.ts';
import { type BailRule, bailReason, bailRule } from './bail.ts';
import { catalogue, catalogueNames, kitInfo } from './catalogue.ts';
import { UsageError } from './errors.ts';
import { RUN_HELP } from './help.ts';
import type { Output } from './output.ts';
import { DEFAULT_SUITES, suiteGlob } from './paths.ts';
import { DEFAULT_OUT_DIR, parseReportTargets } from './report-options.ts';
import { outputPaths, prepareDirectories, publishRecord, readBaseline } from './publish.ts';
import { classifySelectors, declaredRequirements, runScope, selectsSuites } from './selection.ts';
import { judgeTooSlow } from '../reporters/slow-server.ts';
import { type ShardIndex, shardContextOf, shardFileNames } from './shards.ts';
import { type ResolvedTarget, type TargetRequest, setUpLaunchedTarget, setUpTarget } from './target-setup.ts';
import { Interrupt, isWorkerLoss } from './interrupt.ts';
import { rerunCommand } from './rerun.ts';

export const RUN_FLAGS: FlagSpecs = {
  url: { kind: 'string' },
  'token-file': { kind: 'string' },
  profile: { kind: 'string' },
  timeout: { kind: 'integer', min: 1, max: 600_000 },
  'max-wait': { kind: 'integer', min: 0, max: 600_000 },
  'run-timeout': { kind: 'integer', min: 1000 },
  only: { kind: 'string', repeatable: true },
  skip: { kind: 'string', repeatable: true },
  shard: { kind: 'string' },
  strict: { kind: 'boolean' },
  'allow-untestable': { kind: 'boolean' },
  baseline: { kind: 'string' },
  'write-baseline': { kind: 'string' },
  runs: { kind: 'integer', min: 1, max: 1_000_000 },
  seed: { kind: 'integer', min: -(2 ** 31), max: 2 ** 31 - 1 },
  out: { kind: 'string' },
  'server-cmd': { kind: 'string' },
  report: { kind: 'string', repeatable: true },
  debug: { kind: 'boolean' },
  suites: { kind: 'string', repeatable: true },
  defect: { kind: 'string', repeatable: true },
  variant: { kind: 'string', repeatable: true },
  bail: { kind: 'boolean' },
  'bail-on': { kind: 'string', repeatable: true },
};

/**
 * The default bound of a run grows with the selection: a base, and per suite file room for
 * its tests' waits (a full default run takes about a minute against a correct server).
 */
export function defaultRunBoundMs(files: number, timeoutMs: number): number {
  return 2 * 60_000 + files * Math.max(30_000, 6 * timeoutMs);
}
/** A test gets this many per-wait timeouts before vitest stops it. */
const WAITS_PER_TEST = 20;

type Env = Readonly<Record<string, string | undefined>>;

function envInteger(env: Env, name: string, min: number, max: number): number | undefined {
  const text = env[name]?.trim();
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`${name}=${JSON.stringify(text)} must be an integer from ${min} to ${max}`);
  }
  return value;
}

function shardFlag(value: string | undefined): ShardIndex | undefined {
  if (value === undefined) return undefined;
  const shard = parseShard(value);
  if (shard === undefined) throw new UsageError(`--shard must be I/N with 1 <= I <= N, e.g. 2/4 (got ${JSON.stringify(value)})`);
  return shard;
}

interface RunPlan {
  readonly settings: RunSettings;
  readonly shard?: ShardIndex;
  readonly include: readonly string[];
  readonly explicitSuites: boolean;
  readonly baseline?: { file: string; baseline: Baseline };
  readonly writeBaseline?: string;
  readonly reports: ReturnType<typeof parseReportTargets>;
  /** Property failures are saved under it (seeds/), so a run never writes into the kit. */
  readonly outDir: string;
  /** --run-timeout; else defaultRunBoundMs of the files selected. */
  readonly runTimeoutMs?: number;
  readonly debug: boolean;
  /** --bail / --bail-on: stop at the first failure (on these requirements). */
  readonly bail?: BailRule;
}

/** Every check that needs no server: flags, environment, files. */
function plan(args: ParsedArgs, env: Env, cwd: string): RunPlan {
  if (args.positionals.length > 0) {
    throw new UsageError(`run takes no arguments, got "${args.positionals[0]}" (the target goes in --url URL)`, 'see: arcp-conformance run --help');
  }
  const names = catalogueNames();
  const onlyValues = args.flags.has('only') ? listFlag(args, 'only') : env.ARCP_ONLY ? [env.ARCP_ONLY] : [];
  const skipValues = args.flags.has('skip') ? listFlag(args, 'skip') : env.ARCP_SKIP ? [env.ARCP_SKIP] : [];
  const only = classifySelectors(onlyValues, names, '--only');
  const skip = classifySelectors(skipValues, names, '--skip');
  const timeoutMs = integerFlag(args, 'timeout') ?? envInteger(env, 'ARCP_TIMEOUT_MS', 1, 600_000) ?? DEFAULT_TIMEOUT_MS;
  const maxWaitMs = integerFlag(args, 'max-wait') ?? envInteger(env, 'ARCP_MAX_WAIT_MS', 0, 600_000) ?? DEFAULT_MAX_WAIT_MS;
  const seed = integerFlag(args, 'seed') ?? envInteger(env, 'ARCP_SEED', -(2 ** 31), 2 ** 31 - 1);
  const runs = integerFlag(args, 'runs') ?? envInteger(env, 'ARCP_RUNS', 1, 1_000_000);
  const shard = shardFlag(stringFlag(args, 'shard'));
  const reports = parseReportTargets(listFlag(args, 'report'), stringFlag(args, 'out'), cwd);
  const writeBaseline = stringFlag(args, 'write-baseline');
  const baseline = readBaseline(stringFlag(args, 'baseline'), cwd);
  const suites = listFlag(args, 'suites');
  const bail = bailRule(booleanFlag(args, 'bail'), listFlag(args, 'bail-on'), names);
  return {
    settings: {
      strict: booleanFlag(args, 'strict'),
      allowUntestable: booleanFlag(args, 'allow-untestable') || /^(1|true|yes|on)$/i.test(env.ARCP_ALLOW_UNTESTABLE ?? ''),
      timeoutMs,
      maxWaitMs,
      ...(seed === undefined ? {} : { seed }),
      ...(runs === undefined ? {} : { runs }),
      ...(shard === undefined ? {} : { shard: `${shard.index}/${shard.count}` }),
      only: only.requirements,
      skip: skip.requirements,
      onlySuites: only.suites,
      skipSuites: skip.suites,
    },
    ...(shard === undefined ? {} : { shard }),
    include: suites.length > 0 ? suites.map((s) => suiteGlob(s, cwd)) : [DEFAULT_SUITES],
    explicitSuites: suites.length > 0,
    ...(baseline === undefined ? {} : { baseline }),
    ...(writeBaseline === undefined ? {} : { writeBaseline: resolve(cwd, writeBaseline) }),
    reports,
    outDir: resolve(cwd, stringFlag(args, 'out') ?? DEFAULT_OUT_DIR),
    ...(integerFlag(args, 'run-timeout') === undefined ? {} : { runTimeoutMs: integerFlag(args, 'run-timeout') as number }),
    debug: booleanFlag(args, 'debug'),
    ...(bail === undefined ? {} : { bail }),
  };
}

/** Whether the run covers only part of the suite files (its "not covered" is then about those). */
function narrowsFiles(plan: RunPlan): boolean {
  return selectsSuites(plan.settings) || plan.shard !== undefined || plan.explicitSuites;
}

/** The environment the suites read (suites/harness/config.ts). '' unsets a variable. */
function workerEnv(target: ResolvedTarget, settings: RunSettings, outDir: string, bail: boolean): Record<string, string> {
  return {
    ARCP_FIXTURES_DIR: join(outDir, 'seeds'),
    // The leak check (LEAK-001) samples this process's memory; it is N/A without it.
    ARCP_SERVER_PID: target.serverPid === undefined ? '' : String(target.serverPid),
    ARCP_EMBEDDED: target.embedded ? '1' : '',
    ARCP_EMBEDDED_DEFECTS: target.embedded ? target.defects.join(',') : '',
    ARCP_EMBEDDED_VARIANTS: target.embedded ? target.variants.join(',') : '',
    ARCP_URL: target.url,
    ARCP_TOKEN: target.tokens.primary,
    ARCP_TOKEN_2: target.tokens.secondary ?? '',
    ARCP_PROFILE: target.profilePath ?? '',
    ARCP_TIMEOUT_MS: String(settings.timeoutMs),
    // Waits grow with how slowly the server answered the preflight (config.ts applies it).
    ARCP_WAIT_SCALE: String(waitScaleFor(target.preflight.roundTripMs)),
    ARCP_MAX_WAIT_MS: String(settings.maxWaitMs),
    ARCP_ALLOW_UNTESTABLE: settings.allowUntestable ? '1' : '0',
    ARCP_SEED: settings.seed === undefined ? '' : String(settings.seed),
    ARCP_RUNS: settings.runs === undefined ? '' : String(settings.runs),
    ARCP_ONLY: settings.only.join(','),
    ARCP_SKIP: settings.skip.join(','),
    // Property suites derive per-shard seeds from it (DESIGN §7).
    ARCP_SHARD: settings.shard ?? '',
    // The run stops at the first failure: a property campaign then does not hunt for more.
    ARCP_BAIL: bail ? '1' : '',
  };
}

function describeTarget(target: ResolvedTarget): string[] {
  const p = target.preflight;
  const runtime = p.runtime ? `${p.runtime.name} ${p.runtime.version}` : 'runtime not announced';
  const lines = [
    `Target:   ${target.embedded ? `${target.shownUrl} at ${target.url}` : target.shownUrl} (${runtime})`,
    `Features: ${p.features.length > 0 ? p.features.join(', ') : 'none negotiated'}`,
  ];
  const scale = waitScaleFor(p.roundTripMs);
  if (scale > 1) lines.push(`Waits:    the server answered the hello in ${Math.round(p.roundTripMs)} ms, so every wait bound is ${scale}x the configured one`);
  if (!p.agentListed) {
    lines.push(
      `Agent:    "${target.profile.agent}" is not in the welcome's agent list; tests that need the conformance agent will be UNTESTABLE`,
    );
  }
  if (target.tokens.secondary === undefined) {
    lines.push('Principals: only ARCP_TOKEN is set; tests that need a second principal (ARCP_TOKEN_2) will be UNTESTABLE');
  }
  return lines;
}

/**
 * Leaves what `merge` needs beside the shard's reports: the redacted blob and the shard's
 * context. A run cut short before vitest wrote its blob still leaves the context.
 */
function writeShardFiles(record: ConformanceRecord, shard: ShardIndex, outDir: string, redact: OutputRedactor, out: Output): void {
  const names = shardFileNames(shard);
  const blob = join(outDir, names.blob);
  if (existsSync(blob)) writeFileSync(blob, redact(readFileSync(blob, 'utf8')), 'utf8');
  else out.error(`arcp-conformance: vitest wrote no blob report for shard ${shard.index}/${shard.count}; merge cannot use this shard`);
  const context = join(outDir, names.context);
  writeFileSync(context, redact(`${JSON.stringify(shardContextOf(record, shard), null, 2)}\n`), 'utf8');
  out.info(`Wrote shard ${shard.index}/${shard.count} for merging: ${context} and ${names.blob}`);
}

function stopRule(rule: BailRule, runPlan: RunPlan): (test: CollectedTest) => string | undefined {
  return (test) => bailReason(rule, test, runPlan.settings, runPlan.baseline?.baseline);
}

export async function runCommand(argv: readonly string[], out: Output, env: Env = process.env, cwd = process.cwd()): Promise<number> {
  const args = parseArgs(argv, RUN_FLAGS, 'run');
  if (booleanFlag(args, 'help')) {
    out.print(RUN_HELP);
    return 0;
  }
  const runPlan = plan(args, env, cwd);
  out.setDebug(runPlan.debug);
  // From here on a signal cancels the run; reports are written and a started server stopped.
  const interrupt = new Interrupt((signal) => out.error(`arcp-conformance: ${signal}: cancelling the run, writing the reports (again to stop waiting for the tests under way)`), {
    onHurry: (signal) => out.error(`arcp-conformance: ${signal} again: not waiting for the tests under way; writing what finished and stopping`),
  });
  const stopListening = interrupt.listen();
  try {
    const code = await runPlanned(args, runPlan, interrupt, out, env, cwd);
    return interrupt.exitCode ?? code;
  } finally {
    stopListening();
  }
}

async function runPlanned(args: ParsedArgs, runPlan: RunPlan, interrupt: Interrupt, out: Output, env: Env, cwd: string): Promise<number> {
  const kit = kitInfo();
  const cat = catalogue();

  const serverCmd = stringFlag(args, 'server-cmd');
  const setUp = serverCmd === undefined ? setUpTarget : (request: TargetRequest) => setUpLaunchedTarget({ ...request, serverCmd });
  const target = await setUp({
    ...(stringFlag(args, 'url') ?? env.ARCP_URL ? { url: (stringFlag(args, 'url') ?? env.ARCP_URL) as string } : {}),
    ...(stringFlag(args, 'token-file') === undefined ? {} : { tokenFile: stringFlag(args, 'token-file') as string }),
    ...((stringFlag(args, 'profile') ?? env.ARCP_PROFILE) ? { profilePath: (stringFlag(args, 'profile') ?? env.ARCP_PROFILE) as string } : {}),
    defects: listFlag(args, 'defect'),
    variants: listFlag(args, 'variant'),
    timeoutMs: runPlan.settings.timeoutMs,
    env,
    cwd,
  });
  const redact = createOutputRedactor(target.secrets);
  out.setRedactor(redact);
  try {
    prepareDirectories(outputPaths(runPlan));
    const blobFile = runPlan.shard === undefined ? undefined : join(runPlan.outDir, shardFileNames(runPlan.shard).blob);
    const environment = workerEnv(target, runPlan.settings, runPlan.outDir, runPlan.bail !== undefined);
    let waitMs: number;
    try {
      waitMs = loadTargetConfig(environment).timeoutMs; // the suites will read exactly this; refuse it here if they would
    } catch (error) {
      if (error instanceof ConfigError) throw new UsageError(`invalid configuration: ${error.problems.join('; ')}`);
      throw error;
    }
    out.info(`arcp-conformance ${kit.version}, catalogue ${cat.version}`);
    for (const line of describeTarget(target)) out.info(line);

    const progress = new ProgressDisplay(out.progressStream, { interactive: out.interactive });
    out.setProgress(progress);
    const startedAt = new Date();
    // vitest takes a second to load: only once the target is known to answer.
    const { runSuites } = await import('./vitest-runner.ts');
    let suiteRun;
    try {
      suiteRun = await runSuites({
        include: runPlan.include,
        onlySuites: runPlan.settings.onlySuites,
        skipSuites: runPlan.settings.skipSuites,
        requirements: { only: runPlan.settings.only, skip: runPlan.settings.skip },
        explicit: runPlan.explicitSuites,
        env: environment,
        ...(runPlan.settings.shard === undefined ? {} : { shard: runPlan.settings.shard }),
        // Room for the test's own waits plus one deliberate wait for a server timer.
        testTimeoutMs: Math.max(30_000, waitMs * WAITS_PER_TEST) + runPlan.settings.maxWaitMs,
        runTimeoutMs: runPlan.runTimeoutMs ?? ((files) => defaultRunBoundMs(files, waitMs)),
        signal: interrupt.signal,
        hurry: interrupt.hurry,
        onProgress: (snapshot, event) => progress.update(snapshot, event),
        onDebug: (text) => out.debug(text),
        ...(blobFile === undefined ? {} : { blobFile }),
        ...(runPlan.bail === undefined ? {} : { stopWhen: stopRule(runPlan.bail, runPlan) }),
      });
    } finally {
      progress.finish();
      out.setProgress(undefined);
    }
    const finishedAt = new Date();
    if (runPlan.debug) for (const stack of suiteRun.run.stacks) out.debug(stack);

    const selection = { only: runPlan.settings.only, skip: runPlan.settings.skip };
    // A server too slow to test: what the run did not judge is UNTESTABLE, saying so.
    const tests = suiteRun.tooSlow === undefined
      ? suiteRun.run.tests
      : judgeTooSlow(suiteRun.run.tests, suiteRun.tooSlow, (t) => declaredRequirements(t.meta === undefined ? {} : { arcp: t.meta }, t.title));
    const record = buildRecord({
      kit,
      catalogue: cat,
      startedAt,
      finishedAt,
      target: {
        url: target.shownUrl,
        embedded: target.embedded,
        ...(target.preflight.runtime ? { runtime: target.preflight.runtime } : {}),
        features: target.preflight.features,
        ...recordedAgents(target.preflight.agents, target.preflight.agentsUnlisted),
        secondPrincipal: target.tokens.secondary !== undefined,
      },
      profile: { ...target.profile },
      settings: runPlan.settings,
      tests,
      // Workers the signal killed are the interrupt's doing, not findings.
      problems: interrupt.exitCode === undefined ? suiteRun.run.problems : suiteRun.run.problems.filter((p) => !isWorkerLoss(p)),
      ...(runPlan.baseline === undefined ? {} : { baseline: runPlan.baseline }),
      selected: runScope(selection, narrowsFiles(runPlan) ? tests : undefined),
      ...(suiteRun.interrupted === undefined ? {} : { interrupted: suiteRun.interrupted }),
      redact,
      // The embedded target's profile is a temporary file: the embedded run makes it anew.
      rerun: (file, ids, seed) =>
        rerunCommand(file, ids, target.embedded ? { defects: target.defects } : { url: target.shownUrl, defects: [], ...(target.profilePath === undefined ? {} : { profilePath: target.profilePath }) }, { ...runPlan.settings, ...(seed === undefined ? {} : { seed }) }, cwd),
    });
    if (suiteRun.files.length === 0) out.info('No suite file to run: nothing ran.');

    const code = publishRecord(record, runPlan, redact, env, out);
    if (runPlan.shard !== undefined) writeShardFiles(record, runPlan.shard, runPlan.outDir, redact, out);
    return code;
  } finally {
    await target.stop();
  }
}

