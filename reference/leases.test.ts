// Leases on the wire (v1.1 §9): permission, model, budget, expiry (tool path and
// watchdog), provisioned credentials.
import { afterEach, describe, expect, it } from 'vitest';
import { TestBed } from './testing/bed.ts';
import { inMs, seqProblem, type Frame } from './testing/client.ts';

let bed: TestBed;
afterEach(async () => bed?.stop());

function toolResults(frames: readonly Frame[]): Array<Record<string, any>> {
  return frames.filter((f) => f.type === 'job.event' && f.payload.kind === 'tool_result').map((f) => f.payload.body);
}

describe('capabilities', () => {
  it('allows covered operations and denies the rest with PERMISSION_DENIED; the agent carries on', async () => {
    bed = await TestBed.start();
    const c = await bed.open();
    const job = await c.start(
      {
        steps: [
          { op: 'tool', tool: 'read', capability: 'fs.read', target: '/w/src/a.ts' },
          { op: 'tool', tool: 'read', capability: 'fs.read', target: '/w/src/../../etc/passwd' },
          { op: 'tool', tool: 'write', capability: 'fs.write', target: '/w/src/a.ts' },
          { op: 'tool', tool: 'search' },
          { op: 'tool', tool: 'llm', model: 'tier-fast/small' },
          { op: 'tool', tool: 'llm', model: 'tier-best/huge' },
          { op: 'emit', kind: 'log' },
        ],
      },
      { lease_request: { 'fs.read': ['/w/**'], 'tool.call': ['search', 'llm'], 'model.use': ['tier-fast/*'] } },
    );
    const end = await c.terminal(job);
    expect(end.type).toBe('job.result');
    const results = toolResults(c.frames);
    expect(results.map((r) => r.error?.code ?? 'ok')).toEqual(['ok', 'PERMISSION_DENIED', 'PERMISSION_DENIED', 'ok', 'ok', 'PERMISSION_DENIED']);
    expect(results.every((r) => r.error === undefined || r.error.retryable === false)).toBe(true);
    const calls = c.frames.filter((f) => f.payload.kind === 'tool_call').map((f) => f.payload.body.call_id);
    expect(results.map((r) => r.call_id)).toEqual(calls);
  });

  it('denies any model when the lease has no model.use', async () => {
    bed = await TestBed.start();
    const c = await bed.open();
    const job = await c.start({ steps: [{ op: 'tool', tool: 'llm', model: 'm' }] }, { lease_request: { 'tool.call': ['llm'] } });
    await c.terminal(job);
    expect(toolResults(c.frames)[0]?.error.code).toBe('PERMISSION_DENIED');
  });
});

describe('budget', () => {
  it('decrements per cost metric, reports what is left, and refuses operations once exhausted', async () => {
    bed = await TestBed.start();
    const c = await bed.open();
    const job = await c.start(
      {
        steps: [
          { op: 'tool', tool: 'search' },
          { op: 'cost', amount: 0.4, currency: 'USD' },
          { op: 'cost', amount: -5, currency: 'USD' }, // rejected: no decrement
          { op: 'cost', amount: 3, currency: 'EUR' }, // not budgeted
          { op: 'cost', amount: 0.6, currency: 'USD', name: 'search' },
          { op: 'tool', tool: 'search' },
          { op: 'emit', kind: 'log' },
        ],
      },
      { lease_request: { 'tool.call': ['search'], 'cost.budget': ['USD:1.00'] } },
    );
    const end = await c.terminal(job);
    expect(end.type).toBe('job.result');
    const metrics = c.frames.filter((f) => f.payload.kind === 'metric').map((f) => [f.payload.body.name, f.payload.body.value, f.payload.body.unit]);
    expect(metrics).toEqual([
      ['cost.inference', 0.4, 'USD'],
      ['cost.budget.remaining', 0.6, 'USD'],
      ['cost.inference', -5, 'USD'],
      ['cost.inference', 3, 'EUR'],
      ['cost.search', 0.6, 'USD'],
      ['cost.budget.remaining', 0, 'USD'],
    ]);
    expect(toolResults(c.frames).map((r) => r.error?.code ?? 'ok')).toEqual(['ok', 'BUDGET_EXHAUSTED']);
    expect(toolResults(c.frames)[1]?.error.retryable).toBe(false);
  });
});

describe('expiry', () => {
  it('fails the first operation after expires_at with LEASE_EXPIRED, then ends the job', async () => {
    bed = await TestBed.start({ leaseGraceMs: 5000 });
    const c = await bed.open();
    const job = await c.start(
      { steps: [{ op: 'tool', tool: 'search' }, { op: 'sleep', ms: 2300 }, { op: 'tool', tool: 'search' }, { op: 'emit', kind: 'log' }] },
      { lease_request: { 'tool.call': ['search'] }, lease_constraints: { expires_at: inMs(2000) } },
    );
    const end = await c.terminal(job);
    expect(toolResults(c.frames).map((r) => r.error?.code ?? 'ok')).toEqual(['ok', 'LEASE_EXPIRED']);
    expect(end.payload).toEqual({ code: 'LEASE_EXPIRED', message: expect.any(String), retryable: false, final_status: 'error' });
    expect(c.sequenced(job).at(-2)?.payload.kind).toBe('tool_result');
    expect(seqProblem(c.frames)).toBeUndefined();
  });

  it('lets the watchdog end a job whose lease expired without any operation', async () => {
    bed = await TestBed.start({ leaseGraceMs: 0 });
    const c = await bed.open();
    const job = await c.start({ steps: [{ op: 'sleep', ms: 10_000 }] }, { lease_constraints: { expires_at: inMs(1000) } });
    const end = await c.terminal(job);
    expect(end.payload.code).toBe('LEASE_EXPIRED');
    expect(c.sequenced(job).map((f) => f.payload.kind ?? f.type)).toEqual(['status', 'job.error']);
    expect(c.sequenced(job)[0]?.payload.body.phase).toBe('lease_expired');
  });
});

describe('provisioned credentials', () => {
  it('issues one unique credential per job when the lease has cost.budget or model.use', async () => {
    bed = await TestBed.start();
    const c = await bed.open();
    const lease = { 'cost.budget': ['USD:2'], 'model.use': ['tier-fast/*'] };
    const a = await c.submit({ steps: [] }, { lease_request: lease });
    const b = await c.submit({ steps: [] }, { lease_request: lease });
    const [ca, cb] = [a.payload.credentials?.[0], b.payload.credentials?.[0]];
    expect(ca).toMatchObject({ scheme: 'bearer', endpoint: 'https://gateway.invalid/v1', constraints: lease });
    expect(ca.value).not.toBe(cb.value);
    expect(ca.id).not.toBe(cb.id);
    expect((await c.submit({ steps: [] }, { lease_request: { 'tool.call': ['x'] } })).payload.credentials).toBeUndefined();
    const noFeature = await bed.open({ features: ['cost.budget'] });
    expect((await noFeature.submit({ steps: [] }, { lease_request: { 'cost.budget': ['USD:1'] } })).payload.credentials).toBeUndefined();
  });
});
