// Every legal variant changes the wire the way it says, and only with it on: each scenario
// returns what it observed, run once with the variant and once without.
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentScript } from '../spec/agent-script.ts';
import type { ReferenceOptions } from './options.ts';
import { TestBed } from './testing/bed.ts';
import type { TestClient } from './testing/client.ts';
import { VARIANT_NAMES, VARIANTS, type VariantName, isUlidOrUuidV7, variantProfile } from './variants.ts';

let bed: TestBed | undefined;
afterEach(async () => {
  await bed?.stop();
  bed = undefined;
});

const ULID = '01J0000000000000000000000A';
const finish: AgentScript = { steps: [{ op: 'emit', kind: 'log' }, { op: 'finish' }] };
const waitCancel: AgentScript = { steps: [{ op: 'emit', kind: 'log' }, { op: 'wait_cancel', max_ms: 10_000 }] };

/** The type of the next frame after `from` (pings aside), or 'closed' when the socket closes first. */
async function nextType(c: TestClient, from: number): Promise<string> {
  try {
    return (await c.waitFor((f) => f.type !== 'session.ping', { from })).type;
  } catch {
    if (c.isOpen) throw new Error('no frame and the socket is still open');
    return 'closed';
  }
}

/** Sends a ping after a request: its pong comes next when the request got no answer (frames are handled in order). */
function barrier(c: TestClient): void {
  c.send({ type: 'session.ping', payload: { nonce: 'barrier', sent_at: new Date().toISOString() } });
}

async function listPayload(c: TestClient): Promise<Record<string, unknown>> {
  const from = c.frames.length;
  c.send({ type: 'session.list_jobs', payload: {} });
  return (await c.waitFor((f) => f.type === 'session.jobs', { from })).payload;
}

/** What each variant changes, as one observable string; the two runs must differ. */
const SCENARIOS: Record<VariantName, (bed: TestBed) => Promise<unknown>> = {
  'ulid-ids': async (b) => {
    const c = await b.connect();
    const payload = { client: { name: 'ref-test', version: '0' }, auth: { scheme: 'bearer', token: 'tok-alice' }, capabilities: { encodings: ['json'], features: [] } };
    c.socket.send(JSON.stringify({ arcp: '1.1', id: 'not-a-ulid', type: 'session.hello', payload }));
    const reply = await c.waitFor((f) => f.type === 'session.welcome' || f.type === 'session.error');
    return reply.type === 'session.error' ? reply.payload.code : reply.type;
  },
  'job-error-rejections': async (b) => {
    const c = await b.open();
    const from = c.frames.length;
    c.send({ type: 'job.cancel', job_id: 'job_unknown', payload: { job_id: 'job_unknown' } });
    const reply = await c.waitFor((f) => f.type === 'session.error' || f.type === 'job.error', { from });
    return `${reply.type} ${String(reply.job_id)} ${String(reply.payload.code)}`;
  },
  'runtime-status-event': async (b) => {
    const c = await b.open();
    const job = await c.start(finish);
    await c.terminal(job);
    const first = c.sequenced(job)[0];
    return `${String(first?.payload.kind)} ${JSON.stringify((first?.payload.body as { marker?: unknown }).marker)}`;
  },
  'forget-finished-jobs': async (b) => {
    const c = await b.open();
    const job = await c.start(finish);
    await c.terminal(job);
    return ((await listPayload(c)).jobs as { job_id: string }[]).some((j) => j.job_id === job);
  },
  'proactive-lease-expiry': async (b) => {
    // The lease expires 200 ms in; the agent acts at 500 ms. Without the variant the watchdog
    // waits a grace, so the act comes first and fails; with it the job is over by then.
    const c = await b.open();
    const expires = new Date(Date.now() + 200).toISOString();
    const script: AgentScript = { steps: [{ op: 'sleep', ms: 500 }, { op: 'tool', tool: 'x' }, { op: 'finish' }] };
    const job = await c.start(script, { lease_request: { 'tool.call': ['x'] }, lease_constraints: { expires_at: expires } });
    await c.terminal(job);
    return c.sequenced(job).some((f) => f.payload.kind === 'tool_result');
  },
  'cancel-no-linger': async (b) => {
    const c = await b.open();
    const job = await c.start({ ...waitCancel, steps: [...waitCancel.steps, { op: 'emit', kind: 'log', count: 2 }], on_cancel: { linger_ms: 2000 } });
    await c.waitFor((f) => f.job_id === job && f.type === 'job.event');
    c.cancel(job);
    await c.terminal(job);
    return c.sequenced(job).filter((f) => f.type === 'job.event').length;
  },
  'silent-foreign-cancel': async (b) => {
    const owner = await b.open();
    const job = await owner.start(waitCancel);
    const other = await b.open({ token: 'tok-bob' });
    const from = other.frames.length;
    other.cancel(job);
    barrier(other);
    const answer = await nextType(other, from);
    owner.cancel(job);
    return answer;
  },
  'drop-pre-hello': async (b) => {
    const c = await b.connect();
    c.socket.send(JSON.stringify({ arcp: '1.1', id: ULID, type: 'session.ping', payload: { nonce: 'n', sent_at: new Date().toISOString() } }));
    await c.hello(); // the hello is handled after the early frame: its welcome comes first when that was dropped
    return c.frames[0]?.type;
  },
  'malformed-closes': async (b) => {
    const c = await b.open();
    const from = c.frames.length;
    c.sendRaw('{not json');
    return nextType(c, from);
  },
  'no-next-cursor': async (b) => 'next_cursor' in (await listPayload(await b.open())),
  'result-field-renamed': async (b) => {
    const c = await b.open();
    const job = await c.start(finish);
    return Object.keys((await c.terminal(job)).payload).sort().join(',');
  },
  'no-session-closed': async (b) => {
    const c = await b.open();
    const from = c.frames.length;
    c.send({ type: 'session.close', payload: { reason: 'test' } });
    return nextType(c, from);
  },
  'frame-limit-64k': async (b) => {
    const c = await b.open();
    const from = c.frames.length;
    c.send({ type: 'session.ping', payload: { nonce: 'x'.repeat(70_000), sent_at: new Date().toISOString() } });
    return nextType(c, from);
  },
  'open-subscribe': async (b) => {
    const owner = await b.open();
    const job = await owner.start(finish);
    await owner.terminal(job);
    const other = await b.open({ token: 'tok-bob' });
    return ((await listPayload(other)).jobs as { job_id: string }[]).some((j) => j.job_id === job);
  },
  'agent-without-optional-steps': async (b) => {
    const c = await b.open();
    const answers = [];
    for (const step of [{ op: 'rotate_credential' }, { op: 'parallel', branches: [[{ op: 'delegate', agent: 'conformance', input: finish, lease_request: {} }]] }]) {
      const reply = await c.submit({ steps: [step] });
      answers.push(reply.type === 'job.accepted' ? 'accepted' : `${String(reply.payload.code)}: ${String(reply.payload.message)}`);
    }
    return answers;
  },
};

