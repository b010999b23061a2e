// The scenario runner's resume race (issue 11 cause 11): the welcome may come before the
// replay, so after a resume the runner waits (bounded) for the replay to catch up before its
// next action, which may cut the connection. A proxy in front of the reference holds back
// every frame after a resume's welcome, as a server that sends the welcome first would.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import type { FrameEntry } from '../harness/transcript-types.ts';
import { PROPERTIES } from './properties.ts';
import { runScenario } from './run-scenario.ts';
import { SCENARIO_VERSION, type Scenario, type ScenarioAction } from './scenario.ts';
import { startReferenceTarget, type ReferenceTarget } from './testing/reference-target.ts';

const HOLD_MS = 300;

/** Relays to `upstream`; on a connection that asked to resume, frames after the welcome wait HOLD_MS. */
async function replayDelayingProxy(upstream: string): Promise<{ url: string; close(): Promise<void> }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await once(wss, 'listening');
  wss.on('connection', (client) => {
    const server = new WebSocket(upstream);
    const pending: string[] = [];
    let resuming = false;
    let welcomed = false;
    client.on('message', (data) => {
      const text = data.toString();
      if (text.includes('"resume"')) resuming = true;
      if (server.readyState === WebSocket.OPEN) server.send(text);
      else pending.push(text);
    });
    server.on('open', () => pending.splice(0).forEach((t) => server.send(t)));
    server.on('message', (data) => {
      const text = data.toString();
      const hold = resuming && welcomed;
      if (text.includes('"session.welcome"')) welcomed = true;
      const relay = () => client.readyState === WebSocket.OPEN && client.send(text);
      if (hold) setTimeout(relay, HOLD_MS);
      else relay();
    });
    const end = () => {
      client.terminate();
      server.terminate();
    };
    client.on('close', end);
    server.on('close', () => setTimeout(end, HOLD_MS + 50));
    client.on('error', end);
    server.on('error', end);
  });
  return {
    url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/arcp`,
    async close() {
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

// The owner drops after its 6 events and resumes 3 back; its next action drops it for good at once.
const submit: ScenarioAction = { op: 'submit', job: 0, when: { on: 'start' } };
const dropAndResume: ScenarioAction = { op: 'disconnect', how: 'drop', when: { on: 'events', job: 0, count: 6 }, resume: { afterMs: 0, seqBack: 3 } };
const dropForGood: ScenarioAction = { op: 'disconnect', how: 'drop', when: { on: 'events', job: 0, count: 6 }, resume: null };
const scenario: Scenario = {
  version: SCENARIO_VERSION,
  property: 'mid-job-disconnects',
  jobs: [{ script: { steps: [{ op: 'emit', kind: 'log', count: 6 }, { op: 'wait_cancel', max_ms: 1500 }, { op: 'finish' }] } }],
  sessions: [{ name: 'owner', principal: 'primary', ackEvery: 0, actions: [submit, dropAndResume, dropForGood] }],
};

describe('the scenario runner after a resume', () => {
  let ref: ReferenceTarget;
  let proxy: Awaited<ReturnType<typeof replayDelayingProxy>>;
  beforeAll(async () => {
    ref = await startReferenceTarget();
    proxy = await replayDelayingProxy(ref.target.url);
  });
  afterAll(async () => {
    await proxy.close();
    await ref.stop();
  });

  it('lets a replay that follows the welcome arrive before its next action cuts the connection', { timeout: 30_000 }, async () => {
    const run = await runScenario(scenario, { ...ref.target, url: proxy.url }, { checkers: PROPERTIES['mid-job-disconnects'].checkers });
    const owner = [...new Set(run.transcript.filter((e) => e.kind === 'conn' && e.event === 'open' && e.label?.startsWith('owner')).map((e) => e.conn))];
    expect(owner).toHaveLength(2);
    const [first, resumed] = owner as [string, string];
    const seqsOn = (conn: string) =>
      run.transcript
        .filter((e): e is FrameEntry => e.kind === 'frame' && e.conn === conn && e.dir === 'in')
        .map((e) => (e.frame as { event_seq?: unknown }).event_seq)
        .filter((s): s is number => typeof s === 'number');
    const owed = Math.max(...seqsOn(first));
    // The replay reached the highest seq the session had before the drop, on the resumed connection.
    expect(Math.max(0, ...seqsOn(resumed))).toBeGreaterThanOrEqual(owed);
    expect(run.exploration.unexercised).toBeUndefined();
  });
});
