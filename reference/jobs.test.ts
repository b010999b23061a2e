// Jobs over a real socket (v1.1 §7-8): acceptance, agent versions, idempotency, timeouts,
// cancel, parallel emitters with markers, result chunks, one terminal.
import { afterEach, describe, expect, it } from 'vitest';
import { summarizeExpectedMarkers, type AgentScript } from '../spec/agent-script.ts';
import { TestBed } from './testing/bed.ts';
import { inMs, seqProblem, sleep, type Frame, type SubmitOptions, type TestClient } from './testing/client.ts';

let bed: TestBed;
afterEach(async () => bed?.stop());

const waitCancel: AgentScript = { steps: [{ op: 'emit', kind: 'log' }, { op: 'wait_cancel', max_ms: 10_000 }, { op: 'emit', kind: 'log' }] };

function markersByBranch(frames: readonly Frame[]): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const f of frames) {
    const marker = f.type === 'job.event' ? f.payload.body?.marker : undefined;
    if (marker) (out[marker.branch] ??= []).push(marker.i);
  }
  return out;
}

async function list(c: TestClient): Promise<any[]> {
  const from = c.frames.length;
  c.send({ type: 'session.list_jobs', payload: {} });
  return (await c.waitFor((f) => f.type === 'session.jobs', { from })).payload.jobs;
}

describe('submission', () => {
  it('accepts with the effective lease, constraints, budget, resolved agent and a trace id', async () => {
    bed = await TestBed.start();
    const c = await bed.open();
    const expires = inMs(60_000);
    const lease = { 'fs.read': ['/w/**'], 'cost.budget': ['USD:5.00', 'credits:10'] };
    const accepted = await c.submit({ steps: [] }, { lease_request: lease, lease_constraints: { expires_at: expires } });
    expect(accepted.type).toBe('job.accepted');
    expect(accepted.job_id).toBe(accepted.payload.job_id);
    expect(accepted.payload).toMatchObject({
      agent: 'conformance@2.0.0',
      lease,
      lease_constraints: { expires_at: expires },
      budget: { USD: 5, credits: 10 },
      accepted_at: expect.any(String),
    });
    expect(accepted.payload.trace_id).toMatch(/^[0-9a-f]{32}$/);
    const traced = await c.submit({ steps: [] }, { trace_id: '4bf92f3577b34da6a3ce929d0e0e4736' });
    expect(traced.payload.trace_id).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    const event = await c.terminal(traced.payload.job_id);
    expect(event.trace_id).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
  });

  it('resolves agent versions: bare name to the default, pinned versions exactly', async () => {
    bed = await TestBed.start();
    const c = await bed.open();
    const v1 = await c.start({ steps: [] }, { agent: 'conformance@1.0.0' });
    expect((await c.terminal(v1)).payload.result).toEqual({ version: '1.0.0' });
    const dflt = await c.start({ steps: [] });
    expect((await c.terminal(dflt)).payload.result).toEqual({ version: '2.0.0' });
    expect((await c.submit({ steps: [] }, { agent: 'conformance@3.0.0' })).payload.code).toBe('AGENT_VERSION_NOT_AVAILABLE');
    expect((await c.submit({ steps: [] }, { agent: 'ghost' })).payload.code).toBe('AGENT_NOT_AVAILABLE');
  });

  it.each([
    ['an invalid script', { steps: [{ op: 'explode' }] }, {}],
    ['a script that is not an object', 'go', {}],
    ['an expires_at in the past', { steps: [] }, { lease_constraints: { expires_at: inMs(-1000) } }],
    ['a non-UTC expires_at', { steps: [] }, { lease_constraints: { expires_at: '2999-01-01T00:00:00+02:00' } }],
    ['an impossible expires_at', { steps: [] }, { lease_constraints: { expires_at: '2999-13-45T00:00:00Z' } }],
    ['a bad capability name', { steps: [] }, { lease_request: { 'FS READ': ['x'] } }],
  ])('rejects %s with INVALID_REQUEST', async (_name, script, options) => {
    bed = await TestBed.start();
    const c = await bed.open();
    const reply = await c.submit(script, options as object);
    expect(reply.type).toBe('session.error');
    expect(reply.payload).toMatchObject({ code: 'INVALID_REQUEST', retryable: false });
  });

  it('rejects what needs a feature the session did not negotiate', async () => {
    bed = await TestBed.start();
    const c = await bed.open({ features: ['ack'] });
    const cases: Array<[AgentScript, SubmitOptions]> = [
      [{ steps: [{ op: 'emit', kind: 'progress' }] }, {}],
      [{ steps: [{ op: 'chunks', parts: ['a'] }] }, {}],
      [{ steps: [] }, { lease_request: { 'cost.budget': ['USD:1'] } }],
      [{ steps: [] }, { lease_request: { 'model.use': ['m'] } }],
      [{ steps: [] }, { lease_constraints: { expires_at: inMs(60_000) } }],
    ];
    for (const [script, options] of cases) {
      expect((await c.submit(script, options)).payload.code).toBe('INVALID_REQUEST');
    }
    expect((await c.submit({ steps: [] })).type).toBe('job.accepted');
  });
});

