// Every defect changes the wire (or, for the leak, stats()) in the way it claims, under its
// scenario; the clean runtime passes the same scenario. Scenarios return the violation they
// observe, or undefined.
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentScript } from '../spec/agent-script.ts';
import { DEFECT_NAMES, type DefectName } from './defects.ts';
import type { ReferenceOptions } from './options.ts';
import { TestBed } from './testing/bed.ts';
import { isTerminal, seqProblem, sleep, type TestClient } from './testing/client.ts';

let bed: TestBed | undefined;
afterEach(async () => {
  await bed?.stop();
  bed = undefined;
});

type Scenario = { options?: ReferenceOptions; run: (bed: TestBed) => Promise<string | undefined> };

const waitCancel: AgentScript = { steps: [{ op: 'emit', kind: 'log' }, { op: 'wait_cancel', max_ms: 10_000 }] };
const slowTail: AgentScript = { steps: [{ op: 'emit', kind: 'log', count: 5 }, { op: 'sleep', ms: 200 }, { op: 'emit', kind: 'log', count: 3 }] };

function terminalsOf(c: TestClient, job: string): number {
  return c.sequenced(job).filter(isTerminal).length;
}

async function listStatus(c: TestClient, job: string): Promise<string | undefined> {
  const from = c.frames.length;
  c.send({ type: 'session.list_jobs', payload: {} });
  const jobs = (await c.waitFor((f) => f.type === 'session.jobs', { from })).payload.jobs as Array<{ job_id: string; status: string }>;
  return jobs.find((j) => j.job_id === job)?.status;
}

async function resumeScenario(bed: TestBed): Promise<string | undefined> {
  const c = await bed.open();
  const job = await c.start({ steps: [{ op: 'emit', kind: 'log', count: 5 }, { op: 'sleep', ms: 100 }, { op: 'emit', kind: 'log', count: 5 }] });
  await c.waitFor((f) => f.job_id === job && f.event_seq === 5);
  await c.drop();
  const r = await bed.resume(c, { lastSeq: 3 });
  await r.terminal(job);
  return seqProblem(r.frames, 3);
}

async function survivesTransportLoss(bed: TestBed, how: 'close' | 'drop'): Promise<string | undefined> {
  const c = await bed.open();
  const job = await c.start(slowTail);
  await c.waitFor((f) => f.job_id === job && f.event_seq === 5);
  if (how === 'close') {
    c.send({ type: 'session.close', payload: {} });
    await c.waitFor((f) => f.type === 'session.closed');
  } else {
    await c.drop();
  }
  await sleep(400);
  const r = await bed.resume(c, { lastSeq: 5 });
  const end = await r.terminal(job);
  return end.type === 'job.result' ? undefined : `job ended ${end.payload.final_status} after session ${how}`;
}

