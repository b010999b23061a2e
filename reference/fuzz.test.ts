// Hostile input: thousands of generated and mutated frames at one server. It must answer
// (or close cleanly), never crash, keep every outbound frame valid, and still run a normal
// job afterwards.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../spec/index.ts';
import { validateFrame } from '../spec/validate.ts';
import { TestBed } from './testing/bed.ts';
import { TestClient, inMs, seqProblem } from './testing/client.ts';

const FRAMES = 10_000;
const CONNECTIONS = 4;
const SEED = 20_261_122;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const SID = '$SID'; // replaced by the connection's session id when sent

function templates(): Array<{ [key: string]: Json }> {
  const env = (type: string, payload: Json, extra: { [key: string]: Json } = {}) => ({ arcp: '1.1', id: 'f', type, session_id: SID, ...extra, payload });
  return [
    env('session.ping', { nonce: 'n', sent_at: new Date().toISOString() }),
    env('session.pong', { ping_nonce: 'n' }),
    env('session.ack', { last_processed_seq: 0 }),
    env('session.list_jobs', { filter: { status: ['running'], agent: 'conformance', created_after: '2020-01-01T00:00:00Z' }, limit: 5, cursor: null }),
    env('job.submit', {
      agent: 'conformance@2.0.0',
      input: {
        steps: [
          { op: 'emit', kind: 'log', count: 2, body: { message: 'm' } },
          { op: 'parallel', branches: [[{ op: 'sleep', ms: 5 }], [{ op: 'tool', tool: 't', model: 'm' }, { op: 'cost', amount: 0.5, currency: 'USD' }]] },
          { op: 'chunks', parts: ['a', 'b'] },
          { op: 'wait_cancel', max_ms: 20 },
        ],
        on_cancel: { linger_ms: 1 },
      },
      lease_request: { 'tool.call': ['t'], 'cost.budget': ['USD:1'], 'model.use': ['*'] },
      lease_constraints: { expires_at: inMs(60_000) },
      idempotency_key: 'k',
      max_runtime_sec: 5,
    }),
    env('job.cancel', { job_id: 'job_x', reason: 'r' }, { job_id: 'job_x' }),
    env('job.subscribe', { job_id: 'job_x', from_event_seq: 0, history: true }),
    env('job.unsubscribe', { job_id: 'job_x' }),
    env('session.hello', { client: { name: 'c', version: '1' }, auth: { scheme: 'bearer', token: 'tok-alice' }, capabilities: { features: ['ack'] } }),
    env('session.resume', { session_id: SID, resume_token: 'rt_x', last_event_seq: 0 }),
    env('session.close', { reason: 'fuzz' }),
  ];
}

const weird: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(null, true, false, 0, -1, 1.5, 2 ** 53, 1e308, '', 'x', [], {}, '1.1', 'job.submit', '\u0000', '\ud800'),
  fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>,
);

function paths(value: Json, prefix: string[] = [], out: string[][] = []): string[][] {
  if (value !== null && typeof value === 'object') {
    for (const key of Object.keys(value)) {
      const path = [...prefix, key];
      out.push(path);
      paths((value as { [key: string]: Json })[key] as Json, path, out);
    }
  }
  return out;
}

type Mutation = { kind: 'delete' | 'set' | 'add'; pick: number; value: Json; key: string };

function mutate(frame: { [key: string]: Json }, mutations: readonly Mutation[]): Json {
  const copy = structuredClone(frame) as { [key: string]: Json };
  for (const m of mutations) {
    const all = paths(copy);
    const path = all[m.pick % Math.max(1, all.length)] ?? [];
    let parent: Json = copy;
    for (const key of path.slice(0, -1)) parent = (parent as { [key: string]: Json })[key] as Json;
    if (parent === null || typeof parent !== 'object') continue;
    const last = path.at(-1);
    const target = parent as { [key: string]: Json };
    if (m.kind === 'delete' && last !== undefined) delete target[last];
    else if (m.kind === 'set' && last !== undefined) target[last] = m.value;
    else target[m.key] = m.value;
  }
  return copy;
}

type Fuzz = { text: string } | { binary: Uint8Array };

