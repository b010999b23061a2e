// Seeds: the configured one (ARCP_SEED, for replaying a run) or a fresh one, then mixed with
// the shard (ARCP_SHARD=index/count, set by the CLI from vitest's --shard) so every shard of
// a campaign explores different scenarios while each failure still replays alone: the seed
// a test reports is the mixed one.

/** A fresh 32-bit seed. */
export function freshSeed(): number {
  return (Date.now() ^ Math.floor(Math.random() * 0x7fffffff)) | 0;
}

/** `index/count` from ARCP_SHARD, or undefined (also for a malformed value). */
export function parseShard(text: string | undefined): { index: number; count: number } | undefined {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text ?? '');
  if (m === null) return undefined;
  const index = Number(m[1]);
  const count = Number(m[2]);
  return index >= 1 && count >= 1 && index <= count ? { index, count } : undefined;
}

/** The seed shard `index` uses: shard 1 of any count (and no shard) keeps the base seed. */
export function shardSeed(base: number, shard: { index: number; count: number } | undefined): number {
  if (shard === undefined || shard.index === 1) return base | 0;
  // Golden-ratio stride, so neighbouring shards land far apart in seed space.
  return (base + Math.imul(shard.index - 1, 0x9e3779b1)) | 0;
}
