// Delegation and credential rotation on the wire (v1.0 §10, v1.1 §9.4, §9.8.2): the optional
// delegate and rotate_credential steps of the conformance agent.
import { afterEach, describe, expect, it } from 'vitest';
import type { Step } from '../spec/agent-script.ts';
import { TestBed } from './testing/bed.ts';
import { inMs, type Frame, type TestClient } from './testing/client.ts';

let bed: TestBed;
afterEach(async () => bed?.stop());

const PARENT = { 'agent.delegate': ['conformance'], 'tool.call': ['search'], 'fs.read': ['/w/**'], 'cost.budget': ['USD:5'], 'model.use': ['tier-fast/*'] };

function delegateStep(lease_request: Record<string, string[]>, extra: Partial<Extract<Step, { op: 'delegate' }>> = {}): Step {
  return { op: 'delegate', agent: 'conformance', input: { steps: [{ op: 'emit', kind: 'log' }, { op: 'finish', result: 'child' }] }, lease_request, ...extra };
}

function events(c: TestClient, job: string, kind: string): Array<Record<string, any>> {
  return c.sequenced(job).filter((f) => f.type === 'job.event' && f.payload.kind === kind).map((f) => f.payload.body);
}

function children(c: TestClient, parent: string): Frame[] {
  return c.all((f) => f.type === 'job.accepted' && f.payload.parent_job_id === parent);
}

describe('delegation', () => {
  it('starts a child within the parent lease: job.accepted names parent and delegate_id, the trace is inherited, the child runs', async () => {
    bed = await TestBed.start();
    const c = await bed.open();
    const expires = inMs(600_000);
    const parent = await c.start({ steps: [{ op: 'cost', amount: 3, currency: 'USD' }, delegateStep({ 'tool.call': ['search'], 'fs.read': ['/w/src/**'], 'model.use': ['tier-fast/small'] })] }, {
      lease_request: PARENT,
      lease_constraints: { expires_at: expires },
    });
    await c.terminal(parent);
    const [delegated] = events(c, parent, 'delegate');
    expect(delegated).toMatchObject({ delegate_id: expect.any(String), agent: 'conformance', lease_request: { 'tool.call': ['search'] }, marker: { branch: '0', i: 1 } });
    const [child] = children(c, parent);
    expect(child?.payload).toMatchObject({ delegate_id: delegated?.delegate_id, agent: 'conformance@2.0.0', lease_constraints: { expires_at: expires } });
    // Without a budget of its own, the child gets what the parent has left.
    expect(child?.payload.lease['cost.budget']).toEqual(['USD:2']);
    const parentAccepted = c.all((f) => f.type === 'job.accepted' && f.payload.job_id === parent)[0];
    expect(child?.trace_id).toBe(parentAccepted?.trace_id);
    const end = await c.terminal(child?.payload.job_id as string);
    expect(end.payload).toMatchObject({ final_status: 'success', result: 'child' });
    expect(events(c, parent, 'tool_result')).toEqual([]);
  });

  it.each([
    ['a capability the parent does not name', { 'fs.write': ['/w/**'] }, {}],
    ['a wider pattern', { 'fs.read': ['/**'] }, {}],
    ['more budget than is left', { 'cost.budget': ['USD:2.5'] }, {}],
    ['an uncovered model', { 'model.use': ['tier-slow/*'] }, {}],
    ['a later expires_at', { 'tool.call': ['search'] }, { lease_constraints: { expires_at: inMs(3_600_000) } }],
  ])('refuses %s with an unmarked tool_result LEASE_SUBSET_VIOLATION whose call_id is the delegate_id; the agent goes on', async (_what, childLease, extra) => {
    bed = await TestBed.start();
    const c = await bed.open();
    const parent = await c.start({ steps: [{ op: 'cost', amount: 3, currency: 'USD' }, delegateStep(childLease, extra), { op: 'emit', kind: 'log' }] }, {
      lease_request: PARENT,
      lease_constraints: { expires_at: inMs(600_000) },
    });
    const end = await c.terminal(parent);
    const [delegated] = events(c, parent, 'delegate');
    const [refusal] = events(c, parent, 'tool_result');
    expect(refusal).toEqual({ call_id: delegated?.delegate_id, error: { code: 'LEASE_SUBSET_VIOLATION', message: expect.any(String), retryable: false } });
    expect(children(c, parent)).toEqual([]);
    expect(events(c, parent, 'log')).toHaveLength(1);
    expect(end.type).toBe('job.result');
  });

  it('refuses an agent the parent lease does not let it delegate to with PERMISSION_DENIED', async () => {
    bed = await TestBed.start();
    const c = await bed.open();
    const parent = await c.start({ steps: [delegateStep({ 'tool.call': ['search'] })] }, { lease_request: { 'tool.call': ['search'] } });
    await c.terminal(parent);
    expect(events(c, parent, 'tool_result').map((r) => r.error?.code)).toEqual(['PERMISSION_DENIED']);
    expect(children(c, parent)).toEqual([]);
  });
});

describe('credential rotation', () => {
  const modelLease = { 'tool.call': ['llm'], 'model.use': ['tier-fast/*'] };

  it('announces each rotation to the submitter with the id and a new value, and views show the new value', async () => {
    bed = await TestBed.start();
    const c = await bed.open();
    const accepted = await c.submit({ steps: [{ op: 'rotate_credential' }, { op: 'rotate_credential' }, { op: 'wait_cancel', max_ms: 5000 }] }, { lease_request: modelLease });
    const job = accepted.payload.job_id as string;
    const [issued] = accepted.payload.credentials as Array<{ id: string; value: string }>;
    await c.waitFor((f) => f.job_id === job && f.event_seq === 2);
    const rotations = events(c, job, 'status');
    expect(rotations.map((r) => [r.phase, r.id, r.marker])).toEqual([
      ['credential_rotated', issued?.id, undefined],
      ['credential_rotated', issued?.id, undefined],
    ]);
    const values = [issued?.value, ...rotations.map((r) => r.value)];
    expect(new Set(values).size).toBe(3);
    const from = c.frames.length;
    c.send({ type: 'session.list_jobs', payload: {} });
    const rows = (await c.waitFor((f) => f.type === 'session.jobs', { from })).payload.jobs as Array<{ job_id: string; credentials?: Array<{ value: string }> }>;
    expect(rows.find((r) => r.job_id === job)?.credentials?.[0]?.value).toBe(values[2]);
    c.cancel(job);
    await c.terminal(job);
  });

  it('never sends a rotated value to another principal\'s subscriber, live or in its history', async () => {
    bed = await TestBed.start({ variants: ['open-subscribe'] });
    const alice = await bed.open();
    // The first rotation is history when bob subscribes; the second most likely comes live (either way, none may reach him).
    const script = { steps: [{ op: 'rotate_credential' }, { op: 'emit', kind: 'log' }, { op: 'sleep', ms: 300 }, { op: 'rotate_credential' }, { op: 'emit', kind: 'log' }] } as const;
    const job = await alice.start({ steps: [...script.steps] }, { lease_request: modelLease });
    await alice.waitFor((f) => f.job_id === job && f.payload.kind === 'log');
    const bob = await bed.open({ token: 'tok-bob' });
    bob.send({ type: 'job.subscribe', payload: { job_id: job, history: true, from_event_seq: 0 } });
    await bob.waitFor((f) => f.type === 'job.subscribed');
    await alice.terminal(job);
    await bob.terminal(job);
    expect(events(alice, job, 'status')).toHaveLength(2);
    expect(events(bob, job, 'log')).toHaveLength(2);
    expect(events(bob, job, 'status')).toEqual([]);
  });
});
