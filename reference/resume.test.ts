// Resume (v1.1 §6.3, v1.0 §6.3): the three forms, exact replay then live, token rotation,
// stale tokens, the window, buffer eviction, and jobs that outlive their transport.
import { afterEach, describe, expect, it } from 'vitest';
import { TestBed } from './testing/bed.ts';
import { seqProblem, sleep, type TestClient } from './testing/client.ts';

let bed: TestBed;
afterEach(async () => bed?.stop());

// Emits 5 events, then 5 more every 30 ms: long enough to drop in the middle.
const steadyJob = {
  steps: [
    { op: 'emit' as const, kind: 'log', count: 5 },
    ...Array.from({ length: 10 }, () => [{ op: 'sleep' as const, ms: 30 }, { op: 'emit' as const, kind: 'log' }]).flat(),
  ],
};

async function dropAfter(c: TestClient, jobId: string, seq: number): Promise<void> {
  await c.waitFor((f) => f.job_id === jobId && (f.event_seq ?? 0) >= seq);
  await c.drop();
}

describe.each(['hello-resume', 'session-resume', 'hello-flat'] as const)('resume via %s', (resumeForm) => {
  it('replays exactly the events after last_event_seq, then streams live to the terminal', async () => {
    bed = await TestBed.start();
    const c = await bed.open();
    const job = await c.start(steadyJob);
    await dropAfter(c, job, 5);
    const last = 3; // resume from before the last seen event: those must come again
    const r = await bed.resume(c, { resumeForm, lastSeq: last });
    const welcome = r.frames[0];
    expect(welcome?.type).toBe('session.welcome');
    expect(r.sessionId).toBe(c.sessionId);
    expect(r.resumeToken).not.toBe(c.resumeToken);
    await r.terminal(job);
    expect(seqProblem(r.frames, last)).toBeUndefined();
    const markers = r.sequenced(job).filter((f) => f.type === 'job.event').map((f) => f.payload.body.marker.i);
    expect(markers).toEqual(Array.from({ length: 15 - last }, (_, k) => k + last));
    expect(r.all((f) => f.type === 'job.result')).toHaveLength(1);
  });
});

describe('resume tokens', () => {
  it('rejects a stale (rotated) token and keeps the session resumable with the current one', async () => {
    bed = await TestBed.start();
    const c = await bed.open();
    const job = await c.start(steadyJob);
    await dropAfter(c, job, 2);
    const first = await bed.resume(c);
    await first.drop();
    const stale = await bed.connect();
    const refused = await stale.hello({ resume: { session_id: c.sessionId as string, resume_token: c.resumeToken as string, last_event_seq: 0 } });
    expect(refused.payload.code).toBe('UNAUTHENTICATED');
    await stale.closed;
    const second = await bed.resume(first, { lastSeq: first.lastSeq() });
    await second.terminal(job);
    expect(seqProblem(second.frames, first.lastSeq())).toBeUndefined();
  });

  it('refuses a resume by another principal', async () => {
    bed = await TestBed.start();
    const c = await bed.open();
    await c.drop();
    const bob = await bed.connect();
    const reply = await bob.hello({ token: 'tok-bob', resume: { session_id: c.sessionId as string, resume_token: c.resumeToken as string, last_event_seq: 0 } });
    expect(reply.payload.code).toBe('UNAUTHENTICATED');
  });

  it('answers an unknown session with RESUME_WINDOW_EXPIRED and closes', async () => {
    bed = await TestBed.start();
    const c = await bed.connect();
    const reply = await c.hello({ resume: { session_id: 'sess_nope', resume_token: 'rt_nope', last_event_seq: 0 } });
    expect(reply.payload.code).toBe('RESUME_WINDOW_EXPIRED');
    expect(c.all((f) => f.type === 'session.welcome')).toEqual([]);
    await c.closed;
  });

  it('rejects a last_event_seq from the future', async () => {
    bed = await TestBed.start();
    const c = await bed.open();
    await c.drop();
    const next = await bed.connect();
    const reply = await next.hello({ resume: { session_id: c.sessionId as string, resume_token: c.resumeToken as string, last_event_seq: 99 } });
    expect(reply.payload.code).toBe('INVALID_REQUEST');
  });
});

describe('resume window and buffer', () => {
  it('expires a detached session after resume_window_sec', async () => {
    bed = await TestBed.start({ resumeWindowSec: 0.2 });
    const c = await bed.open();
    await c.drop();
    await sleep(500);
    const next = await bed.connect();
    const reply = await next.hello({ resume: { session_id: c.sessionId as string, resume_token: c.resumeToken as string, last_event_seq: 0 } });
    expect(reply.payload.code).toBe('RESUME_WINDOW_EXPIRED');
  });

  it('evicts the oldest events past the buffer cap; a resume below the floor is expired', async () => {
    bed = await TestBed.start({ eventBufferCap: 5 });
    const c = await bed.open();
    const job = await c.start({ steps: [{ op: 'sleep', ms: 100 }, { op: 'emit', kind: 'log', count: 20 }] });
    await c.drop();
    await sleep(300);
    const early = await bed.connect();
    const refused = await early.hello({ resume: { session_id: c.sessionId as string, resume_token: c.resumeToken as string, last_event_seq: 0 } });
    expect(refused.payload.code).toBe('RESUME_WINDOW_EXPIRED');
    const r = await bed.resume(c, { lastSeq: 17 });
    await r.terminal(job);
    expect(r.sequenced().map((f) => f.event_seq)).toEqual([18, 19, 20, 21]);
  });

  it('lets a resume take over a session whose old transport is still open', async () => {
    bed = await TestBed.start();
    const c = await bed.open();
    const job = await c.start(steadyJob);
    await c.waitFor((f) => f.job_id === job && f.event_seq === 5);
    const r = await bed.resume(c, { lastSeq: 5 });
    await c.closed;
    await r.terminal(job);
    expect(seqProblem(r.frames, 5)).toBeUndefined();
    expect(r.lastSeq()).toBe(16);
  });
});

describe('jobs outlive their sessions', () => {
  it('keeps every event of a job that ran entirely while detached, in the session\'s sequence', async () => {
    bed = await TestBed.start();
    const c = await bed.open();
    const a = await c.start({ steps: [{ op: 'sleep', ms: 100 }, { op: 'emit', kind: 'log', count: 4 }] });
    const b = await c.start({ steps: [{ op: 'sleep', ms: 100 }, { op: 'emit', kind: 'thought', count: 4 }] });
    await c.drop();
    await sleep(300);
    const r = await bed.resume(c, { lastSeq: 0 });
    await r.terminal(a);
    await r.terminal(b);
    expect(seqProblem(r.frames)).toBeUndefined();
    expect(r.sequenced()).toHaveLength(10);
  });
});
