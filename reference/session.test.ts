// Sessions over a real socket: hello/welcome, auth, features, bad input, ping, heartbeats,
// ack and back-pressure, list_jobs, close and bye (v1.1 §6).
import { afterEach, describe, expect, it } from 'vitest';
import { FEATURES } from '../spec/index.ts';
import { TestBed } from './testing/bed.ts';
import { seqProblem, sleep, type Frame } from './testing/client.ts';

let bed: TestBed;
afterEach(async () => bed?.stop());

const quickLog = (count: number) => ({ steps: [{ op: 'emit' as const, kind: 'log', count }] });

describe('hello and welcome', () => {
  it('welcomes with session id, rotating-size token, timers and the full capability set', async () => {
    bed = await TestBed.start();
    const c = await bed.open();
    const welcome = c.frames[0] as Frame;
    expect(welcome.type).toBe('session.welcome');
    expect(welcome.arcp).toBe('1.1');
    expect(welcome.session_id).toMatch(/^sess_/);
    const p = welcome.payload;
    expect(p.runtime).toEqual({ name: 'arcp-reference', version: expect.any(String) });
    // >= 128 bits: 32 random bytes in base64url are 43 characters after the prefix.
    expect(p.resume_token.length).toBeGreaterThanOrEqual(3 + 22);
    expect(p.resume_window_sec).toBe(600);
    expect(p.heartbeat_interval_sec).toBe(30);
    expect(p.capabilities.encodings).toEqual(['json']);
    expect([...p.capabilities.features].sort()).toEqual([...FEATURES].sort());
    expect(p.capabilities.agents).toEqual([{ name: 'conformance', versions: ['1.0.0', '2.0.0'], default: '2.0.0' }]);
    const other = await bed.open();
    expect(other.sessionId).not.toBe(c.sessionId);
    expect(other.resumeToken).not.toBe(c.resumeToken);
  });

  it('lists agents as bare names when agent_versions is not negotiated', async () => {
    bed = await TestBed.start();
    const c = await bed.open({ features: ['ack'] });
    expect((c.frames[0] as Frame).payload.capabilities.agents).toEqual(['conformance']);
  });

  it.each([
    ['a wrong token', { scheme: 'bearer', token: 'nope' }],
    ['an empty token', { scheme: 'bearer', token: '' }],
    ['another scheme', { scheme: 'basic', token: 'tok-alice' }],
    ['no auth', undefined],
  ])('refuses %s with UNAUTHENTICATED and closes, never welcoming', async (_name, auth) => {
    bed = await TestBed.start();
    const c = await bed.connect();
    c.send({ type: 'session.hello', payload: { client: { name: 't', version: '0' }, ...(auth ? { auth } : {}) } });
    const reply = await c.waitFor((f) => f.type === 'session.error');
    expect(reply.payload).toMatchObject({ code: 'UNAUTHENTICATED', retryable: false });
    await c.closed;
    expect(c.all((f) => f.type === 'session.welcome')).toEqual([]);
  });

  it('maps each configured token to its principal', async () => {
    bed = await TestBed.start({ tokens: { 'tok-x': 'xavier' } });
    const c = await bed.open({ token: 'tok-x' });
    expect(c.sessionId).toBeDefined();
    const refused = await bed.connect();
    expect((await refused.hello({ token: 'tok-alice' })).payload.code).toBe('UNAUTHENTICATED');
  });
});

describe('bad input', () => {
  it('answers messages before the hello with INVALID_REQUEST and still accepts a hello', async () => {
    bed = await TestBed.start();
    const c = await bed.connect();
    c.send({ type: 'job.submit', session_id: 'sess_x', payload: { agent: 'conformance', input: { steps: [] } } });
    const error = await c.waitFor((f) => f.type === 'session.error');
    expect(error.payload.code).toBe('INVALID_REQUEST');
    expect(error.session_id).toBeUndefined();
    expect((await c.hello()).type).toBe('session.welcome');
  });

  it('rejects garbage with INVALID_REQUEST and leaves the session intact', async () => {
    bed = await TestBed.start();
    const c = await bed.open();
    const garbage: Array<string | Buffer> = [
      'not json',
      '[1,2,3]',
      '"text"',
      'null',
      JSON.stringify({ arcp: '1.1', id: 'x', type: 'session.teleport', session_id: c.sessionId, payload: {} }),
      JSON.stringify({ arcp: '1.1', id: 'x', type: 'job.event', session_id: c.sessionId, payload: {} }),
      JSON.stringify({ arcp: '1', id: 'x', type: 'session.ping', session_id: c.sessionId, payload: { nonce: 'n' } }),
      JSON.stringify({ arcp: '1.1', id: 'x', type: 'session.ack', session_id: c.sessionId, payload: { last_processed_seq: 'ten' } }),
      JSON.stringify({ arcp: '1.1', id: 'x', type: 'session.ping', session_id: 'sess_other', payload: { nonce: 'n' } }),
      JSON.stringify({ arcp: '1.1', id: 'x', type: 'job.submit', session_id: c.sessionId, payload: { agent: 'Bad Name!' } }),
      JSON.stringify({ arcp: '1.1', id: 'x', type: 'session.hello', payload: {} }),
      JSON.stringify({ arcp: '1.1', id: 'x', type: 'session.ping', session_id: c.sessionId, payload: { nonce: 'n', x: deep(200) } }),
    ];
    for (const g of garbage) c.sendRaw(g);
    c.sendRaw(Buffer.from([1, 2, 3]), true);
    await c.waitFor(() => c.all((f) => f.type === 'session.error').length === garbage.length + 1);
    const errors = c.all((f) => f.type === 'session.error');
    expect(errors.every((e) => e.payload.code === 'INVALID_REQUEST' && e.session_id === c.sessionId)).toBe(true);
    const job = await c.start(quickLog(2));
    expect((await c.terminal(job)).type).toBe('job.result');
    expect(seqProblem(c.frames)).toBeUndefined();
  });

  it('closes a connection that sends no hello in time', async () => {
    bed = await TestBed.start({ helloTimeoutMs: 100 });
    const c = await bed.connect();
    expect((await c.closed).code).toBe(1008);
  });

  it('closes the socket with 1009 on an oversized frame', async () => {
    bed = await TestBed.start({ maxFrameBytes: 1024 });
    const c = await bed.open();
    c.sendRaw('x'.repeat(2048));
    expect((await c.closed).code).toBe(1009);
  });
});

