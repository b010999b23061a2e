// The kit's receive pipeline against the reference runtime: frames per second through ws
// receive, JSON parse, ajv validation, recording (redaction, transcript, inbox) and every
// history checker, compared in the same run with a bare `ws` client that only parses JSON;
// and the kit's peak RSS while a 1,000,000-event job streams through it. The server runs in a
// child process (reference/serve-main.ts), so the CPU and memory measured here are the
// client's alone. Numbers are printed, never asserted.
//
//   node --expose-gc --import tsx bench/pipeline.ts [--events 200000] [--rounds 3] [--big 1000000] [--full] [--kit-only]
//
// --big 0 skips the memory run; --full also streams the big job through a default (full-mode)
// transcript, for contrast; --kit-only runs only the kit's client (for a profile:
// node --cpu-prof --import tsx bench/pipeline.ts --big 0 --kit-only).
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { connect } from '../suites/harness/session.ts';
import { isWireFrame } from '../suites/harness/frames.ts';
import { monitoredTranscript } from '../suites/hostile/kit-pipeline.ts';
import { launchServer } from '../suites/leak/server-process.ts';

const KIT_ROOT = fileURLToPath(new URL('..', import.meta.url));
const TOKEN = 'tok-alice';
const ACK_EVERY = 1000;

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '200000' },
    rounds: { type: 'string', default: '3' },
    big: { type: 'string', default: '1000000' },
    full: { type: 'boolean', default: false },
    'kit-only': { type: 'boolean', default: false },
  },
});
const EVENTS = Number(values.events);
const ROUNDS = Number(values.rounds);
const BIG = Number(values.big);

interface RunResult {
  readonly frames: number;
  readonly ms: number;
  /** Client CPU (user + system) in microseconds. */
  readonly cpuUs: number;
  readonly violations?: number;
  readonly peakRssMb?: number;
  readonly rssTrace?: readonly string[];
  readonly kept?: number;
}

function script(count: number): unknown {
  return { steps: [{ op: 'emit', kind: 'log', count }] };
}

function envelope(type: string, payload: unknown, sessionId?: string): string {
  return JSON.stringify({ arcp: '1.1', id: `b${Math.random().toString(36).slice(2)}`, type, ...(sessionId ? { session_id: sessionId } : {}), payload });
}

/** The yardstick: ws, JSON.parse, an ack every ACK_EVERY seqs, nothing else. */
function bareRun(url: string, events: number): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { perMessageDeflate: false, maxPayload: 64 * 1024 * 1024 });
    let sessionId: string | undefined;
    let frames = 0;
    let start = 0;
    let cpu = process.cpuUsage();
    const timer = setTimeout(() => reject(new Error(`bare client: no terminal within 10 min (${frames} frames)`)), 600_000);
    socket.once('error', reject);
    socket.once('open', () =>
      socket.send(envelope('session.hello', { client: { name: 'bench', version: '0' }, auth: { scheme: 'bearer', token: TOKEN }, capabilities: { encodings: ['json'], features: ['ack', 'heartbeat'] } })),
    );
    socket.on('message', (data) => {
      const frame = JSON.parse(data.toString());
      frames += 1;
      if (frame.type === 'session.welcome') {
        sessionId = frame.session_id;
        start = performance.now();
        cpu = process.cpuUsage();
        frames = 0;
        socket.send(envelope('job.submit', { agent: 'conformance', input: script(events) }, sessionId));
      } else if (frame.type === 'session.ping') {
        socket.send(envelope('session.pong', { ping_nonce: frame.payload.nonce }, sessionId));
      } else if (typeof frame.event_seq === 'number' && frame.event_seq % ACK_EVERY === 0) {
        socket.send(envelope('session.ack', { last_processed_seq: frame.event_seq }, sessionId));
      }
      if (frame.type === 'job.result' || frame.type === 'job.error') {
        const used = process.cpuUsage(cpu);
        clearTimeout(timer);
        socket.terminate();
        resolve({ frames, ms: performance.now() - start, cpuUs: used.user + used.system });
      }
    });
  });
}

