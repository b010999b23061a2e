// `arcp-conformance merge`: one record from the shards of a campaign. Finds each shard's
// context (shard-I-N.json) under the given paths, checks that they belong together, lets
// vitest merge their blob reports through the conformance reporter, and publishes the
// result as `run` does: summary, reports, baseline, exit code.
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { buildRecord } from '../reporters/record.ts';
import { createOutputRedactor } from '../reporters/redact-output.ts';
import { booleanFlag, type FlagSpecs, listFlag, parseArgs, stringFlag } from './args.ts';
import { catalogue, kitInfo } from './catalogue.ts';
import { UsageError, oneLine } from './errors.ts';
import { readJsonFile } from './json-file.ts';
import { MERGE_HELP } from './help.ts';
import type { Output } from './output.ts';
import { outputPaths, prepareDirectories, publishRecord, readBaseline } from './publish.ts';
import { DEFAULT_OUT_DIR, parseReportTargets } from './report-options.ts';
import { runScope, selectsSuites } from './selection.ts';
import { combineShards, type LocatedShard, parseShardContext, shardFileNames } from './shards.ts';
import { statUserPath } from './user-path.ts';

export const MERGE_FLAGS: FlagSpecs = {
  out: { kind: 'string' },
  report: { kind: 'string', repeatable: true },
  baseline: { kind: 'string' },
  'write-baseline': { kind: 'string' },
  strict: { kind: 'boolean' },
  'allow-untestable': { kind: 'boolean' },
  debug: { kind: 'boolean' },
};

type Env = Readonly<Record<string, string | undefined>>;

const CONTEXT_NAME = /^shard-\d+-\d+\.json$/;
/** Artifact downloads nest a directory or two; deeper than this is not a shard layout. */
const SEARCH_DEPTH = 3;

function findContexts(directory: string, depth: number): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isFile() && CONTEXT_NAME.test(entry.name)) found.push(path);
    else if (entry.isDirectory() && depth > 0 && entry.name !== 'node_modules' && !entry.name.startsWith('.')) {
      found.push(...findContexts(path, depth - 1));
    }
  }
  return found;
}

/** The shard context files the arguments name, in their order: files as given, directories searched. */
function contextFiles(paths: readonly string[], cwd: string): string[] {
  const files = new Set<string>();
  for (const path of paths) {
    const { absolute, isDirectory } = statUserPath(path, cwd);
    const found = isDirectory ? findContexts(absolute, SEARCH_DEPTH) : [absolute];
    if (found.length === 0) {
      throw new UsageError(`${path} holds no shard-I-N.json (a shard's --out directory after run --shard I/N has one)`);
    }
    for (const file of found.sort()) files.add(file);
  }
  return [...files];
}

function readShard(file: string, cwd: string): LocatedShard {
  const shown = relative(cwd, file) || file;
  return { file: shown, context: parseShardContext(readJsonFile(file, shown), shown) };
}

/**
 * vitest's own errors about a broken blob do not say which file it was, so each is looked at
 * first: a blob is flatted JSON whose root row lists vitest's version, files, errors, ...
 */
function requireBlobShape(path: string, shown: string): void {
  let root: unknown;
  try {
    root = (JSON.parse(readFileSync(path, 'utf8')) as unknown[])[0];
  } catch (error) {
    throw new UsageError(`${shown} is not a vitest blob report (${oneLine(error)}): the shard's upload may be cut short`);
  }
  if (!Array.isArray(root) || root.length < 6) throw new UsageError(`${shown} is not a vitest blob report: the shard's upload may be cut short`);
}