const SCENARIOS: Record<DefectName, Scenario> = {
  'seq-race': {
    async run(bed) {
      // Concurrent emitters: parallel branches in two jobs at once.
      const c = await bed.open();
      const script: AgentScript = {
        steps: [{ op: 'parallel', branches: Array.from({ length: 4 }, () => [{ op: 'emit' as const, kind: 'log', count: 300 }]) }],
      };
      const jobs = await Promise.all([c.start(script), c.start(script)]);
      for (const job of jobs) await c.terminal(job, 15_000);
      await sleep(50);
      return seqProblem(c.frames);
    },
  },
  'cancel-after-terminal': {
    async run(bed) {
      const c = await bed.open();
      const job = await c.start({ steps: [{ op: 'emit', kind: 'log' }] });
      await c.terminal(job);
      c.cancel(job);
      await c.waitFor((f) => f.type === 'session.error' || f.type === 'job.cancelled');
      await sleep(50);
      const status = await listStatus(c, job);
      if (terminalsOf(c, job) !== 1) return `${terminalsOf(c, job)} terminals`;
      return status === 'success' ? undefined : `status flipped to ${status}`;
    },
  },
  'subscription-leak': {
    options: { resumeWindowSec: 0.1 },
    async run(bed) {
      const owner = await bed.open();
      const job = await owner.start({ steps: Array.from({ length: 20 }, () => [{ op: 'emit' as const, kind: 'log' }, { op: 'sleep' as const, ms: 25 }]).flat() });
      const watcher = await bed.open();
      watcher.send({ type: 'job.subscribe', payload: { job_id: job } });
      await watcher.waitFor((f) => f.type === 'job.subscribed');
      watcher.send({ type: 'session.close', payload: {} });
      await watcher.closed;
      await sleep(250); // the watcher's window passes while the job runs on
      const early = bed.server.stats().orphanedBufferedEvents;
      await owner.terminal(job);
      const stats = bed.server.stats();
      if (stats.orphanedSubscriptionRows > 0) {
        return `${stats.orphanedSubscriptionRows} rows still attach a gone session; its dead outbox grew ${early} -> ${stats.orphanedBufferedEvents}`;
      }
      return stats.orphanedBufferedEvents === 0 ? undefined : `${stats.orphanedBufferedEvents} events in dead outboxes`;
    },
  },
  'replay-drops-events': { run: resumeScenario },
  'replay-duplicates': { run: resumeScenario },
  'resume-token-reused': {
    async run(bed) {
      const c = await bed.open();
      await c.drop();
      const r = await bed.resume(c, { lastSeq: 0 });
      if (r.resumeToken === c.resumeToken) return 'resume token not rotated';
      await r.drop();
      const stale = await bed.connect();
      const reply = await stale.hello({ resume: { session_id: c.sessionId as string, resume_token: c.resumeToken as string, last_event_seq: 0 } });
      return reply.type === 'session.welcome' ? 'stale token accepted' : undefined;
    },
  },
  'close-cancels-jobs': { run: (bed) => survivesTransportLoss(bed, 'close') },
  'drop-kills-jobs': { run: (bed) => survivesTransportLoss(bed, 'drop') },
  'subscriber-can-cancel': {
    options: { subscribePolicy: 'any' },
    async run(bed) {
      const owner = await bed.open();
      const job = await owner.start(waitCancel);
      const bob = await bed.open({ token: 'tok-bob' });
      bob.send({ type: 'job.subscribe', payload: { job_id: job } });
      await bob.waitFor((f) => f.type === 'job.subscribed');
      bob.cancel(job);
      const reply = await bob.waitFor((f) => f.type === 'session.error' || f.type === 'job.cancelled');
      return reply.type === 'job.cancelled' ? 'a subscriber of another principal cancelled the job' : undefined;
    },
  },
  'credentials-leak': {
    options: { subscribePolicy: 'any' },
    async run(bed) {
      const owner = await bed.open();
      const job = await owner.start(waitCancel, { lease_request: { 'cost.budget': ['USD:1'] } });
      const bob = await bed.open({ token: 'tok-bob' });
      bob.send({ type: 'job.subscribe', payload: { job_id: job } });
      const subscribed = await bob.waitFor((f) => f.type === 'job.subscribed');
      return subscribed.payload.credentials === undefined ? undefined : 'another principal received credentials';
    },
  },
  'event-after-terminal': {
    async run(bed) {
      const c = await bed.open();
      const tail = Array.from({ length: 10 }, () => [{ op: 'emit' as const, kind: 'log' }, { op: 'sleep' as const, ms: 10 }]).flat();
      const job = await c.start({ steps: [{ op: 'parallel', branches: [[{ op: 'emit', kind: 'log' }, { op: 'finish' }], tail] }] });
      await c.terminal(job);
      await sleep(250);
      const frames = c.sequenced(job);
      const after = frames.length - 1 - frames.findIndex(isTerminal);
      return after === 0 ? undefined : `${after} frames after the terminal`;
    },
  },
  'seq-per-job': {
    async run(bed) {
      const c = await bed.open();
      const jobs = await Promise.all([c.start(slowTail), c.start(slowTail)]);
      for (const job of jobs) await c.terminal(job);
      return seqProblem(c.frames);
    },
  },
  'subscribed-foreign-seq': {
    async run(bed) {
      const owner = await bed.open();
      const job = await owner.start(slowTail);
      const watcher = await bed.open();
      watcher.send({ type: 'job.subscribe', payload: { job_id: job } });
      await watcher.waitFor((f) => f.type === 'job.subscribed');
      await watcher.terminal(job);
      const foreign = watcher.sequenced(job).find((f) => f.session_id !== watcher.sessionId);
      return foreign ? `event with session_id of another session (seq ${foreign.event_seq})` : seqProblem(watcher.frames);
    },
  },
  'list-jobs-leak': {
    async run(bed) {
      const alice = await bed.open();
      await alice.start(waitCancel);
      const bob = await bed.open({ token: 'tok-bob' });
      bob.send({ type: 'session.list_jobs', payload: {} });
      const jobs = (await bob.waitFor((f) => f.type === 'session.jobs')).payload.jobs as unknown[];
      return jobs.length === 0 ? undefined : `bob sees ${jobs.length} of alice's jobs`;
    },
  },
};

describe('defects', () => {
  it('has a scenario for every defect', () => {
    expect(Object.keys(SCENARIOS).sort()).toEqual([...DEFECT_NAMES].sort());
  });

  describe.each(DEFECT_NAMES)('%s', (name) => {
    const scenario = SCENARIOS[name];

    it('the clean runtime passes its scenario', async () => {
      bed = await TestBed.start(scenario.options);
      expect(await scenario.run(bed)).toBeUndefined();
    });

    it('with the defect on, the scenario shows the violation', async () => {
      bed = await TestBed.start({ ...scenario.options, defects: [name] });
      expect(await scenario.run(bed)).toEqual(expect.any(String));
    });
  });
});

describe('seq-race is a concurrency bug', () => {
  it('does not show with a single sequential emitter', async () => {
    bed = await TestBed.start({ defects: ['seq-race'] });
    const c = await bed.open();
    const job = await c.start({ steps: [{ op: 'emit', kind: 'log', count: 1000 }] });
    await c.terminal(job, 15_000);
    expect(seqProblem(c.frames)).toBeUndefined();
  });
});