function deep(levels: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < levels; i++) v = [v];
  return v;
}

describe('heartbeats', () => {
  it('answers a ping with a pong carrying its nonce', async () => {
    bed = await TestBed.start();
    const c = await bed.open();
    c.send({ type: 'session.ping', payload: { nonce: 'p_1', sent_at: new Date().toISOString() } });
    const pong = await c.waitFor((f) => f.type === 'session.pong');
    expect(pong.payload.ping_nonce).toBe('p_1');
    expect(pong.session_id).toBe(c.sessionId);
  });

  it('pings an idle client and keeps a session that answers', async () => {
    bed = await TestBed.start({ heartbeatSec: 0.5 });
    const c = await bed.open();
    await c.waitFor((f) => f.type === 'session.ping' && typeof f.payload.nonce === 'string');
    await sleep(1500); // more than two intervals, with pongs flowing
    expect(c.isOpen).toBe(true);
    expect(c.all((f) => f.type === 'session.error')).toEqual([]);
  });

  it('sends HEARTBEAT_LOST and closes after two silent intervals; the job goes on', async () => {
    bed = await TestBed.start({ heartbeatSec: 0.2 });
    const c = await bed.open();
    c.answerPings = false;
    const job = await c.start({ steps: [{ op: 'sleep', ms: 800 }, { op: 'emit', kind: 'log' }] });
    const lost = await c.waitFor((f) => f.type === 'session.error');
    expect(lost.payload).toMatchObject({ code: 'HEARTBEAT_LOST' });
    await c.closed;
    const resumed = await bed.resume(c);
    const end = await resumed.terminal(job);
    expect(end.type).toBe('job.result');
  });

  it('does not enforce heartbeats that were not negotiated', async () => {
    bed = await TestBed.start({ heartbeatSec: 0.1 });
    const c = await bed.open({ features: ['ack'] });
    c.answerPings = false;
    await sleep(500);
    expect(c.isOpen).toBe(true);
    expect(c.all((f) => f.type === 'session.ping')).toEqual([]);
  });
});

describe('ack and back-pressure', () => {
  it('frees acknowledged events: a resume below the ack is expired, at the ack it replays', async () => {
    bed = await TestBed.start();
    const c = await bed.open();
    const job = await c.start(quickLog(10));
    await c.terminal(job);
    c.ack(6);
    c.send({ type: 'session.ping', payload: { nonce: 'sync' } });
    await c.waitFor((f) => f.type === 'session.pong');
    await c.disconnect();
    const early = await bed.connect();
    const refused = await early.hello({ resume: { session_id: c.sessionId as string, resume_token: c.resumeToken as string, last_event_seq: 3 } });
    expect(refused.payload.code).toBe('RESUME_WINDOW_EXPIRED');
    const resumed = await bed.resume(c, { lastSeq: 6 });
    await resumed.terminal(job);
    expect(resumed.sequenced().map((f) => f.event_seq)).toEqual([7, 8, 9, 10, 11]);
  });

  it('rejects an ack ahead of the session and an ack without the feature', async () => {
    bed = await TestBed.start();
    const c = await bed.open();
    c.ack(5);
    expect((await c.waitFor((f) => f.type === 'session.error')).payload.code).toBe('INVALID_REQUEST');
    const noAck = await bed.open({ features: ['subscribe'] });
    noAck.ack(0);
    expect((await noAck.waitFor((f) => f.type === 'session.error')).payload.code).toBe('INVALID_REQUEST');
  });

  it('signals back_pressure once when the un-acked lag passes the threshold', async () => {
    bed = await TestBed.start({ backPressureLag: 10 });
    const c = await bed.open();
    const job = await c.start(quickLog(30));
    await c.terminal(job);
    const signals = c.all((f) => f.type === 'job.event' && f.payload.kind === 'status' && f.payload.body.phase === 'back_pressure');
    expect(signals).toHaveLength(1);
    expect(signals[0]?.payload.body.marker).toBeUndefined();
    expect(seqProblem(c.frames)).toBeUndefined();
    const noAck = await bed.open({ features: ['list_jobs'] });
    const job2 = await noAck.start(quickLog(30));
    await noAck.terminal(job2);
    expect(noAck.all((f) => f.payload.kind === 'status')).toEqual([]);
  });
});

