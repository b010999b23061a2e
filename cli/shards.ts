// A sharded run (`run --shard I/N`) leaves two files in its --out directory: vitest's blob
// report of its tests (blob-I-N.json), and shard-I-N.json, which holds what the record
// needs and the blob does not (kit, target, profile, settings, times). `merge` reads the
// contexts, checks that the shards belong to one campaign, and hands the blobs to vitest's
// own merge (DESIGN §7); this module is the checking part.
import { z } from 'zod';
import type { ConformanceRecord, MergedShards, RecordInput, RunSettings, TargetInfo } from '../reporters/record.ts';
import { UsageError } from './errors.ts';

export const SHARD_CONTEXT_FORMAT = 'arcp-conformance-shard';
const SHARD_CONTEXT_VERSION = 1;

export interface ShardIndex {
  readonly index: number;
  readonly count: number;
}

/** The shard's place in the campaign, and what its record says about the run around its tests. */
export interface ShardContext
  extends Pick<ConformanceRecord, 'kit' | 'catalogueVersion' | 'startedAt' | 'finishedAt' | 'target' | 'profile' | 'settings' | 'interrupted'> {
  readonly format: typeof SHARD_CONTEXT_FORMAT;
  readonly version: typeof SHARD_CONTEXT_VERSION;
  readonly shard: ShardIndex;
  /** The blob report's file name, in the same directory. */
  readonly blob: string;
}

export function shardFileNames(shard: ShardIndex): { context: string; blob: string } {
  return { context: `shard-${shard.index}-${shard.count}.json`, blob: `blob-${shard.index}-${shard.count}.json` };
}

function label(shard: ShardIndex): string {
  return `${shard.index}/${shard.count}`;
}

/** The context of a shard, taken from its own finished record. */
export function shardContextOf(record: ConformanceRecord, shard: ShardIndex): ShardContext {
  return {
    format: SHARD_CONTEXT_FORMAT,
    version: SHARD_CONTEXT_VERSION,
    shard,
    blob: shardFileNames(shard).blob,
    kit: record.kit,
    catalogueVersion: record.catalogueVersion,
    startedAt: record.startedAt,
    finishedAt: record.finishedAt,
    target: record.target,
    profile: record.profile,
    settings: record.settings,
    ...(record.interrupted === undefined ? {} : { interrupted: record.interrupted }),
  };
}

const strings = z.array(z.string());
const contextSchema = z.object({
  format: z.literal(SHARD_CONTEXT_FORMAT),
  version: z.literal(SHARD_CONTEXT_VERSION),
  shard: z.object({ index: z.number().int().min(1), count: z.number().int().min(1) }).refine((s) => s.index <= s.count, 'index above count'),
  blob: z.string().regex(/^[\w.-]+$/, 'a plain file name'),
  kit: z.object({ name: z.string(), version: z.string() }),
  catalogueVersion: z.string(),
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime(),
  target: z.object({
    url: z.string(),
    embedded: z.boolean(),
    runtime: z.object({ name: z.string(), version: z.string() }).optional(),
    features: strings,
    agents: strings,
    secondPrincipal: z.boolean(),
  }),
  profile: z.record(z.string(), z.unknown()),
  settings: z.object({
    strict: z.boolean(),
    allowUntestable: z.boolean(),
    timeoutMs: z.number(),
    maxWaitMs: z.number(),
    seed: z.number().optional(),
    runs: z.number().optional(),
    shard: z.string().optional(),
    only: strings,
    skip: strings,
    onlySuites: strings,
    skipSuites: strings,
  }),
  interrupted: z.string().optional(),
});

/** Reads a shard context; `where` names the file in the error. */
export function parseShardContext(json: unknown, where: string): ShardContext {
  const parsed = contextSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const at = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
    throw new UsageError(`${where} is not a shard context of this kit${at}: ${issue?.message ?? 'invalid'}`);
  }
  const { runtime, ...target } = parsed.data.target;
  const { seed, runs, shard, ...settings } = parsed.data.settings;
  const { interrupted, ...rest } = parsed.data;
  // Optional fields are left out rather than set to undefined, as the record does.
  return {
    ...rest,
    target: { ...target, ...(runtime === undefined ? {} : { runtime }) },
    settings: {
      ...settings,
      ...(seed === undefined ? {} : { seed }),
      ...(runs === undefined ? {} : { runs }),
      ...(shard === undefined ? {} : { shard }),
    },
    ...(interrupted === undefined ? {} : { interrupted }),
  };
}

export interface LocatedShard {
  readonly file: string;
  readonly context: ShardContext;
}

/** What the record of the merged run takes from the shards, beside their tests. */
export interface MergedCampaign
  extends Pick<RecordInput, 'startedAt' | 'finishedAt' | 'target' | 'profile' | 'settings' | 'interrupted'>,
    MergedShards {}

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/**
 * The target as shards must agree on it. A loopback URL keeps no port: with --server-cmd
 * every shard starts its own server on a free port, and that is still one target.
 */
