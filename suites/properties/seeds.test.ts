import { describe, expect, it } from 'vitest';
import { freshSeed, parseShard, shardSeed } from './seeds.ts';

describe('seeds', () => {
  it('parses index/count shards and rejects anything else', () => {
    expect(parseShard('2/3')).toEqual({ index: 2, count: 3 });
    expect(parseShard(' 1 / 1 ')).toEqual({ index: 1, count: 1 });
    for (const bad of [undefined, '', '0/3', '4/3', '2', 'a/b', '1/0']) expect(parseShard(bad)).toBeUndefined();
  });

  it('keeps the seed for no shard and shard 1, and gives every other shard its own 32-bit seed', () => {
    expect(shardSeed(42, undefined)).toBe(42);
    expect(shardSeed(42, { index: 1, count: 4 })).toBe(42);
    const seeds = [1, 2, 3, 4].map((index) => shardSeed(42, { index, count: 4 }));
    expect(new Set(seeds).size).toBe(4);
    for (const s of seeds) expect(Number.isInteger(s) && s >= -(2 ** 31) && s < 2 ** 31).toBe(true);
    // A shard's seed replays alone: with no shard it is used as is.
    expect(shardSeed(seeds[2] as number, undefined)).toBe(seeds[2]);
  });

  it('makes fresh 32-bit seeds', () => {
    const s = freshSeed();
    expect(Number.isInteger(s) && s >= -(2 ** 31) && s < 2 ** 31).toBe(true);
  });
});