describe('list_jobs', () => {
  async function list(c: Awaited<ReturnType<TestBed['open']>>, payload: Record<string, unknown> = {}): Promise<Frame> {
    const from = c.frames.length;
    const id = c.send({ type: 'session.list_jobs', payload });
    return c.waitFor((f) => (f.type === 'session.jobs' && f.payload.request_id === id) || f.type === 'session.error', { from });
  }

  it('lists the principal\'s jobs only, with filters, paging and credentials for the submitter', async () => {
    bed = await TestBed.start();
    const alice = await bed.open();
    const bob = await bed.open({ token: 'tok-bob' });
    const done = await alice.start(quickLog(1), { lease_request: { 'cost.budget': ['USD:1'] } });
    await alice.terminal(done);
    const pending = await alice.start({ steps: [{ op: 'wait_cancel', max_ms: 5000 }] });
    const running = await alice.start({ steps: [{ op: 'emit', kind: 'log' }, { op: 'wait_cancel', max_ms: 5000 }] }, { lease_request: { 'model.use': ['m/*'] } });
    await alice.waitFor((f) => f.job_id === running && f.type === 'job.event');
    const v1 = await alice.start(quickLog(1), { agent: 'conformance@1.0.0' });
    await alice.terminal(v1);
    await bob.terminal(await bob.start(quickLog(1)));

    const all = await list(alice);
    expect(all.payload.jobs.map((j: any) => j.job_id)).toEqual([done, pending, running, v1]);
    // v1.0 §7.3: pending until the first event.
    expect(all.payload.jobs[1]).toMatchObject({ status: 'pending' });
    const row = all.payload.jobs[2];
    expect(row).toMatchObject({ agent: 'conformance@2.0.0', status: 'running', lease: { 'model.use': ['m/*'] }, parent_job_id: null });
    expect(row.credentials).toHaveLength(1); // live credentials, for the submitter
    expect(all.payload.jobs[0].credentials).toBeUndefined(); // revoked at the terminal
    expect(all.payload.next_cursor).toBeNull();

    expect((await list(alice, { filter: { status: ['running'] } })).payload.jobs.map((j: any) => j.job_id)).toEqual([running]);
    expect((await list(alice, { filter: { agent: 'conformance@1.0.0' } })).payload.jobs.map((j: any) => j.job_id)).toEqual([v1]);
    expect((await list(alice, { filter: { created_after: '2999-01-01T00:00:00Z' } })).payload.jobs).toEqual([]);

    const page1 = await list(alice, { limit: 3 });
    expect(page1.payload.jobs).toHaveLength(3);
    const page2 = await list(alice, { limit: 3, cursor: page1.payload.next_cursor });
    expect(page2.payload.jobs.map((j: any) => j.job_id)).toEqual([v1]);
    expect(page2.payload.next_cursor).toBeNull();
    expect((await list(alice, { cursor: 'bogus' })).payload.code).toBe('INVALID_REQUEST');

    const bobs = await list(bob);
    expect(bobs.payload.jobs).toHaveLength(1);
    expect(JSON.stringify(bobs.payload)).not.toContain(running);
  });
});

describe('close', () => {
  it('answers session.close with session.closed; jobs keep running and stay resumable', async () => {
    bed = await TestBed.start();
    const c = await bed.open();
    const job = await c.start({ steps: [{ op: 'sleep', ms: 200 }, { op: 'emit', kind: 'log', count: 3 }] });
    c.send({ type: 'session.close', payload: { reason: 'done for now' } });
    await c.waitFor((f) => f.type === 'session.closed');
    await c.closed;
    await sleep(400);
    const resumed = await bed.resume(c);
    const end = await resumed.terminal(job);
    expect(end.type).toBe('job.result');
    expect(seqProblem(resumed.frames)).toBeUndefined();
  });

  it('accepts session.bye: closes without a reply', async () => {
    bed = await TestBed.start();
    const c = await bed.open();
    c.send({ type: 'session.bye', payload: { reason: 'client_shutdown' } });
    await c.closed;
    expect(c.all((f) => f.type === 'session.closed')).toEqual([]);
  });
});