function fuzzFrames(): Fuzz[] {
  const base = templates();
  const mutation: fc.Arbitrary<Mutation> = fc.record({
    kind: fc.constantFrom('delete', 'set', 'add'),
    pick: fc.nat(),
    value: weird,
    key: fc.oneof(fc.constantFrom('type', 'arcp', 'payload', 'session_id', 'steps', 'x'), fc.string({ maxLength: 8 })),
  });
  const mutated = fc
    .tuple(fc.nat({ max: base.length - 1 }), fc.array(mutation, { minLength: 0, maxLength: 3 }))
    .map(([i, ms]): Fuzz => ({ text: JSON.stringify(mutate(base[i] as { [key: string]: Json }, ms)) }));
  const random = fc.oneof(
    fc.string({ maxLength: 64 }).map((text): Fuzz => ({ text })),
    (fc.jsonValue({ maxDepth: 4 }) as fc.Arbitrary<Json>).map((v): Fuzz => ({ text: JSON.stringify(v) ?? 'null' })),
    fc.uint8Array({ maxLength: 32 }).map((binary): Fuzz => ({ binary })),
    fc.nat({ max: 300 }).map((depth): Fuzz => ({ text: '['.repeat(depth) + ']'.repeat(depth) })),
  );
  return fc.sample(fc.oneof({ weight: 4, arbitrary: mutated }, { weight: 1, arbitrary: random }), { numRuns: FRAMES, seed: SEED });
}

describe('fuzzed frames', () => {
  let bed: TestBed;
  beforeAll(async () => {
    bed = await TestBed.start({ maxFrameBytes: 64 * 1024 });
  });
  afterAll(async () => bed?.stop());

  it(`survives ${FRAMES} generated and mutated frames and still runs a job`, { timeout: 120_000 }, async () => {
    const frames = fuzzFrames();
    expect(frames).toHaveLength(FRAMES);
    const seen: TestClient[] = [];
    const clients: TestClient[] = [];
    const fresh = async (): Promise<TestClient> => {
      const c = await bed.open();
      seen.push(c);
      return c;
    };
    for (let k = 0; k < CONNECTIONS; k++) clients.push(await fresh());

    for (let n = 0; n < frames.length; n++) {
      const slot = n % CONNECTIONS;
      let c = clients[slot] as TestClient;
      if (!c.isOpen) {
        c = await fresh();
        clients[slot] = c;
      }
      const f = frames[n] as Fuzz;
      if ('binary' in f) c.sendRaw(Buffer.from(f.binary), true);
      else c.sendRaw(f.text.split(SID).join(c.sessionId as string));
      // A close ends the connection: frames after it would only be ignored, so reopen.
      if ('text' in f && /"session\.(close|bye)"/.test(f.text)) await roundTrip(c);
      // Let the server drain now and then, so the test measures robustness, not buffering.
      if (n % 100 === 99) await Promise.all(clients.filter((x) => x.isOpen).map((x) => roundTrip(x)));
    }
    await Promise.all(clients.filter((x) => x.isOpen).map((x) => roundTrip(x)));

    // Every frame the server sent is schema-valid, and every error uses a canonical code.
    for (const c of seen) {
      expect(c.junk).toEqual([]);
      for (const frame of c.frames) {
        const verdict = validateFrame(frame);
        expect(verdict.valid ? 'valid' : `${frame.type}: ${verdict.errors.join('; ')}`).toBe('valid');
        if (frame.type === 'session.error') expect(ERROR_CODES).toContain(frame.payload.code);
      }
      expect(seqProblem(c.frames)).toBeUndefined();
    }
    expect(seen.some((c) => c.frames.some((f) => f.type === 'session.error'))).toBe(true);

    const c = await fresh();
    const job = await c.start({ steps: [{ op: 'emit', kind: 'log', count: 10 }, { op: 'finish', result: 'still alive' }] });
    expect((await c.terminal(job)).payload.result).toBe('still alive');
    expect(bed.server.stats().sessions).toBeGreaterThan(0);
  });
});

async function roundTrip(c: TestClient): Promise<void> {
  const from = c.frames.length;
  c.send({ type: 'session.ping', payload: { nonce: 'sync' } });
  await c.waitFor((f) => f.type === 'session.pong' && f.payload.ping_nonce === 'sync', { from, timeoutMs: 10_000 }).catch(() => {
    if (c.isOpen) throw new Error('server stopped answering a live connection');
  });
}
