// Every defect changes the wire (or, for the leak, stats()) in the way it claims, under its
// scenario; the clean runtime passes the same scenario. Scenarios return the violation they
// observe, or undefined.
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentScript, Step } from '../spec/agent-script.ts';
import { FEATURES } from '../spec/index.ts';
import { DEFECT_NAMES, type DefectName } from './defects.ts';
import type { ReferenceOptions } from './options.ts';
import { TestBed } from './testing/bed.ts';
import { inMs, isTerminal, seqProblem, sleep, type TestClient } from './testing/client.ts';

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

/** A resume hello for `c`'s session on a new connection, authenticated with `token`; the answer's type. */
async function resumeWith(bed: TestBed, c: TestClient, token: string): Promise<string> {
  const next = await bed.connect();
  const reply = await next.hello({ token, resume: { session_id: c.sessionId as string, resume_token: c.resumeToken as string, last_event_seq: 0 } });
  return reply.type;
}

/** The tool_result error codes of a job, in order ('ok' for a success). */
function toolResults(c: TestClient, job: string): string[] {
  return c
    .sequenced(job)
    .filter((f) => f.type === 'job.event' && f.payload.kind === 'tool_result')
    .map((f) => ((f.payload.body as { error?: { code: string } }).error?.code ?? 'ok'));
}

/** The job's status in a job.subscribed for a fresh session of the same principal. */
async function subscribedStatus(bed: TestBed, job: string): Promise<unknown> {
  const w = await bed.open();
  w.send({ type: 'job.subscribe', payload: { job_id: job } });
  return (await w.waitFor((f) => f.type === 'job.subscribed' || f.type === 'session.error')).payload.current_status;
}

/** The job.events of a job, as [kind, body]. */
function eventsOf(c: TestClient, job: string): Array<[string, Record<string, any>]> {
  return c.sequenced(job).filter((f) => f.type === 'job.event').map((f) => [f.payload.kind as string, f.payload.body as Record<string, any>]);
}

/** The result_chunk bodies a job streamed to `c`. */
function chunksOf(c: TestClient, job: string): Array<Record<string, any>> {
  return eventsOf(c, job).filter(([kind]) => kind === 'result_chunk').map(([, body]) => body);
}

/** Runs a chunked result to its end: the chunk bodies and the job.result payload. */
async function streamed(bed: TestBed, steps: Step[]): Promise<{ chunks: Array<Record<string, any>>; result: Record<string, any> }> {
  const c = await bed.open();
  const job = await c.start({ steps });
  const end = await c.terminal(job);
  return { chunks: chunksOf(c, job), result: end.payload };
}

/** Job frames of a session, after a control message in the middle of the job's events, form one +1 chain. */
async function aroundControl(bed: TestBed, interject: (c: TestClient) => void): Promise<string | undefined> {
  const c = await bed.open();
  const job = await c.start({ steps: [{ op: 'emit', kind: 'log', count: 3 }, { op: 'sleep', ms: 100 }, { op: 'emit', kind: 'log', count: 3 }] });
  await c.waitFor((f) => f.job_id === job && f.event_seq === 3);
  interject(c);
  await c.terminal(job);
  return seqProblem(c.frames);
}

/** A second session of the same principal without `feature` subscribes with history to a job that emitted `gated`. */
async function historyWithout(bed: TestBed, feature: string, gated: Step, kind: string): Promise<string | undefined> {
  const owner = await bed.open();
  const job = await owner.start({ steps: [gated, { op: 'emit', kind: 'log' }, { op: 'sleep', ms: 200 }] });
  await owner.waitFor((f) => f.job_id === job && f.payload.kind === 'log');
  const watcher = await bed.open({ features: FEATURES.filter((f) => f !== feature) });
  watcher.send({ type: 'job.subscribe', payload: { job_id: job, history: true, from_event_seq: 0 } });
  await watcher.terminal(job);
  const leaked = eventsOf(watcher, job).filter(([k]) => k === kind).length;
  return leaked === 0 ? undefined : `${leaked} ${kind} events replayed to a session without ${feature}`;
}

const modelLease = { 'tool.call': ['llm'], 'model.use': ['tier-fast/*'] };

/**
 * Runs a job whose script ends with one delegation and says what became of it: the refusal's
 * error code (a tool_result on the parent), or 'accepted' (a child job.accepted naming it).
 */