describe('idempotency', () => {
  it('returns the same job.accepted for the same key and parameters; DUPLICATE_KEY otherwise', async () => {
    bed = await TestBed.start();
    const c = await bed.open();
    const script: AgentScript = { steps: [{ op: 'emit', kind: 'log' }] };
    const first = await c.submit(script, { idempotency_key: 'k1', lease_request: { 'cost.budget': ['USD:1'] } });
    await c.terminal(first.payload.job_id);
    const again = await c.submit(script, { idempotency_key: 'k1', lease_request: { 'cost.budget': ['USD:1'] } });
    expect(again.payload).toEqual(first.payload);
    const clash = await c.submit({ steps: [] }, { idempotency_key: 'k1', lease_request: { 'cost.budget': ['USD:1'] } });
    expect(clash.payload).toMatchObject({ code: 'DUPLICATE_KEY', retryable: false });
    // Keys are per principal.
    const bob = await bed.open({ token: 'tok-bob' });
    const bobs = await bob.submit(script, { idempotency_key: 'k1' });
    expect(bobs.payload.job_id).not.toBe(first.payload.job_id);
    // Only one terminal in the submitting session, despite the resubmission.
    expect(c.all((f) => f.job_id === first.payload.job_id && f.type === 'job.result')).toHaveLength(1);
  });

  it('streams a running job to a new session that resubmits it, and replays a finished one\'s terminal', async () => {
    bed = await TestBed.start();
    const c = await bed.open();
    const running = await c.start(waitCancel, { idempotency_key: 'run' });
    const done = await c.start({ steps: [{ op: 'emit', kind: 'log' }] }, { idempotency_key: 'done' });
    await c.terminal(done);
    const other = await bed.open();
    expect((await other.submit(waitCancel, { idempotency_key: 'run' })).payload.job_id).toBe(running);
    expect((await other.submit({ steps: [{ op: 'emit', kind: 'log' }] }, { idempotency_key: 'done' })).payload.job_id).toBe(done);
    expect((await other.terminal(done)).type).toBe('job.result');
    c.cancel(running);
    expect((await other.terminal(running)).payload.code).toBe('CANCELLED');
    expect(seqProblem(other.frames)).toBeUndefined();
  });
});

