import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseFixture } from '../../cli/fixture-schema.ts';
import type { TranscriptEntry } from '../harness/transcript-types.ts';
import { buildFixture, fixtureFileName, fixturesDir, listFixtures, replayCommand, SEED_FIXTURES_DIR, seedTranscript, writeFixture } from './fixtures.ts';
import { SCENARIO_VERSION, type Scenario } from './scenario.ts';

const scenario: Scenario = {
  version: SCENARIO_VERSION,
  property: 'concurrent-emitters',
  jobs: [{ script: { steps: [{ op: 'emit', kind: 'log', count: 2 }] } }],
  sessions: [{ name: 'owner', principal: 'primary', ackEvery: 0, actions: [{ op: 'submit', job: 0, when: { on: 'start' } }] }],
};

const transcript: TranscriptEntry[] = [
  { kind: 'conn', index: 0, conn: 'c1', t: 0, event: 'open', label: 'owner principal:primary' },
  { kind: 'frame', index: 1, conn: 'c1', dir: 'out', t: 1, frame: { type: 'session.hello', payload: { auth: { scheme: 'bearer', token: '[redacted:1]' } } }, bytes: 10, verdict: { valid: true } },
];

const violation = { requirement: 'SEQ-002', message: 'seq 3 where 2 was due.', witnesses: [1], severity: 'MUST' as const };

describe('fixtures', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('builds a fixture the CLI accepts, with the replay command', () => {
    const file = join(process.cwd(), 'fixtures', 'seeds', fixtureFileName('concurrent-emitters', -5));
    const fixture = buildFixture(
      { property: 'concurrent-emitters', seed: -5, path: '3:1', scenario, violations: [violation, violation], transcript, reproduced: { runs: 5, hits: 3 }, url: 'ws://u:p@127.0.0.1:9/arcp?token=x' },
      file,
    );
    expect(fixture.violated).toEqual(['SEQ-002']);
    expect(fixture.command).toBe('npx arcp-conformance replay fixtures/seeds/concurrent-emitters--5.json --url ws://127.0.0.1:9/arcp');
    const parsed = parseFixture(JSON.parse(JSON.stringify(fixture)), 'built');
    expect(parsed.reproduced).toEqual({ runs: 5, hits: 3 });
    expect(replayCommand('/elsewhere/my fixture.json', { defect: 'seq-race' })).toBe('npx arcp-conformance replay "/elsewhere/my fixture.json" --defect seq-race');
  });

  it('writes a fixture, and refuses one that would hold a secret', () => {
    const dir = mkdtempSync(join(tmpdir(), 'arcp-fixtures-'));
    dirs.push(dir);
    const file = join(dir, 'x.json');
    const fixture = buildFixture({ property: 'concurrent-emitters', seed: 1, path: undefined, scenario, violations: [violation], transcript }, file);
    expect(writeFixture(file, fixture, () => [])).toBe(file);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(fixture);
    expect(listFixtures(dir)).toEqual([file]);
    const leaky = join(dir, 'leaky.json');
    expect(() => writeFixture(leaky, fixture, (text) => (text.includes('owner') ? ['bearer token'] : []))).toThrow(/refusing to write fixture .*leaky\.json: it would contain a bearer token/);
    expect(listFixtures(dir)).toEqual([file]);
  });

  it('writes to ARCP_FIXTURES_DIR when set, else to fixtures/seeds', () => {
    expect(fixturesDir({})).toBe(SEED_FIXTURES_DIR);
    expect(fixturesDir({ ARCP_FIXTURES_DIR: '  ' })).toBe(SEED_FIXTURES_DIR);
    expect(fixturesDir({ ARCP_FIXTURES_DIR: '/tmp/out' })).toBe('/tmp/out');
    expect(listFixtures('/nonexistent/dir')).toEqual([]);
  });

  it('keeps a seed’s transcript to its budget: the start, the end and the witnesses’ windows, and says how much it left out', () => {
    const long: TranscriptEntry[] = Array.from({ length: 1000 }, (_, index) => ({
      kind: 'frame', index, conn: 'c1', dir: 'in', t: index, frame: { type: 'job.event', payload: { body: { message: 'x'.repeat(1000) } } }, bytes: 1100, verdict: { valid: true },
    }));
    const { transcript: kept, elided } = seedTranscript(long, [500], 100_000);
    expect(kept.map((e) => e.index)).toEqual([...Array.from({ length: 64 }, (_, k) => k), ...Array.from({ length: 17 }, (_, k) => 492 + k), ...Array.from({ length: 64 }, (_, k) => 936 + k)]);
    expect(elided).toBe(1000 - kept.length);
    expect(seedTranscript(long, [500]).elided).toBe(0); // ~1.1 MB: under the default budget
  });
});