function targetIdentity(target: TargetInfo): string {
  let url = target.url;
  try {
    const parsed = new URL(target.url);
    if (LOOPBACK.test(parsed.hostname)) {
      parsed.port = '';
      url = parsed.toString();
    }
  } catch {
    // Not a URL ("embedded reference runtime"): compared as it is.
  }
  return JSON.stringify({
    url,
    embedded: target.embedded,
    runtime: target.runtime ?? null,
    features: [...target.features].sort(),
    agents: [...target.agents].sort(),
    secondPrincipal: target.secondPrincipal,
  });
}

function describeTarget(target: TargetInfo): string {
  const runtime = target.runtime === undefined ? 'runtime not announced' : `${target.runtime.name} ${target.runtime.version}`;
  return `${target.url}, ${runtime}, features ${target.features.join(',') || 'none'}`;
}

/** Settings every shard of one campaign shares; strictness is the merge's to decide. */
function campaignSettings(settings: RunSettings): string {
  const { timeoutMs, maxWaitMs, seed, runs, only, skip, onlySuites, skipSuites } = settings;
  return JSON.stringify({ timeoutMs, maxWaitMs, seed: seed ?? null, runs: runs ?? null, only, skip, onlySuites, skipSuites });
}

function requireSame(shards: readonly LocatedShard[], difference: string, key: (c: ShardContext) => string, show: (c: ShardContext) => string): void {
  const first = shards[0] as LocatedShard;
  const other = shards.find((s) => key(s.context) !== key(first.context));
  if (other === undefined) return;
  throw new UsageError(
    `the shards are not one campaign: ${difference} between ${first.file} (${show(first.context)}) and ${other.file} (${show(other.context)})`,
  );
}

/**
 * Checks that the shards belong together and this kit can merge them, and combines their
 * contexts. Mixing kits, targets, profiles or selections, or passing a shard twice, is a
 * usage error; a missing shard is not (its absence fails the merged run, reports still
 * get written).
 */
export function combineShards(
  shards: readonly LocatedShard[],
  kit: { readonly name: string; readonly version: string },
  catalogueVersion: string,
  gating: { readonly strict: boolean; readonly allowUntestable: boolean },
): MergedCampaign {
  const first = shards[0];
  if (first === undefined) throw new UsageError('no shard to merge');
  const foreign = shards.find((s) => s.context.kit.version !== kit.version || s.context.catalogueVersion !== catalogueVersion);
  if (foreign !== undefined) {
    const c = foreign.context;
    throw new UsageError(
      `${foreign.file} was written by ${c.kit.name} ${c.kit.version} (catalogue ${c.catalogueVersion}); this is ${kit.name} ${kit.version} (catalogue ${catalogueVersion}): merge with the kit version that ran the shards`,
    );
  }
  requireSame(shards, 'the shard count differs', (c) => String(c.shard.count), (c) => `of ${c.shard.count}`);
  requireSame(shards, 'the target differs', (c) => targetIdentity(c.target), (c) => describeTarget(c.target));
  requireSame(shards, 'the profile differs', (c) => JSON.stringify(c.profile), (c) => JSON.stringify(c.profile));
  requireSame(shards, 'the run settings differ', (c) => campaignSettings(c.settings), (c) => campaignSettings(c.settings));

  const byIndex = new Map<number, LocatedShard>();
  for (const s of shards) {
    const twin = byIndex.get(s.context.shard.index);
    if (twin !== undefined) throw new UsageError(`shard ${label(s.context.shard)} is given twice: ${twin.file} and ${s.file}`);
    byIndex.set(s.context.shard.index, s);
  }
  const count = first.context.shard.count;
  const ordered = [...byIndex.values()].sort((a, b) => a.context.shard.index - b.context.shard.index);
  const missing: string[] = [];
  for (let index = 1; index <= count; index++) if (!byIndex.has(index)) missing.push(`${index}/${count}`);

  const interruptions = ordered.flatMap((s) =>
    s.context.interrupted === undefined ? [] : [`shard ${label(s.context.shard)}: ${s.context.interrupted}`],
  );
  const times = ordered.map((s) => [Date.parse(s.context.startedAt), Date.parse(s.context.finishedAt)] as const);
  const { shard: _shard, ...common } = first.context.settings;
  return {
    startedAt: new Date(Math.min(...times.map(([start]) => start))),
    finishedAt: new Date(Math.max(...times.map(([, end]) => end))),
    target: first.context.target,
    profile: first.context.profile,
    settings: {
      ...common,
      // A flag given to merge turns a gate setting on; without it, one every shard used carries over.
      strict: gating.strict || ordered.every((s) => s.context.settings.strict),
      allowUntestable: gating.allowUntestable || ordered.every((s) => s.context.settings.allowUntestable),
    },
    shards: ordered.map((s) => label(s.context.shard)),
    missing,
    ...(interruptions.length > 0 ? { interrupted: interruptions.join('; ') } : {}),
  };
}
