// Subscription (v1.1 §7.6, §14): the authority descriptor, history replay re-stamped into
// the subscriber's seq space, live delivery, policy, credentials, no cancel authority.
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentScript } from '../spec/agent-script.ts';
import { TestBed } from './testing/bed.ts';
import { seqProblem, sleep, type Frame, type TestClient } from './testing/client.ts';

let bed: TestBed;
afterEach(async () => bed?.stop());

const twoPhase: AgentScript = {
  steps: [{ op: 'emit', kind: 'log', count: 4 }, { op: 'wait_cancel', max_ms: 300 }, { op: 'emit', kind: 'thought', count: 3 }],
};

async function subscribe(c: TestClient, payload: Record<string, unknown>): Promise<Frame> {
  const from = c.frames.length;
  c.send({ type: 'job.subscribe', payload });
  return c.waitFor((f) => f.type === 'job.subscribed' || f.type === 'session.error', { from });
}

function markers(frames: readonly Frame[]): string[] {
  return frames.filter((f) => f.type === 'job.event').map((f) => `${f.payload.body.marker.branch}:${f.payload.body.marker.i}`);
}

describe('subscribe', () => {
  it('replays history in the subscriber\'s seq space, then live, each event once', async () => {
    bed = await TestBed.start();
    const owner = await bed.open();
    const job = await owner.start(twoPhase, { lease_request: { 'cost.budget': ['USD:3'] } });
    await owner.waitFor((f) => f.job_id === job && f.event_seq === 4);
    const watcher = await bed.open();
    const other = await watcher.start({ steps: [{ op: 'emit', kind: 'log', count: 2 }] }); // seqs 1-2 in the watcher
    await watcher.terminal(other);
    const subscribed = await subscribe(watcher, { job_id: job, from_event_seq: 0, history: true });
    expect(subscribed.payload).toMatchObject({
      job_id: job,
      current_status: 'running',
      agent: 'conformance@2.0.0',
      lease: { 'cost.budget': ['USD:3'] },
      budget: { USD: 3 },
      subscribed_from: 4,
      replayed: true,
      trace_id: expect.any(String),
    });
    expect(subscribed.payload.credentials).toHaveLength(1); // same principal as the submitter
    await watcher.terminal(job);
    const seen = watcher.sequenced(job);
    expect(seen.every((f) => f.session_id === watcher.sessionId)).toBe(true);
    expect(seen[0]?.event_seq).toBe(4);
    expect(seqProblem(watcher.frames)).toBeUndefined();
    expect(markers(seen)).toEqual(markers(owner.sequenced(job)));
  });

  it('without history delivers only events after the subscription', async () => {
    bed = await TestBed.start();
    const owner = await bed.open();
    const job = await owner.start(twoPhase);
    await owner.waitFor((f) => f.job_id === job && f.event_seq === 4);
    const watcher = await bed.open();
    const subscribed = await subscribe(watcher, { job_id: job });
    expect(subscribed.payload).toMatchObject({ subscribed_from: 4, replayed: false });
    await watcher.terminal(job);
    expect(markers(watcher.sequenced(job))).toEqual(['0:4', '0:5', '0:6']);
    expect(seqProblem(watcher.frames)).toBeUndefined();
  });

  it('replays from from_event_seq, and a finished job\'s history ends in its terminal', async () => {
    bed = await TestBed.start();
    const owner = await bed.open();
    const job = await owner.start({ steps: [{ op: 'emit', kind: 'log', count: 5 }] });
    await owner.terminal(job);
    const watcher = await bed.open();
    const subscribed = await subscribe(watcher, { job_id: job, from_event_seq: 3, history: true });
    expect(subscribed.payload).toMatchObject({ current_status: 'success', subscribed_from: 6, replayed: true });
    expect(subscribed.payload.credentials).toBeUndefined();
    await watcher.terminal(job);
    expect(watcher.sequenced(job).map((f) => [f.event_seq, f.payload.body?.marker?.i ?? f.type])).toEqual([
      [1, 3],
      [2, 4],
      [3, 'job.result'],
    ]);
  });

  it('never sends a position twice to the same session (submitter subscribing to its own job)', async () => {
    bed = await TestBed.start();
    const owner = await bed.open();
    const job = await owner.start(twoPhase);
    await owner.waitFor((f) => f.job_id === job && f.event_seq === 4);
    const subscribed = await subscribe(owner, { job_id: job, from_event_seq: 0, history: true });
    expect(subscribed.payload.replayed).toBe(false);
    await owner.terminal(job);
    expect(seqProblem(owner.frames)).toBeUndefined();
    expect(owner.sequenced(job)).toHaveLength(8);
  });

  it('keeps a subscriber observing after the submitter\'s transport drops', async () => {
    bed = await TestBed.start();
    const owner = await bed.open();
    const job = await owner.start(twoPhase);
    const watcher = await bed.open();
    await subscribe(watcher, { job_id: job, history: true, from_event_seq: 0 });
    await owner.drop();
    expect((await watcher.terminal(job)).type).toBe('job.result');
  });

  it('stops delivery after unsubscribe', async () => {
    bed = await TestBed.start();
    const owner = await bed.open();
    const job = await owner.start(twoPhase);
    const watcher = await bed.open();
    await subscribe(watcher, { job_id: job });
    watcher.send({ type: 'job.unsubscribe', payload: { job_id: job } });
    await owner.terminal(job);
    await sleep(50);
    expect(watcher.sequenced(job)).toEqual([]);
    watcher.send({ type: 'job.unsubscribe', payload: { job_id: job } });
    expect((await watcher.waitFor((f) => f.type === 'session.error')).payload.code).toBe('INVALID_REQUEST');
  });

  it('answers unknown jobs with JOB_NOT_FOUND and another principal with PERMISSION_DENIED', async () => {
    bed = await TestBed.start();
    const owner = await bed.open();
    const job = await owner.start(twoPhase);
    const bob = await bed.open({ token: 'tok-bob' });
    expect((await subscribe(bob, { job_id: job })).payload.code).toBe('PERMISSION_DENIED');
    expect((await subscribe(bob, { job_id: 'job_nope' })).payload.code).toBe('JOB_NOT_FOUND');
    const noFeature = await bed.open({ features: ['ack'] });
    expect((await subscribe(noFeature, { job_id: job })).payload.code).toBe('INVALID_REQUEST');
  });

  it('under the `any` policy lets another principal observe, without credentials or cancel authority', async () => {
    bed = await TestBed.start({ subscribePolicy: 'any' });
    const owner = await bed.open();
    const job = await owner.start(twoPhase, { lease_request: { 'cost.budget': ['USD:3'] } });
    const bob = await bed.open({ token: 'tok-bob' });
    const subscribed = await subscribe(bob, { job_id: job, history: true });
    expect(subscribed.type).toBe('job.subscribed');
    expect(subscribed.payload.credentials).toBeUndefined();
    bob.cancel(job);
    expect((await bob.waitFor((f) => f.type === 'session.error')).payload.code).toBe('PERMISSION_DENIED');
    expect((await bob.terminal(job)).type).toBe('job.result');
    expect(bob.all((f) => f.type === 'job.cancelled')).toEqual([]);
  });

  it('bounds history by jobHistoryCap: older positions are refused, a bare history gets what is left', async () => {
    bed = await TestBed.start({ jobHistoryCap: 5 });
    const owner = await bed.open();
    const job = await owner.start({ steps: [{ op: 'emit', kind: 'log', count: 20 }] });
    await owner.terminal(job);
    const watcher = await bed.open();
    const refused = await subscribe(watcher, { job_id: job, from_event_seq: 0, history: true });
    expect(refused.payload).toMatchObject({ code: 'INVALID_REQUEST', details: { oldest_buffered_seq: 17 } });
    const subscribed = await subscribe(watcher, { job_id: job, history: true });
    expect(subscribed.payload.replayed).toBe(true);
    await watcher.terminal(job);
    expect(markers(watcher.sequenced(job))).toEqual(['0:16', '0:17', '0:18', '0:19']);
    expect(seqProblem(watcher.frames)).toBeUndefined();
  });
});