async function delegation(bed: TestBed, lease: Record<string, string[]>, before: Step[], childLease: Record<string, string[]>): Promise<string> {
  const c = await bed.open();
  const job = await c.start({ steps: [...before, { op: 'delegate', agent: 'conformance', input: { steps: [{ op: 'finish' }] }, lease_request: childLease }] }, { lease_request: lease });
  await c.terminal(job);
  const refusal = eventsOf(c, job).find(([kind]) => kind === 'tool_result')?.[1].error?.code;
  const child = c.all((f) => f.type === 'job.accepted' && f.payload.parent_job_id === job)[0];
  return child === undefined ? String(refusal) : 'accepted';
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
  'resume-skips-auth': {
    async run(bed) {
      const c = await bed.open();
      await c.drop();
      return (await resumeWith(bed, c, 'tok-wrong')) === 'session.welcome' ? 'resumed with an invalid bearer token' : undefined;
    },
  },
  'resume-any-principal': {
    async run(bed) {
      const c = await bed.open();
      await c.drop();
      return (await resumeWith(bed, c, 'tok-bob')) === 'session.welcome' ? "bob resumed alice's session" : undefined;
    },
  },
  'cancel-reveals-existence': {
    async run(bed) {
      const alice = await bed.open();
      const job = await alice.start(waitCancel);
      const bob = await bed.open({ token: 'tok-bob' });
      const codes: unknown[] = [];
      for (const id of [job, 'job_does_not_exist']) {
        const from = bob.frames.length;
        bob.cancel(id);
        codes.push((await bob.waitFor((f) => f.type === 'session.error' || f.type === 'job.error', { from })).payload.code);
      }
      return codes[0] === codes[1] ? undefined : `foreign job ${String(codes[0])}, unknown job ${String(codes[1])}`;
    },
  },
  'list-filter-leak': {
    async run(bed) {
      const alice = await bed.open();
      await alice.start(waitCancel);
      const bob = await bed.open({ token: 'tok-bob' });
      bob.send({ type: 'session.list_jobs', payload: { filter: { status: ['running', 'pending'] } } });
      const jobs = (await bob.waitFor((f) => f.type === 'session.jobs')).payload.jobs as unknown[];
      return jobs.length === 0 ? undefined : `bob's filtered listing shows ${jobs.length} of alice's jobs`;
    },
  },
  'fs-star-crosses-slash': {
    async run(bed) {
      const c = await bed.open();
      const job = await c.start({ steps: [{ op: 'tool', tool: 'read', capability: 'fs.read', target: '/workspace/a/b.txt' }, { op: 'finish' }] }, {
        lease_request: { 'fs.read': ['/workspace/*'] },
      });
      await c.terminal(job);
      return toolResults(c, job)[0] === 'PERMISSION_DENIED' ? undefined : 'fs.read /workspace/a/b.txt allowed by /workspace/*';
    },
  },
  'budget-zero-allows': {
    async run(bed) {
      const c = await bed.open();
      const job = await c.start({ steps: [{ op: 'cost', amount: 1, currency: 'USD' }, { op: 'tool', tool: 'search' }, { op: 'finish' }] }, {
        lease_request: { 'tool.call': ['search'], 'cost.budget': ['USD:1'] },
      });
      const end = await c.terminal(job);
      return end.payload.code === 'BUDGET_EXHAUSTED' || toolResults(c, job)[0] === 'BUDGET_EXHAUSTED' ? undefined : 'an operation allowed at USD 0';
    },
  },
  'expiry-cached-grant': {
    options: { leaseGraceMs: 5000 },
    async run(bed) {
      const c = await bed.open();
      const search = { op: 'tool' as const, tool: 'search' };
      const job = await c.start({ steps: [search, { op: 'sleep', ms: 500 }, search, { op: 'finish' }] }, {
        lease_request: { 'tool.call': ['search'] },
        lease_constraints: { expires_at: inMs(300) },
      });
      await c.terminal(job);
      return toolResults(c, job)[1] === 'LEASE_EXPIRED' ? undefined : `after expiry: ${String(toolResults(c, job)[1])}`;
    },
  },
  'watchdog-retryable': {
    options: { leaseGraceMs: 0 },
    async run(bed) {
      const c = await bed.open();
      const job = await c.start({ steps: [{ op: 'sleep', ms: 3000 }, { op: 'finish' }] }, { lease_constraints: { expires_at: inMs(200) } });
      const end = await c.terminal(job);
      return end.payload.code === 'LEASE_EXPIRED' && end.payload.retryable === false ? undefined : `watchdog terminal ${JSON.stringify(end.payload)}`;
    },
  },
  'cancel-ack-needs-event': {
    async run(bed) {
      const c = await bed.open();
      const job = await c.start({ steps: [{ op: 'wait_cancel', max_ms: 10_000 }, { op: 'finish' }] });
      c.cancel(job);
      await c.terminal(job);
      return c.all((f) => f.type === 'job.cancelled' && f.job_id === job).length === 1 ? undefined : 'no job.cancelled for a job cancelled before its first event';
    },
  },
  'linger-finish-wins': {
    async run(bed) {
      const c = await bed.open();
      const job = await c.start({ steps: [{ op: 'emit', kind: 'log' }, { op: 'wait_cancel', max_ms: 10_000 }, { op: 'finish' }], on_cancel: { linger_ms: 300 } });
      await c.waitFor((f) => f.job_id === job && f.type === 'job.event');
      c.cancel(job);
      const end = await c.terminal(job);
      return end.payload.code === 'CANCELLED' ? undefined : `lingering job ended ${end.type} ${String(end.payload.final_status)}`;
    },
  },
  'timeout-status-error': {
    async run(bed) {
      const c = await bed.open();
      const job = await c.start(waitCancel, { max_runtime_sec: 0.2 });
      await c.terminal(job);
      const listed = await listStatus(c, job);
      const subscribed = await subscribedStatus(bed, job);
      return listed === 'timed_out' && subscribed === 'timed_out' ? undefined : `listed ${listed}, subscribed ${String(subscribed)}`;
    },
  },
  'timeout-needs-submitter': {
    async run(bed) {
      const c = await bed.open();
      const job = await c.start(waitCancel, { max_runtime_sec: 0.3 });
      await c.drop();
      await sleep(700);
      const status = await subscribedStatus(bed, job);
      return status === 'timed_out' ? undefined : `status ${String(status)} after max_runtime_sec passed while its submitter was away`;
    },
  },
  'history-dup-after-live': {
    async run(bed) {
      const owner = await bed.open();
      const job = await owner.start({ steps: [{ op: 'emit', kind: 'log', count: 3 }, { op: 'wait_cancel', max_ms: 300 }, { op: 'emit', kind: 'log' }, { op: 'finish' }] });
      await owner.waitFor((f) => f.job_id === job && f.event_seq === 3);
      const live = await bed.open();
      live.send({ type: 'job.subscribe', payload: { job_id: job } });
      await live.waitFor((f) => f.type === 'job.subscribed');
      const late = await bed.open();
      late.send({ type: 'job.subscribe', payload: { job_id: job, history: true, from_event_seq: 0 } });
      await late.terminal(job);
      const n = late.sequenced(job).length;
      return n === 5 ? undefined : `${n} job frames for 5 positions`;
    },
  },
  'resume-once': {
    async run(bed) {
      const c = await bed.open();
      await c.drop();
      const first = await bed.resume(c, { lastSeq: 0 });
      await first.drop();
      const second = await bed.connect();
      const reply = await second.hello({ resume: { session_id: first.sessionId as string, resume_token: first.resumeToken as string, last_event_seq: 0 } });
      return reply.type === 'session.welcome' ? undefined : `second resume refused: ${String(reply.payload.code)}`;
    },
  },
  'pong-debounced': {
    async run(bed) {
      const c = await bed.open();
      for (const nonce of ['n1', 'n2']) {
        const from = c.frames.length;
        c.send({ type: 'session.ping', payload: { nonce, sent_at: new Date().toISOString() } });
        const pong = await c.waitFor((f) => f.type === 'session.pong', { from, timeoutMs: 500 }).catch(() => undefined);
        if (pong?.payload.ping_nonce !== nonce) return `no pong for ${nonce}`;
      }
      return undefined;
    },
  },
  'pong-no-session-id': {
    async run(bed) {
      const c = await bed.open();
      c.send({ type: 'session.ping', payload: { nonce: 'n1', sent_at: new Date().toISOString() } });
      const pong = await c.waitFor((f) => f.type === 'session.pong');
      return pong.session_id === c.sessionId ? undefined : `pong carries session_id ${String(pong.session_id)}`;
    },
  },
  'accepted-empty-lease-omitted': {
    async run(bed) {
      const c = await bed.open();
      const accepted = await c.submit({ steps: [{ op: 'finish' }] });
      return typeof accepted.payload.lease === 'object' ? undefined : 'job.accepted without lease';
    },
  },
  'default-lease-granted': {
    async run(bed) {
      const c = await bed.open();
      const accepted = await c.submit({ steps: [{ op: 'finish' }] });
      const granted = Object.keys(accepted.payload.lease as object);
      return granted.length === 0 ? undefined : `unrequested capabilities granted: ${granted.join(', ')}`;
    },
  },
  'lease-star-widened': {
    async run(bed) {
      const c = await bed.open();
      const job = await c.start({ steps: [{ op: 'tool', tool: 'fetch/a/b' }, { op: 'finish' }] }, { lease_request: { 'tool.call': ['fetch/*'] } });
      await c.terminal(job);
      const echoed = JSON.stringify(c.sequenced(job).find((f) => f.type === 'job.accepted')?.payload.lease);
      return toolResults(c, job)[0] === 'PERMISSION_DENIED' ? undefined : `tool.call fetch/a/b allowed by a requested fetch/*; job.accepted echoed ${echoed}`;
    },
  },
  'trace-id-span-length': {
    async run(bed) {
      const c = await bed.open();
      const accepted = await c.submit({ steps: [{ op: 'finish' }] });
      return /^[0-9a-f]{32}$/.test(String(accepted.payload.trace_id)) ? undefined : `generated trace_id ${String(accepted.payload.trace_id)}`;
    },
  },
  'idem-other-session': {
    async run(bed) {
      const a = await bed.open();
      const script: AgentScript = { steps: [{ op: 'emit', kind: 'log' }, { op: 'sleep', ms: 200 }, { op: 'emit', kind: 'log' }] };
      const first = await a.submit(script, { idempotency_key: 'k1' });
      const b = await bed.open();
      const again = await b.submit(script, { idempotency_key: 'k1' });
      if (again.payload.accepted_at !== first.payload.accepted_at) return 'a different job.accepted payload on another session';
      const end = await b.terminal(first.payload.job_id as string).catch(() => undefined);
      return end === undefined ? 'the resubmitting session never gets the terminal' : undefined;
    },
  },
  'idem-ignores-version': {
    async run(bed) {
      const c = await bed.open();
      const script: AgentScript = { steps: [{ op: 'finish' }] };
      await c.submit(script, { idempotency_key: 'k1', agent: 'conformance@2.0.0' });
      const again = await c.submit(script, { idempotency_key: 'k1', agent: 'conformance@1.0.0' });
      return again.payload.code === 'DUPLICATE_KEY' ? undefined : `key reused with another version: ${again.type}`;
    },
  },
  'idem-conflict-global': {
    async run(bed) {
      const alice = await bed.open();
      await alice.submit({ steps: [{ op: 'finish' }] }, { idempotency_key: 'k1' });
      const bob = await bed.open({ token: 'tok-bob' });
      const theirs = await bob.submit({ steps: [{ op: 'emit', kind: 'log' }, { op: 'finish' }] }, { idempotency_key: 'k1' });
      return theirs.type === 'job.accepted' ? undefined : `bob's own key answered ${String(theirs.payload.code)}`;
    },
  },
  'foreign-cancel-marks-job': {
    async run(bed) {
      const alice = await bed.open();
      const job = await alice.start({ steps: [{ op: 'emit', kind: 'log' }, { op: 'wait_cancel', max_ms: 300 }, { op: 'finish' }] });
      const bob = await bed.open({ token: 'tok-bob' });
      bob.cancel(job);
      await bob.waitFor((f) => f.type === 'session.error');
      const end = await alice.terminal(job);
      return end.type === 'job.result' ? undefined : `refused foreign cancel still ended the job ${String(end.payload.code)}`;
    },
  },
  'archived-agent-unversioned': {
    async run(bed) {
      const c = await bed.open();
      const job = await c.start({ steps: [{ op: 'finish' }] });
      await c.terminal(job);
      const from = c.frames.length;
      c.send({ type: 'session.list_jobs', payload: {} });
      const jobs = (await c.waitFor((f) => f.type === 'session.jobs', { from })).payload.jobs as Array<{ job_id: string; agent: string }>;
      const agent = jobs.find((j) => j.job_id === job)?.agent;
      return agent === 'conformance@2.0.0' ? undefined : `ended job listed with agent ${String(agent)}`;
    },
  },
  'pre-hello-queued': {
    async run(bed) {
      const c = await bed.connect();
      c.send({ type: 'job.submit', payload: { agent: 'conformance', input: { steps: [{ op: 'finish' }] } } });
      await c.hello();
      await sleep(100);
      return c.all((f) => f.type === 'job.accepted').length === 0 ? undefined : 'a job.submit sent before the hello created a job';
    },
  },
  'ping-before-welcome': {
    async run(bed) {
      const c = await bed.connect();
      await c.hello();
      return c.frames[0]?.type === 'session.welcome' ? undefined : `first frame ${String(c.frames[0]?.type)}`;
    },
  },
  'lingering-cancel-as-result': {
    async run(bed) {
      const c = await bed.open();
      const job = await c.start({ steps: [{ op: 'emit', kind: 'log' }, { op: 'wait_cancel', max_ms: 10_000 }, { op: 'sleep', ms: 5000 }], on_cancel: { linger_ms: 100 } });
      await c.waitFor((f) => f.job_id === job && f.type === 'job.event');
      c.cancel(job);
      const end = await c.terminal(job);
      return end.type === 'job.error' && end.payload.code === 'CANCELLED' ? undefined : `lingering job ended ${end.type} ${String(end.payload.final_status)}`;
    },
  },
  'refusal-without-id': {
    async run(bed) {
      const c = await bed.connect();
      const reply = await c.hello({ token: 'tok-wrong' });
      return typeof reply.id === 'string' && reply.id !== '' ? undefined : 'a refusal without an envelope id';
    },
  },
  'listing-envelope-v1': {
    async run(bed) {
      const c = await bed.open();
      c.send({ type: 'session.list_jobs', payload: {} });
      const jobs = await c.waitFor((f) => f.type === 'session.jobs');
      return jobs.arcp === '1.1' ? undefined : `session.jobs carries arcp ${String(jobs.arcp)}`;
    },
  },
  'cancel-envelope-strict': {
    async run(bed) {
      const c = await bed.open();
      const job = await c.start(waitCancel);
      c.send({ type: 'job.cancel', job_id: job, x_future: true, payload: { job_id: job } });
      const answer = await c.waitFor((f) => f.type === 'session.error' || f.type === 'job.cancelled');
      return answer.type === 'job.cancelled' ? undefined : `cancel with an unknown field refused: ${String(answer.payload.message)}`;
    },
  },
  'timeout-error-no-job-id': {
    async run(bed) {
      const c = await bed.open();
      const job = await c.start(waitCancel, { max_runtime_sec: 0.2 });
      const end = await c.waitFor((f) => f.type === 'job.error' && (f.job_id ?? f.payload.job_id) === job);
      return end.job_id === job ? undefined : 'the TIMEOUT job.error carries no envelope job_id';
    },
  },
  'linger-cancel-twice': {
    async run(bed) {
      const c = await bed.open();
      const job = await c.start({ steps: [{ op: 'emit', kind: 'log' }, { op: 'wait_cancel', max_ms: 10_000 }, { op: 'sleep', ms: 2000 }], on_cancel: { linger_ms: 200 } });
      await c.waitFor((f) => f.job_id === job && f.type === 'job.event');
      c.cancel(job);
      c.cancel(job);
      await c.terminal(job);
      await sleep(400);
      return terminalsOf(c, job) === 1 ? undefined : `${terminalsOf(c, job)} terminals after two cancels of a lingering job`;
    },
  },
  'resume-features-reset': {
    async run(bed) {
      const c = await bed.open({ features: ['list_jobs'] });
      await c.drop();
      const r = await bed.resume(c, { features: ['list_jobs'], lastSeq: 0 });
      r.send({ type: 'session.list_jobs', payload: {} });
      await r.waitFor((f) => f.type === 'session.jobs');
      r.send({ type: 'session.ack', payload: { last_processed_seq: 0 } });
      const answer = await r.waitFor((f) => f.type === 'session.error', { timeoutMs: 500 }).catch(() => undefined);
      return answer !== undefined ? undefined : 'a resumed session uses ack, which it never negotiated';
    },
  },
  'token-needs-features': {
    async run(bed) {
      const c = await bed.connect();
      const welcome = await c.hello({ features: [] });
      return typeof welcome.payload.resume_token === 'string' ? undefined : 'a welcome without resume_token';
    },
  },
  'resume-gap-replay': {
    options: { eventBufferCap: 3 },
    async run(bed) {
      const c = await bed.open();
      const job = await c.start({ steps: [{ op: 'emit', kind: 'log', count: 6 }] });
      await c.terminal(job);
      await c.drop();
      const next = await bed.connect();
      const reply = await next.hello({ resume: { session_id: c.sessionId as string, resume_token: c.resumeToken as string, last_event_seq: 0 } });
      return reply.type === 'session.error' && reply.payload.code === 'RESUME_WINDOW_EXPIRED' ? undefined : `resume at seq 0 with seq 1.. evicted answered ${reply.type}`;
    },
  },
  'subscribe-observe-before-check': {
    async run(bed) {
      const alice = await bed.open();
      const job = await alice.start(slowTail);
      const bob = await bed.open({ token: 'tok-bob' });
      bob.send({ type: 'job.subscribe', payload: { job_id: job } });
      await bob.waitFor((f) => f.type === 'session.error');
      await alice.terminal(job);
      await sleep(50);
      return bob.sequenced(job).length === 0 ? undefined : `a refused subscriber got ${bob.sequenced(job).length} job frames`;
    },
  },
  'subscribe-live-unchecked': {
    async run(bed) {
      const alice = await bed.open();
      const job = await alice.start(waitCancel);
      const bob = await bed.open({ token: 'tok-bob' });
      bob.send({ type: 'job.subscribe', payload: { job_id: job } });
      const answer = await bob.waitFor((f) => f.type === 'session.error' || f.type === 'job.subscribed');
      return answer.type === 'session.error' ? undefined : "another principal subscribed to alice's job";
    },
  },
  'bye-keeps-streaming': {
    async run(bed) {
      const c = await bed.open();
      const job = await c.start({ steps: [{ op: 'emit', kind: 'log' }, { op: 'sleep', ms: 150 }, { op: 'emit', kind: 'log', count: 3 }] });
      await c.waitFor((f) => f.job_id === job && f.type === 'job.event');
      const from = c.frames.length;
      c.send({ type: 'session.bye', payload: { reason: 'client_shutdown' } });
      await c.closed;
      const after = c.frames.slice(from);
      return after.length === 0 ? undefined : `${after.length} frames after session.bye`;
    },
  },
  'linger-waits-for-agent': {
    async run(bed) {
      const c = await bed.open();
      const job = await c.start({ steps: [{ op: 'emit', kind: 'log' }, { op: 'wait_cancel', max_ms: 10_000 }, { op: 'sleep', ms: 3000 }], on_cancel: { linger_ms: 100 } });
      await c.waitFor((f) => f.job_id === job && f.type === 'job.event');
      c.cancel(job);
      const end = await c.terminal(job, 1000).catch(() => undefined);
      return end === undefined ? 'no terminal within 1 s of a cancel with linger_ms 100' : undefined;
    },
  },
  'parallel-tail-lost': {
    async run(bed) {
      const c = await bed.open();
      const branch = [{ op: 'emit' as const, kind: 'log', count: 3 }];
      const job = await c.start({ steps: [{ op: 'parallel', branches: [branch, branch] }] });
      await c.terminal(job);
      const logs = eventsOf(c, job).filter(([kind]) => kind === 'log').length;
      return logs === 6 ? undefined : `${logs} of the 6 events of two parallel branches`;
    },
  },
  'denial-overtakes-call': {
    async run(bed) {
      const c = await bed.open();
      const job = await c.start({ steps: [{ op: 'tool', tool: 'forbidden' }] }, { lease_request: { 'tool.call': ['search'] } });
      await c.terminal(job);
      const kinds = eventsOf(c, job).map(([kind]) => kind);
      return kinds.join() === 'tool_call,tool_result' ? undefined : `events in the order ${kinds.join(', ')}`;
    },
  },
  'vendor-kind-reregistered': {
    async run(bed) {
      const c = await bed.open();
      const job = await c.start({ steps: [{ op: 'emit', kind: 'x-vendor.probe', count: 2 }, { op: 'finish' }] });
      const end = await c.terminal(job);
      return end.type === 'job.result' ? undefined : `two x- events ended the job: ${JSON.stringify(end.payload)}`;
    },
  },
  'progress-fraction-string': {
    async run(bed) {
      const c = await bed.open();
      const job = await c.start({ steps: [{ op: 'emit', kind: 'progress', body: { current: 2.5, total: 10 } }] });
      await c.terminal(job);
      const current = eventsOf(c, job).find(([kind]) => kind === 'progress')?.[1].current;
      return typeof current === 'number' ? undefined : `progress current ${JSON.stringify(current)}`;
    },
  },
  'history-skips-feature-gate': { run: (bed) => historyWithout(bed, 'progress', { op: 'emit', kind: 'progress', count: 2 }, 'progress') },
  'control-consumes-seq': {
    run: (bed) =>
      aroundControl(bed, (c) => {
        c.send({ type: 'session.ping', payload: { nonce: 'n1', sent_at: new Date().toISOString() } });
        c.ack(3);
      }),
  },
  'cancel-ack-carries-seq': {
    async run(bed) {
      const c = await bed.open();
      const job = await c.start(waitCancel);
      await c.waitFor((f) => f.job_id === job && f.event_seq === 1);
      c.cancel(job);
      const cancelled = await c.waitFor((f) => f.type === 'job.cancelled');
      await c.terminal(job);
      const seq = cancelled.event_seq;
      return seq === undefined ? seqProblem(c.frames) : `job.cancelled carries event_seq ${seq} after seq 1 was sent`;
    },
  },
  'last-chunk-close-path': {
    async run(bed) {
      const { chunks } = await streamed(bed, [{ op: 'chunks', parts: ['a', 'b'] }]);
      const last = chunks.at(-1);
      return last?.more === false && last.encoding === 'utf8' ? undefined : `last chunk ${JSON.stringify(last)}`;
    },
  },
  'chunk-seq-counts-events': {
    async run(bed) {
      const { chunks } = await streamed(bed, [{ op: 'emit', kind: 'log' }, { op: 'chunks', parts: ['a', 'b'] }]);
      const seqs = chunks.map((b) => b.chunk_seq).join();
      return seqs === '0,1' ? undefined : `chunk_seq ${seqs}`;
    },
  },
  'small-stream-inlined': {
    async run(bed) {
      const { result } = await streamed(bed, [{ op: 'chunks', parts: ['a', 'b'] }]);
      return result.result === undefined ? undefined : `job.result inlines ${JSON.stringify(result.result)} beside result_id`;
    },
  },
  'last-chunk-trimmed': {
    async run(bed) {
      const { chunks } = await streamed(bed, [{ op: 'chunks', parts: ['line 1\n', 'line 2\n'] }]);
      const text = chunks.map((b) => b.data).join('');
      return text === 'line 1\nline 2\n' ? undefined : `assembled ${JSON.stringify(text)}`;
    },
  },
  'expiry-checked-with-lease': {
    async run(bed) {
      const c = await bed.open();
      const reply = await c.submit({ steps: [{ op: 'finish' }] }, { lease_constraints: { expires_at: inMs(-60_000) } });
      return reply.type === 'session.error' && reply.payload.code === 'INVALID_REQUEST' ? undefined : `a past expires_at got ${reply.type}`;
    },
  },
  'lease-kill-via-cancel': {
    async run(bed) {
      const c = await bed.open();
      const search = { op: 'tool' as const, tool: 'search' };
      const job = await c.start({ steps: [{ op: 'cost', amount: 1, currency: 'USD' }, search, search, { op: 'finish' }] }, {
        lease_request: { 'tool.call': ['search'], 'cost.budget': ['USD:1'] },
      });
      const end = await c.terminal(job);
      return end.type === 'job.result' || end.payload.final_status === 'error' ? undefined : `job ended ${JSON.stringify(end.payload)}`;
    },
  },
  'budget-metered-by-unit': {
    async run(bed) {
      const c = await bed.open();
      const job = await c.start({ steps: [{ op: 'emit', kind: 'metric', body: { name: 'tokens.used', value: 5, unit: 'USD' } }, { op: 'tool', tool: 'search' }] }, {
        lease_request: { 'tool.call': ['search'], 'cost.budget': ['USD:1'] },
      });
      await c.terminal(job);
      return toolResults(c, job)[0] === 'ok' ? undefined : `a tokens.used metric spent the USD budget: ${toolResults(c, job)[0]}`;
    },
  },
  'model-prefix-match': {
    async run(bed) {
      const c = await bed.open();
      const job = await c.start({ steps: [{ op: 'tool', tool: 'llm', model: 'tier-fast/small/extra' }] }, { lease_request: modelLease });
      await c.terminal(job);
      return toolResults(c, job)[0] === 'PERMISSION_DENIED' ? undefined : 'model tier-fast/small/extra allowed by tier-fast/*';
    },
  },
  'credentials-announced': {
    async run(bed) {
      const c = await bed.open();
      const job = await c.start({ steps: [{ op: 'emit', kind: 'log' }] }, { lease_request: modelLease });
      await c.terminal(job);
      const late = eventsOf(c, job).find(([, body]) => body.credentials !== undefined);
      return late === undefined ? undefined : `credentials first sent in a ${late[0]} event after job.accepted`;
    },
  },
  'credential-cached-by-lease': {
    async run(bed) {
      const c = await bed.open();
      const accepted = [];
      for (let k = 0; k < 2; k += 1) accepted.push((await c.submit({ steps: [{ op: 'finish' }] }, { lease_request: modelLease })).payload.credentials[0]);
      const [first, second] = accepted;
      if (first.value === second.value) return 'two jobs share a credential value';
      return typeof second.scheme === 'string' ? undefined : 'a credential without scheme';
    },
  },
  'credentials-unnegotiated': {
    async run(bed) {
      const c = await bed.open({ features: FEATURES.filter((f) => f !== 'provisioned_credentials') });
      const reply = await c.submit({ steps: [{ op: 'finish' }] }, { lease_request: modelLease });
      return reply.payload.credentials === undefined ? undefined : 'credentials for a session without provisioned_credentials';
    },
  },
  'write-path-raw': {
    async run(bed) {
      const c = await bed.open();
      const job = await c.start({ steps: [{ op: 'tool', tool: 'write', capability: 'fs.write', target: '/workspace/out/../src/main.ts' }] }, {
        lease_request: { 'fs.write': ['/workspace/out/**'] },
      });
      await c.terminal(job);
      return toolResults(c, job)[0] === 'PERMISSION_DENIED' ? undefined : 'fs.write /workspace/out/../src/main.ts allowed by /workspace/out/**';
    },
  },
  'list-rows-credentials': {
    options: { variants: ['open-subscribe'] },
    async run(bed) {
      const alice = await bed.open();
      const job = await alice.start(waitCancel, { lease_request: modelLease });
      const bob = await bed.open({ token: 'tok-bob' });
      bob.send({ type: 'session.list_jobs', payload: {} });
      const rows = (await bob.waitFor((f) => f.type === 'session.jobs')).payload.jobs as Array<{ job_id: string; credentials?: unknown }>;
      return rows.find((r) => r.job_id === job)?.credentials === undefined ? undefined : "bob's listing shows alice's credentials";
    },
  },
  'delegate-budget-initial': {
    async run(bed) {
      const lease = { 'agent.delegate': ['conformance'], 'cost.budget': ['USD:5'] };
      const outcome = await delegation(bed, lease, [{ op: 'cost', amount: 3, currency: 'USD' }], { 'cost.budget': ['USD:4'] });
      return outcome === 'LEASE_SUBSET_VIOLATION' ? undefined : `a child budget of USD:4 after the parent spent 3 of 5: ${outcome}`;
    },
  },
  'delegate-model-unchecked': {
    async run(bed) {
      const lease = { 'agent.delegate': ['conformance'], 'model.use': ['tier-fast/*'] };
      const outcome = await delegation(bed, lease, [], { 'model.use': ['tier-slow/*'] });
      return outcome === 'LEASE_SUBSET_VIOLATION' ? undefined : `a child model.use tier-slow/* under a parent's tier-fast/*: ${outcome}`;
    },
  },
  'delegate-expiry-ends-parent': {
    async run(bed) {
      const c = await bed.open();
      const inMinutes = (m: number) => new Date(Date.now() + m * 60_000).toISOString();
      const step: Step = { op: 'delegate', agent: 'conformance', input: { steps: [{ op: 'finish' }] }, lease_request: {}, lease_constraints: { expires_at: inMinutes(20) } };
      const job = await c.start({ steps: [step, { op: 'finish' }] }, { lease_request: { 'agent.delegate': ['conformance'] }, lease_constraints: { expires_at: inMinutes(10) } });
      const end = await c.terminal(job);
      const refusal = eventsOf(c, job).find(([kind]) => kind === 'tool_result')?.[1].error?.code;
      return refusal === 'LEASE_SUBSET_VIOLATION' ? undefined : `a child expires_at later than the parent's: no tool_result refusal, and the parent ended with ${end.type} ${String(end.payload.code ?? end.payload.final_status)}`;
    },
  },
  'rotation-id-missing': {
    async run(bed) {
      const c = await bed.open();
      const job = await c.start({ steps: [{ op: 'rotate_credential' }, { op: 'rotate_credential' }] }, { lease_request: modelLease });
      await c.terminal(job);
      const rotations = eventsOf(c, job).filter(([, body]) => body.phase === 'credential_rotated');
      if (rotations.length !== 2) return `${rotations.length} credential_rotated events for two rotations`;
      return rotations.every(([, body]) => typeof body.id === 'string') ? undefined : 'a credential_rotated event without the credential id';
    },
  },
  'result-cap-truncates': {
    async run(bed) {
      const { chunks, result } = await streamed(bed, [{ op: 'chunks', parts: { count: 40, size: 32_000 } }]);
      const bytes = chunks.reduce((n, b) => n + String(b.data).length, 0);
      return bytes === 40 * 32_000 || result.code === 'INTERNAL_ERROR' ? undefined : `${bytes} of ${40 * 32_000} bytes, then ${String(result.final_status)}`;
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