describe('lifecycle', () => {
  it('ends a job that runs past max_runtime_sec with TIMEOUT / timed_out', async () => {
    bed = await TestBed.start();
    const c = await bed.open();
    const job = await c.start({ steps: [{ op: 'sleep', ms: 5000 }] }, { max_runtime_sec: 0.2 });
    expect((await c.terminal(job)).payload).toMatchObject({ code: 'TIMEOUT', final_status: 'timed_out' });
    expect((await list(c))[0].status).toBe('timed_out');
  });

  it('ends with the script\'s fail as job.error final_status error', async () => {
    bed = await TestBed.start();
    const c = await bed.open();
    const job = await c.start({ steps: [{ op: 'emit', kind: 'log' }, { op: 'fail', code: 'X_BROKEN', message: 'no' }, { op: 'emit', kind: 'log' }] });
    const end = await c.terminal(job);
    expect(end).toMatchObject({ type: 'job.error', event_seq: 2, payload: { code: 'X_BROKEN', message: 'no', retryable: false, final_status: 'error' } });
    await sleep(50);
    expect(c.sequenced(job)).toHaveLength(2);
  });

  it('keeps one seq space across concurrent jobs and parallel branches, markers in order per branch', async () => {
    bed = await TestBed.start();
    const c = await bed.open();
    const script: AgentScript = {
      steps: [
        { op: 'emit', kind: 'log', count: 3 },
        {
          op: 'parallel',
          branches: [
            [{ op: 'emit', kind: 'log', count: 600 }],
            [{ op: 'emit', kind: 'thought', count: 300 }, { op: 'cost', amount: 1, currency: 'USD' }],
            [{ op: 'parallel', branches: [[{ op: 'emit', kind: 'x-acme.tick', count: 400 }], [{ op: 'tool', tool: 't' }]] }],
          ],
        },
        { op: 'emit', kind: 'status', count: 2 },
      ],
    };
    const jobs = await Promise.all([c.start(script), c.start(script)]);
    for (const job of jobs) await c.terminal(job, 10_000);
    expect(seqProblem(c.frames)).toBeUndefined();
    const expected = summarizeExpectedMarkers(script);
    for (const job of jobs) {
      const seen = markersByBranch(c.sequenced(job));
      for (const [branch, count] of Object.entries(expected.branches)) {
        expect(seen[branch] ?? [], branch).toEqual(Array.from({ length: count }, (_, i) => i));
      }
    }
    // The two jobs really interleaved.
    const owners = c.sequenced().map((f) => f.job_id);
    expect(owners.findIndex((o) => o === jobs[1])).toBeLessThan(owners.lastIndexOf(jobs[0]));
  });

  it('sends nothing after the terminal when a branch finishes while others emit', async () => {
    bed = await TestBed.start();
    const c = await bed.open();
    const job = await c.start({
      steps: [{ op: 'parallel', branches: [[{ op: 'emit', kind: 'log', count: 300 }, { op: 'finish' }], [{ op: 'emit', kind: 'log', count: 100_000 }]] }],
    });
    await c.terminal(job, 10_000);
    await sleep(100);
    const frames = c.sequenced(job);
    expect(frames.at(-1)?.type).toBe('job.result');
    expect(frames.filter((f) => f.type !== 'job.event')).toHaveLength(1);
  });
});