/** Copies the shards' blobs into one directory of their own, as vitest's merge wants it. */
function gatherBlobs(shards: readonly LocatedShard[], cwd: string): string {
  const directory = mkdtempSync(join(tmpdir(), 'arcp-merge-'));
  try {
    for (const { file, context } of shards) {
      const blob = join(dirname(resolve(cwd, file)), context.blob);
      if (!existsSync(blob)) {
        throw new UsageError(`${file} names the blob report ${context.blob}, which is not beside it: copy the shard's whole --out directory`);
      }
      requireBlobShape(blob, relative(cwd, blob) || blob);
      copyFileSync(blob, join(directory, shardFileNames(context.shard).blob));
    }
    return directory;
  } catch (error) {
    rmSync(directory, { recursive: true, force: true });
    throw error;
  }
}

export async function mergeCommand(argv: readonly string[], out: Output, env: Env = process.env, cwd = process.cwd()): Promise<number> {
  const args = parseArgs(argv, MERGE_FLAGS, 'merge');
  if (booleanFlag(args, 'help')) {
    out.print(MERGE_HELP);
    return 0;
  }
  if (args.positionals.length === 0) {
    throw new UsageError('merge needs the shards: their --out directories, or their shard-I-N.json files', 'see: arcp-conformance merge --help');
  }
  out.setDebug(booleanFlag(args, 'debug'));
  const outDir = resolve(cwd, stringFlag(args, 'out') ?? DEFAULT_OUT_DIR);
  const reports = parseReportTargets(listFlag(args, 'report'), stringFlag(args, 'out'), cwd);
  const writeBaseline = stringFlag(args, 'write-baseline');
  const publication = { reports, ...(writeBaseline === undefined ? {} : { writeBaseline: resolve(cwd, writeBaseline) }) };
  const baseline = readBaseline(stringFlag(args, 'baseline'), cwd);

  const shards = contextFiles(args.positionals, cwd).map((file) => readShard(file, cwd));
  const home = shards.find((s) => dirname(resolve(cwd, s.file)) === outDir);
  if (home !== undefined) {
    throw new UsageError(`--out ${relative(cwd, outDir) || '.'} is the directory of shard ${home.file}: merge into a directory of its own`);
  }
  const kit = kitInfo();
  const cat = catalogue();
  const campaign = combineShards(shards, kit, cat.version, {
    strict: booleanFlag(args, 'strict'),
    allowUntestable: booleanFlag(args, 'allow-untestable'),
  });
  prepareDirectories(outputPaths(publication));

  const blobs = gatherBlobs(shards, cwd);
  out.info(`arcp-conformance ${kit.version}, catalogue ${cat.version}`);
  out.info(`Merging ${campaign.shards.length} shard(s) (${campaign.shards.join(', ')}) of a run against ${campaign.target.url}`);
  let merged;
  try {
    const { mergeBlobReports } = await import('./vitest-runner.ts');
    merged = await mergeBlobReports(blobs, (text) => out.debug(text));
  } catch (error) {
    throw new UsageError(`vitest could not merge the shards' blob reports: ${oneLine(error)}`);
  } finally {
    rmSync(blobs, { recursive: true, force: true });
  }

  // The shards redacted their files; this catches tokens the merging job also holds.
  const redact = createOutputRedactor([env.ARCP_TOKEN, env.ARCP_TOKEN_2]);
  out.setRedactor(redact);
  const selection = { only: campaign.settings.only, skip: campaign.settings.skip };
  const record = buildRecord({
    kit,
    catalogue: cat,
    startedAt: campaign.startedAt,
    finishedAt: campaign.finishedAt,
    target: campaign.target,
    profile: campaign.profile,
    settings: campaign.settings,
    tests: merged.tests,
    problems: merged.problems,
    ...(baseline === undefined ? {} : { baseline }),
    // As in run: a suite selection narrows the scope to the ids the tests declare.
    selected: runScope(selection, selectsSuites(campaign.settings) ? merged.tests : undefined),
    ...(campaign.interrupted === undefined ? {} : { interrupted: campaign.interrupted }),
    merged: { shards: campaign.shards, missing: campaign.missing },
    redact,
  });
  return publishRecord(record, publication, redact, env, out);
}

