import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TranscriptEntry } from '../suites/harness/transcript-types.ts';
import { VALID_FIXTURE } from './testing/sample-fixture.ts';
import { main } from './main.ts';
import { replayCommand } from './replay-command.ts';
import type { ReplayEngine, ReplayResult, ReplayTarget } from './replay.ts';
import { capture } from './testing/capture.ts';
import { startHostileServer } from '../suites/hostile/hostile-server.ts';
import { RESET_ON_SUBMIT, misbehaviourPath } from '../suites/hostile/misbehaviour.ts';
import { replayEngine } from '../suites/properties/replay-engine.ts';
import { KIT_ROOT } from './paths.ts';

const dir = mkdtempSync(join(tmpdir(), 'arcp-replay-'));
const fixturePath = join(dir, 'fixture.json');
writeFileSync(fixturePath, JSON.stringify(VALID_FIXTURE));

/** An engine that plays back scripted results and remembers what it was given. */
function scriptedEngine(results: ReplayResult[]): ReplayEngine & { targets: ReplayTarget[] } {
  const targets: ReplayTarget[] = [];
  let i = 0;
  return {
    targets,
    async replay(_fixture, target) {
      targets.push(target);
      const result = results[Math.min(i++, results.length - 1)];
      if (!result) throw new Error('no scripted result');
      return result;
    },
  };
}

const recorded = VALID_FIXTURE.transcript as TranscriptEntry[];
const passing: ReplayResult = { violations: [], transcript: recorded };
const violating: ReplayResult = {
  violations: [{ requirement: 'SEQ-001', message: 'seq 5 after seq 7', witnesses: [5, 6] }],
  transcript: recorded.map((e) => (e.index === 5 && e.kind === 'frame' ? { ...e, frame: { ...(e.frame as object), type: 'job.error' } } : e)),
};

async function replay(argv: string[], engine: ReplayEngine | undefined) {
  const c = capture();
  const code = await replayCommand(argv, c.out, {}, dir, async () => engine);
  return { code, stdout: c.stdout(), stderr: c.stderr() };
}

describe('replay', () => {
  it('exits 1 when the violation reproduces, with the count and the first divergence', async () => {
    const engine = scriptedEngine([passing, violating, passing]);
    const result = await replay(['fixture.json', '--times', '3'], engine);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('Fixture fixture.json: seed -1234, path 0:1:1, violated SEQ-001, from defect seq-race, reproduced 7/20 when saved');
    expect(result.stdout).toContain('replay 1/3: no violation');
    expect(result.stdout).toContain('replay 2/3: SEQ-001: seq 5 after seq 7');
    expect(result.stdout).toContain('The replayed transcript matches the recorded one');
    expect(result.stdout).toContain('First divergence on c1, frame 4 of that connection (type differs):\n  recorded: #5 c1 ← job.result job=job_7 seq=4 final=success\n  replayed: #5 c1 ← job.error job=job_7 seq=4 final=success');
    expect(result.stdout).toContain('Reproduced in 1/3 replays: SEQ-001');
    // With no --url the embedded reference runtime is the target, reached with its own tokens.
    expect(engine.targets).toHaveLength(3);
    expect(engine.targets[0]?.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/arcp$/);
    expect(engine.targets[0]?.tokens.secondary).toBeDefined();
  });

  it('exits 0 when the server passes every replay', async () => {
    const result = await replay(['fixture.json', '--times', '2'], scriptedEngine([passing]));
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('The server passes: no violation in 2 replays of SEQ-001');
  });

  it('refuses with a usage error (exit 2 through main) when no engine is registered', async () => {
    await expect(replay(['fixture.json'], undefined)).rejects.toThrow(
      'replay engine not available yet: the property suites have not registered one (suites/properties/replay-engine.ts is missing); the fixture itself is valid',
    );
  });

  it('exits 2 with one line through main when the fixture is invalid', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ ...VALID_FIXTURE, violated: 'SEQ-001' }));
    const c = capture();
    expect(await main(['replay', bad], c.out)).toBe(2);
    expect(c.stderr()).toBe(`arcp-conformance: fixture ${bad} is invalid: violated: Invalid input: expected array, received string\n`);
  });

  it('replays every fixture of a directory (a run\'s seeds/) and exits 1 when any reproduces', async () => {
    const seeds = mkdtempSync(join(tmpdir(), 'arcp-replay-seeds-'));
    writeFileSync(join(seeds, 'a.json'), JSON.stringify(VALID_FIXTURE));
    writeFileSync(join(seeds, 'b.json'), JSON.stringify({ ...VALID_FIXTURE, seed: 99 }));
    writeFileSync(join(seeds, 'notes.txt'), 'not a fixture');
    const c = capture();
    const code = await replayCommand([seeds, '--times', '2'], c.out, {}, dir, async () => scriptedEngine([passing, passing, violating]));
    expect(code).toBe(1);
    expect(c.stdout()).toContain(`Fixture ${join(seeds, 'a.json')}: seed -1234`);
    expect(c.stdout()).toContain(`The server passes: no violation in 2 replays of SEQ-001`);
    expect(c.stdout()).toContain(`Fixture ${join(seeds, 'b.json')}: seed 99`);
    expect(c.stdout().trimEnd().split('\n').at(-1)).toBe(`Reproduced 1 of 2 fixtures: ${join(seeds, 'b.json')}`);
  });

  it('refuses a directory with no fixture in it, before reaching any server', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'arcp-replay-empty-'));
    await expect(replay([empty], scriptedEngine([passing]))).rejects.toThrow(`${empty} holds no fixture (*.json) to replay`);
  });

  it('explains a replay that cannot complete', async () => {
    const engine: ReplayEngine = { replay: async () => Promise.reject(new Error('socket hang up')) };
    const c = capture();
    await expect(replayCommand(['fixture.json'], c.out, {}, dir, async () => engine)).rejects.toThrow('replay 1/1 could not complete: socket hang up');
  });
});

describe('replay that could not carry out its scenario (issue 11 cause 10)', () => {
  it('exits 1 and says "Not tested" when no replay carried out the scenario', async () => {
    const engine = scriptedEngine([{ ...passing, unexercised: 'job 0 was never accepted' }]);
    const result = await replay(['fixture.json', '--times', '2'], engine);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('replay 1/2: could not carry out the scenario (job 0 was never accepted)');
    expect(result.stdout).toContain('Not tested: none of 2 replays could carry out the scenario (job 0 was never accepted), so it says nothing about SEQ-001');
    expect(result.stdout).not.toContain('The server passes');
  });

  it('never reads "the server passes" from a server that resets the connection on every job.submit', { timeout: 30_000 }, async () => {
    const hostile = await startHostileServer();
    try {
      const c = capture();
      const code = await replayCommand(
        [join(KIT_ROOT, 'fixtures/audit/seq-race.json'), '--url', `${hostile.baseUrl}${misbehaviourPath(RESET_ON_SUBMIT)}`, '--timeout', '1000'],
        c.out,
        { ARCP_TOKEN: 'tok-hostile-probe' },
        dir,
        async () => replayEngine,
      );
      expect(c.stdout()).toMatch(/Not tested: none of 1 replay could carry out the scenario \(job 0 was never accepted\)/);
      expect(code).toBe(1);
    } finally {
      await hostile.close();
    }
  });
});
