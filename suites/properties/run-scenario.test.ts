import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_FIXTURES_DIR, readFixtureJson } from './fixtures.ts';
import { PROPERTIES } from './properties.ts';
import { replayEngine } from './replay-engine.ts';
import { ScenarioAborted, runScenario } from './run-scenario.ts';
import { SCENARIO_VERSION, type Scenario } from './scenario.ts';
import { startReferenceTarget, type ReferenceTarget } from './testing/reference-target.ts';
import { DEFAULT_PROFILE } from '../harness/config.ts';
import { FRAME_STILL_ARRIVING } from '../harness/errors.ts';
import { misbehaviourPath } from '../hostile/misbehaviour.ts';
import { useHostileServer } from '../hostile/use-hostile-server.ts';

// One job that lingers, watched by a subscriber of the other principal; the submitter drops
// mid-job and resumes two events back, cancels twice near the end, and lists afterwards.
const scenario: Scenario = {
  version: SCENARIO_VERSION,
  property: 'mid-job-disconnects',
  jobs: [
    {
      script: {
        steps: [
          { op: 'parallel', branches: [[{ op: 'emit', kind: 'log', count: 4 }, { op: 'sleep', ms: 15 }, { op: 'emit', kind: 'metric', count: 4 }], [{ op: 'emit', kind: 'thought', count: 3 }]] },
          { op: 'wait_cancel', max_ms: 30_000 }, // held until the cancels, however late a loaded machine sends them
          { op: 'finish' },
        ],
      },
    },
  ],
  sessions: [
    {
      name: 'owner',
      principal: 'primary',
      ackEvery: 0,
      actions: [
        { op: 'submit', job: 0, when: { on: 'start' } },
        { op: 'disconnect', how: 'drop', when: { on: 'events', job: 0, count: 3 }, resume: { afterMs: 0, seqBack: 2 } },
        { op: 'cancel', job: 0, times: 2, when: { on: 'remaining', job: 0, count: 0 } },
        { op: 'list', when: { on: 'terminal', job: 0 } },
      ],
    },
    { name: 'sub-other', principal: 'secondary', ackEvery: 2, actions: [{ op: 'subscribe', job: 0, history: true, when: { on: 'accepted', job: 0 } }] },
  ],
};

const checkers = [...PROPERTIES['mid-job-disconnects'].checkers, ...PROPERTIES['duplicate-cancels'].checkers];

describe('runScenario against the reference runtime', () => {
  let ref: ReferenceTarget;
  beforeAll(async () => {
    ref = await startReferenceTarget();
  });
  afterAll(async () => {
    await ref.stop();
  });

  it('runs every action, ends every job, and finds nothing wrong with a correct server', async () => {
    const run = await runScenario(scenario, ref.target, { checkers });
    expect(run.violations).toEqual([]);
    expect(run.notes).toEqual([]);
    const opens = run.transcript.filter((e) => e.kind === 'conn' && e.event === 'open').map((e) => (e.kind === 'conn' ? e.label : ''));
    expect(opens).toEqual(['owner principal:primary', 'sub-other principal:secondary', 'owner principal:primary']);
    const sent = run.transcript.flatMap((e) => (e.kind === 'frame' && e.dir === 'out' ? [(e.frame as { type?: string }).type] : []));
    expect(sent.filter((t) => t === 'job.cancel')).toHaveLength(2);
    expect(sent).toContain('session.ack');
    expect(sent).toContain('session.list_jobs');
    expect(run.exploration.cancels).toEqual(['before-terminal', 'before-terminal']);
    expect(run.exploration.disconnects).toEqual(['mid']);
    // Both principals' terminals arrived: the job ended cancelled everywhere.
    const terminals = run.transcript.filter((e) => e.kind === 'frame' && (e.frame as { type?: string }).type === 'job.error');
    expect(terminals.length).toBeGreaterThanOrEqual(2);
  });

  it('keeps every secret out of the transcript, and can tell when a text holds one', async () => {
    const run = await runScenario(scenario, ref.target, { checkers });
    const text = JSON.stringify(run.transcript);
    expect(run.secretsIn(text)).toEqual([]);
    expect(text).not.toContain(ref.target.tokens.primary);
    expect(run.secretsIn(`x ${ref.target.tokens.primary} y`)).toEqual(['bearer token']);
  });

  it('records what it could not do instead of failing: no second principal configured', async () => {
    const run = await runScenario(scenario, { ...ref.target, tokens: { primary: ref.target.tokens.primary } }, { checkers });
    expect(run.violations).toEqual([]);
    expect(run.notes).toEqual(['sub-other: no token for the secondary principal; its actions are skipped']);
  });

  it('catches the audited cancel-after-terminal bug from its fixture (the replay engine)', async () => {
    const buggy = await startReferenceTarget(['cancel-after-terminal']);
    try {
      const fixture = readFixtureJson(join(AUDIT_FIXTURES_DIR, 'cancel-after-terminal.json')) as { scenario: unknown; violated: string[] };
      const result = await replayEngine.replay(fixture as never, buggy.target);
      expect(result.violations.map((v) => v.requirement)).toContain('CANCEL-004');
      expect(result.transcript.length).toBeGreaterThan(0);
    } finally {
      await buggy.stop();
    }
  });

  it('refuses to replay what the wire cannot show, and fixtures that are not property scenarios', async () => {
    const leak = readFixtureJson(join(AUDIT_FIXTURES_DIR, 'subscription-leak.json')) as never;
    await expect(replayEngine.replay(leak, ref.target)).rejects.toThrow(/LEAK-001 leaves no trace on the wire/);
    await expect(replayEngine.replay({ scenario: { steps: [] }, violated: ['SEQ-002'] } as never, ref.target)).rejects.toThrow(/not a property scenario/);
  });

  it('aborts with a clear error when the submitting session cannot be opened', async () => {
    await expect(runScenario(scenario, { ...ref.target, url: 'ws://127.0.0.1:1/arcp', timeoutMs: 1000 }, { checkers })).rejects.toThrow(ScenarioAborted);
    await expect(runScenario(scenario, { ...ref.target, tokens: { primary: 'not-a-token' } }, { checkers })).rejects.toThrow(/cannot open the submitting session: .*UNAUTHENTICATED/);
  });
});

describe('runScenario against a server slower than the wait bound', () => {
  const hostile = useHostileServer();

  it('aborts the run at the first wait that ran out on a reply still arriving, instead of waiting out every later one', async () => {
    const url = `${hostile().url}${misbehaviourPath({ kind: 'slow-drip', stage: 'submit', chunkBytes: 1, intervalMs: 1000 })}`;
    const target = { url, tokens: { primary: 'tok-slow', secondary: 'tok-slow-2' }, profile: DEFAULT_PROFILE, timeoutMs: 1500 };
    const error = await runScenario(scenario, target, { checkers }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ScenarioAborted);
    expect((error as Error).message).toMatch(/^owner submit: timed out after 1500 ms on \S+ waiting for job\.accepted or a rejection for the submit of job 0/);
    expect((error as Error).message).toContain(FRAME_STILL_ARRIVING);
  });
});