describe('legal variants', () => {
  it('each has a scenario, a one-line description and the sentence that allows it', () => {
    expect(Object.keys(SCENARIOS).sort()).toEqual([...VARIANT_NAMES].sort());
    for (const v of VARIANTS) {
      expect(v.description).not.toContain('\n');
      expect(v.allowedBy).toMatch(/§|RFC/);
    }
  });

  for (const name of VARIANT_NAMES) {
    it(`${name} changes what its scenario observes`, async () => {
      // The same embedded policy both times, so only the variant differs.
      const base: ReferenceOptions = { subscribePolicy: 'any', leaseGraceMs: 1000 };
      bed = await TestBed.start(base);
      const without = await SCENARIOS[name](bed);
      await bed.stop();
      bed = await TestBed.start({ ...base, variants: [name] });
      const withVariant = await SCENARIOS[name](bed);
      expect(withVariant).not.toEqual(without);
    }, 20_000);
  }

  it('accepts ULIDs and UUIDv7 only', () => {
    expect(isUlidOrUuidV7(ULID)).toBe(true);
    expect(isUlidOrUuidV7('0190b6f0-7c5a-7cc2-9a3e-4f2b8c1d2e3f')).toBe(true);
    expect(isUlidOrUuidV7('0190b6f0-7c5a-4cc2-9a3e-4f2b8c1d2e3f')).toBe(false);
    expect(isUlidOrUuidV7('m-1')).toBe(false);
    expect(isUlidOrUuidV7(undefined)).toBe(false);
  });

  it('open-subscribe declares the policies a kit run needs', () => {
    expect(variantProfile(['open-subscribe'])).toEqual({ subscribePolicy: 'any', listPolicy: 'any' });
    expect(variantProfile(['no-next-cursor'])).toEqual({});
  });
});
