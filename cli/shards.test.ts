import { describe, expect, it } from 'vitest';
import { sampleRecord } from '../reporters/testing/sample-record.ts';
import { usageErrorOf } from './testing/usage-error.ts';
import { combineShards, type LocatedShard, parseShardContext, type ShardContext, shardContextOf } from './shards.ts';

const KIT = { name: 'arcp-conformance', version: '0.0.0-test' };
const CATALOGUE = 'test-catalogue';
const LAX = { strict: false, allowUntestable: false };

/** Shard `index` of `count`, from a sample record, as run reads it back from disk. */
function shard(index: number, count: number, change: (c: ShardContext) => ShardContext = (c) => c): LocatedShard {
  const record = sampleRecord({ settings: { shard: `${index}/${count}` } });
  const context = change(shardContextOf(record, { index, count }));
  return { file: `shard-${index}/shard-${index}-${count}.json`, context: parseShardContext(JSON.parse(JSON.stringify(context)), 'x') };
}

describe('shard contexts', () => {
  it('read back what a shard wrote, and refuse anything else with the place of the problem', () => {
    const context = shardContextOf(sampleRecord({ settings: { shard: '2/3' } }), { index: 2, count: 3 });
    expect(parseShardContext(JSON.parse(JSON.stringify(context)), 'a.json')).toEqual(context);
    expect(context.blob).toBe('blob-2-3.json');
    expect(usageErrorOf(() => parseShardContext({ ...context, format: 'other' }, 'a.json'))).toMatch(/^a\.json is not a shard context of this kit at format: /);
    expect(usageErrorOf(() => parseShardContext({ ...context, shard: { index: 4, count: 3 } }, 'a.json'))).toMatch(/at shard: index above count/);
    // The blob is looked up beside the context: no path may lead elsewhere.
    expect(usageErrorOf(() => parseShardContext({ ...context, blob: '../../etc/passwd' }, 'a.json'))).toMatch(/at blob: a plain file name/);
  });
});

describe('combineShards', () => {
  it('combines one campaign: the span of its times, its common settings without the shard, nothing missing', () => {
    const first = shard(1, 2, (c) => ({ ...c, startedAt: '2025-01-01T00:00:10.000Z', finishedAt: '2025-01-01T00:01:00.000Z' }));
    const second = shard(2, 2, (c) => ({ ...c, startedAt: '2025-01-01T00:00:05.000Z', finishedAt: '2025-01-01T00:00:30.000Z' }));
    const campaign = combineShards([second, first], KIT, CATALOGUE, LAX);
    expect(campaign.shards).toEqual(['1/2', '2/2']);
    expect(campaign.missing).toEqual([]);
    expect(campaign.interrupted).toBeUndefined();
    expect(campaign.startedAt.toISOString()).toBe('2025-01-01T00:00:05.000Z');
    expect(campaign.finishedAt.toISOString()).toBe('2025-01-01T00:01:00.000Z');
    expect(campaign.settings.shard).toBeUndefined();
    expect(campaign.target.url).toBe('ws://127.0.0.1:9/arcp');
  });

  it('lists missing shards and carries a shard interruption over, instead of refusing', () => {
    const cut = shard(3, 4, (c) => ({ ...c, interrupted: 'the run exceeded --run-timeout 1000 ms' }));
    const campaign = combineShards([shard(1, 4), cut], KIT, CATALOGUE, LAX);
    expect(campaign.missing).toEqual(['2/4', '4/4']);
    expect(campaign.interrupted).toBe('shard 3/4: the run exceeded --run-timeout 1000 ms');
  });

  it('takes a loopback target on another port as the same target, since each shard may start its own server', () => {
    const moved = shard(2, 2, (c) => ({ ...c, target: { ...c.target, url: 'ws://127.0.0.1:4711/arcp' } }));
    expect(combineShards([shard(1, 2), moved], KIT, CATALOGUE, LAX).shards).toEqual(['1/2', '2/2']);
  });

  it('refuses shards of different campaigns, naming what differs and where', () => {
    const other = (change: (c: ShardContext) => ShardContext) => usageErrorOf(() => combineShards([shard(1, 2), shard(2, 2, change)], KIT, CATALOGUE, LAX));
    expect(other((c) => ({ ...c, target: { ...c.target, url: 'wss://arcp.example.com/v1' } }))).toBe(
      'the shards are not one campaign: the target differs between shard-1/shard-1-2.json (ws://127.0.0.1:9/arcp, runtime not announced, features ack) and shard-2/shard-2-2.json (wss://arcp.example.com/v1, runtime not announced, features ack)',
    );
    expect(other((c) => ({ ...c, target: { ...c.target, features: ['ack', 'subscribe'] } }))).toMatch(/features ack\) and .*features ack,subscribe\)$/);
    expect(other((c) => ({ ...c, profile: { agent: 'other' } }))).toMatch(/the profile differs/);
    expect(other((c) => ({ ...c, settings: { ...c.settings, only: ['SEQ'] } }))).toMatch(/the run settings differ between/);
    expect(usageErrorOf(() => combineShards([shard(1, 2), shard(2, 3)], KIT, CATALOGUE, LAX))).toMatch(/the shard count differs/);
    expect(usageErrorOf(() => combineShards([shard(1, 2), shard(1, 2)], KIT, CATALOGUE, LAX))).toBe(
      'shard 1/2 is given twice: shard-1/shard-1-2.json and shard-1/shard-1-2.json',
    );
  });

  it('refuses shards written by another kit or catalogue version', () => {
    expect(usageErrorOf(() => combineShards([shard(1, 1)], { ...KIT, version: '9.9.9' }, CATALOGUE, LAX))).toMatch(
      /^shard-1\/shard-1-1\.json was written by arcp-conformance 0\.0\.0-test \(catalogue test-catalogue\); this is arcp-conformance 9\.9\.9/,
    );
    expect(usageErrorOf(() => combineShards([shard(1, 1)], KIT, 'other-catalogue', LAX))).toMatch(/merge with the kit version that ran the shards$/);
  });

  it('turns a gate setting on from the merge flag, or when every shard used it', () => {
    const strictShard = (i: number) => shard(i, 2, (c) => ({ ...c, settings: { ...c.settings, strict: true } }));
    expect(combineShards([strictShard(1), strictShard(2)], KIT, CATALOGUE, LAX).settings.strict).toBe(true);
    expect(combineShards([strictShard(1), shard(2, 2)], KIT, CATALOGUE, LAX).settings.strict).toBe(false);
    expect(combineShards([shard(1, 2), shard(2, 2)], KIT, CATALOGUE, { strict: true, allowUntestable: true }).settings).toMatchObject({
      strict: true,
      allowUntestable: true,
    });
  });
});