describe('cancel', () => {
  it('acknowledges with job.cancelled then exactly one CANCELLED terminal, even when sent twice', async () => {
    bed = await TestBed.start();
    const c = await bed.open();
    const job = await c.start(waitCancel);
    await c.waitFor((f) => f.job_id === job && f.type === 'job.event');
    c.cancel(job);
    c.cancel(job);
    const end = await c.terminal(job);
    expect(end.payload).toEqual({ code: 'CANCELLED', message: expect.any(String), retryable: false, final_status: 'cancelled' });
    await c.waitFor((f) => f.type === 'session.error');
    await sleep(50);
    const types = c.frames.filter((f) => f.job_id === job || f.type === 'session.error').map((f) => f.type);
    expect(types).toEqual(['job.accepted', 'job.event', 'job.cancelled', 'job.error', 'session.error']);
    expect(c.all((f) => f.type === 'session.error')[0]?.payload.code).toBe('INVALID_REQUEST');
  });

  it('leaves a finished job alone: no terminal, no status change', async () => {
    bed = await TestBed.start();
    const c = await bed.open();
    const job = await c.start({ steps: [{ op: 'emit', kind: 'log' }] });
    await c.terminal(job);
    c.cancel(job);
    const reply = await c.waitFor((f) => f.type === 'session.error');
    expect(reply.payload).toMatchObject({ code: 'INVALID_REQUEST', details: { job_id: job, status: 'success' } });
    expect((await list(c))[0].status).toBe('success');
    expect(c.sequenced(job).filter((f) => f.type !== 'job.event')).toHaveLength(1);
    expect(c.all((f) => f.type === 'job.cancelled')).toEqual([]);
  });

  it('lets only the submitting principal cancel; others get JOB_NOT_FOUND', async () => {
    bed = await TestBed.start();
    const alice = await bed.open();
    const job = await alice.start(waitCancel);
    const bob = await bed.open({ token: 'tok-bob' });
    bob.cancel(job);
    expect((await bob.waitFor((f) => f.type === 'session.error')).payload.code).toBe('JOB_NOT_FOUND');
    const alice2 = await bed.open();
    alice2.cancel(job); // same principal, another session: allowed
    await alice2.waitFor((f) => f.type === 'job.cancelled');
    expect((await alice.terminal(job)).payload.code).toBe('CANCELLED');
    bob.cancel('job_unknown');
    expect(bob.all((f) => f.type === 'session.error')).toHaveLength(1);
  });

  it('with on_cancel.linger_ms the agent runs on, then the one terminal is CANCELLED even if it finishes', async () => {
    bed = await TestBed.start();
    const c = await bed.open();
    const job = await c.start({
      steps: [{ op: 'wait_cancel', max_ms: 10_000 }, { op: 'emit', kind: 'log', count: 3 }, { op: 'finish', result: 'late' }],
      on_cancel: { linger_ms: 2000 },
    });
    c.cancel(job);
    const end = await c.terminal(job);
    expect(end.type).toBe('job.error');
    expect(end.payload.code).toBe('CANCELLED');
    const types = c.frames.filter((f) => f.job_id === job).map((f) => f.type);
    expect(types).toEqual(['job.accepted', 'job.cancelled', 'job.event', 'job.event', 'job.event', 'job.error']);
  });

  it('with a short linger the agent is cut off at linger_ms', async () => {
    bed = await TestBed.start();
    const c = await bed.open();
    const job = await c.start({ steps: [{ op: 'wait_cancel', max_ms: 10_000 }, { op: 'sleep', ms: 5000 }, { op: 'emit', kind: 'log' }], on_cancel: { linger_ms: 50 } });
    c.cancel(job);
    expect((await c.terminal(job)).payload.code).toBe('CANCELLED');
    await sleep(100);
    expect(c.sequenced(job)).toHaveLength(1);
  });
});

describe('result chunks', () => {
  it('streams chunks in order and ends with job.result carrying result_id and result_size', async () => {
    bed = await TestBed.start();
    const c = await bed.open();
    const job = await c.start({ steps: [{ op: 'chunks', parts: { count: 4, size: 5 }, encoding: 'base64' }, { op: 'finish', summary: 's' }] });
    const end = await c.terminal(job);
    const chunks = c.sequenced(job).filter((f) => f.payload.kind === 'result_chunk').map((f) => f.payload.body);
    expect(chunks.map((b) => [b.chunk_seq, b.more, b.encoding])).toEqual([[0, true, 'base64'], [1, true, 'base64'], [2, true, 'base64'], [3, false, 'base64']]);
    expect(new Set(chunks.map((b) => b.result_id)).size).toBe(1);
    const bytes = Buffer.concat(chunks.map((b) => Buffer.from(b.data, 'base64')));
    expect([...bytes]).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3]);
    expect(end.payload).toEqual({ final_status: 'success', result_id: chunks[0]?.result_id, result_size: 20, summary: 's' });
  });

  it('sends literal utf8 parts as given', async () => {
    bed = await TestBed.start();
    const c = await bed.open();
    const job = await c.start({ steps: [{ op: 'chunks', parts: ['héllo ', 'wörld'] }] });
    const end = await c.terminal(job);
    const text = c.sequenced(job).filter((f) => f.payload.kind === 'result_chunk').map((f) => f.payload.body.data).join('');
    expect(text).toBe('héllo wörld');
    expect(end.payload.result_size).toBe(Buffer.byteLength('héllo wörld'));
    expect(end.payload.result).toBeUndefined();
  });
});