/** The kit: harness connection and session, ajv verdicts, transcript, every checker streamed. */
async function kitRun(url: string, events: number, options: { bounded: boolean; traceRss?: boolean }): Promise<RunResult> {
  const { transcript, monitor } = monitoredTranscript(options.bounded ? { bounded: true } : {});
  const session = await connect(url, { token: TOKEN, transcript, timeoutMs: 30_000, label: 'bench principal:alice' });
  let frames = 0;
  let peakRss = 0;
  const rssTrace: string[] = [];
  const step = Math.max(1, Math.floor(events / 10));
  session.connection.addInboundListener((frame) => {
    frames += 1;
    if (!isWireFrame(frame) || typeof frame.event_seq !== 'number') return;
    if (frame.event_seq % ACK_EVERY === 0) session.send('session.ack', { last_processed_seq: frame.event_seq });
    if (options.traceRss && frame.event_seq % step === 0) rssTrace.push(`${frame.event_seq / 1000}k: ${(process.memoryUsage.rss() / 1048576).toFixed(0)} MB`);
  });
  const sampler = options.traceRss
    ? setInterval(() => {
        peakRss = Math.max(peakRss, process.memoryUsage.rss());
      }, 50)
    : undefined;
  const mark = session.mark();
  const start = performance.now();
  const cpu = process.cpuUsage();
  session.send('job.submit', { agent: 'conformance', input: script(events) });
  await session.waitFor((f) => f.type === 'job.result' || (f.type === 'job.error' && f.job_id !== undefined), {
    description: 'the job’s terminal',
    timeoutMs: 600_000,
    after: mark,
  });
  const used = process.cpuUsage(cpu);
  const ms = performance.now() - start;
  clearInterval(sampler);
  await session.close({ timeoutMs: 2000 });
  const violations = monitor.finish({ complete: true });
  if (violations.length > 0) console.log(`  checkers found ${violations.length} violation(s), e.g. ${violations[0]?.requirement}: ${violations[0]?.message}`);
  return {
    frames,
    ms,
    cpuUs: used.user + used.system,
    violations: violations.length,
    kept: transcript.stats().kept,
    ...(options.traceRss ? { peakRssMb: Math.max(peakRss, process.memoryUsage.rss()) / 1048576, rssTrace } : {}),
  };
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const rate = (r: RunResult) => (r.frames / r.ms) * 1000;
const cpuPerFrame = (r: RunResult) => r.cpuUs / r.frames;

async function memoryRun(url: string, bounded: boolean): Promise<void> {
  gc();
  const before = process.memoryUsage.rss() / 1048576;
  const r = await kitRun(url, BIG, { bounded, traceRss: true });
  gc();
  const after = process.memoryUsage();
  console.log(
    `${bounded ? 'bounded' : 'default (full mode, turns bounded past 8 MiB)'} transcript, ${fmt(BIG)} events: ${fmt(rate(r))} frames/s; ` +
      `RSS before ${before.toFixed(0)} MB, peak ${r.peakRssMb?.toFixed(0)} MB; after GC: RSS ${(after.rss / 1048576).toFixed(0)} MB, heap ${(after.heapUsed / 1048576).toFixed(0)} MB; ` +
      `entries kept ${fmt(r.kept ?? 0)}; violations ${r.violations}`,
  );
  console.log(`  RSS as the job streams: ${r.rssTrace?.join(', ')}`);
}

async function compare(url: string): Promise<void> {
  // Warm-up, then alternate so drift on a shared machine hits both clients alike.
  await bareRun(url, Math.min(EVENTS, 50_000));
  await kitRun(url, Math.min(EVENTS, 50_000), { bounded: true });
  const bare: RunResult[] = [];
  const kit: RunResult[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    gc();
    bare.push(await bareRun(url, EVENTS));
    gc();
    kit.push(await kitRun(url, EVENTS, { bounded: true }));
  }
  const best = (runs: RunResult[]) => runs.reduce((a, b) => (rate(b) > rate(a) ? b : a));
  const leanest = (runs: RunResult[]) => runs.reduce((a, b) => (cpuPerFrame(b) < cpuPerFrame(a) ? b : a));
  const [b, k] = [best(bare), best(kit)];
  const [bc, kc] = [leanest(bare), leanest(kit)];
  console.log(`\n${fmt(EVENTS)} events, best of ${ROUNDS} rounds each:`);
  console.log(`  bare ws + JSON.parse:                    ${fmt(rate(b)).padStart(9)} frames/s, client CPU ${cpuPerFrame(bc).toFixed(2)} µs/frame`);
  console.log(`  kit (ajv, transcript, all checkers):     ${fmt(rate(k)).padStart(9)} frames/s, client CPU ${cpuPerFrame(kc).toFixed(2)} µs/frame`);
  console.log(`  ratio bare/kit: frames/s ${(rate(b) / rate(k)).toFixed(2)}x, CPU per frame ${(cpuPerFrame(kc) / cpuPerFrame(bc)).toFixed(2)}x`);
  console.log(`  (every round, frames/s: bare ${bare.map((r) => fmt(rate(r))).join(', ')}; kit ${kit.map((r) => fmt(rate(r))).join(', ')})`);
}

const server = await launchServer('node --import tsx reference/serve-main.ts --port 0', { timeoutMs: 30_000, cwd: KIT_ROOT });
console.log(
  `reference runtime (child process ${server.pid}) at ${server.url}; node ${process.version}; ${cpus().length} CPUs, load ${loadavg().map((l) => l.toFixed(1)).join(' ')}; gc ${typeof (globalThis as { gc?: unknown }).gc === 'function' ? 'exposed' : 'not exposed'}`,
);
try {
  if (BIG > 0) {
    await memoryRun(server.url, true);
    if (values.full) await memoryRun(server.url, false);
  }
  if (values['kit-only']) {
    for (let round = 0; round < ROUNDS; round += 1) {
      const r = await kitRun(server.url, EVENTS, { bounded: true });
      console.log(`kit: ${fmt(rate(r))} frames/s, client CPU ${cpuPerFrame(r).toFixed(2)} µs/frame`);
    }
  } else {
    await compare(server.url);
  }
} finally {
  await server.stop();
}
