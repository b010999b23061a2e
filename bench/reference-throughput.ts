// Reference runtime performance: event throughput to 1 and to 8 sessions, memory per idle
// session, and memory while a client acks a 1,000,000-event job. The server runs here; the
// clients run in a child process (bench/reference-client.ts).
//
//   node --expose-gc --import tsx bench/reference-throughput.ts [--events N] [--idle K] [--big N]
//
// Targets: >= 100,000 events/s to one client and to 8 sessions together; < 50 KB per idle session.
import { spawn } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startReference, type ReferenceServer } from '../reference/index.ts';
import { startCeilingServer } from './reference-ceiling.ts';

const CLIENT = fileURLToPath(new URL('./reference-client.ts', import.meta.url));

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '400000' },
    idle: { type: 'string', default: '1000' },
    big: { type: 'string', default: '1000000' },
  },
});
const EVENTS = Number(values.events);
const IDLE = Number(values.idle);
const BIG = Number(values.big);

interface Child {
  lines: AsyncIterator<string>;
  close(): void;
  exited: Promise<number | null>;
}

function client(args: string[]): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', CLIENT, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { lines, close: () => child.stdin.end(), exited };
}

async function nextJson(child: Child): Promise<Record<string, any>> {
  const { value, done } = await child.lines.next();
  if (done) throw new Error('client exited without output');
  const parsed = JSON.parse(value);
  if (parsed.error) throw new Error(`client: ${parsed.error}`);
  return parsed;
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function mb(bytes: number): string {
  return `${(bytes / 1048576).toFixed(1)} MB`;
}

async function throughput(target: { url: string; stats: unknown }, sessions: number, events: number, label?: string): Promise<void> {
  const cpuBefore = process.cpuUsage();
  const child = client(['stream', '--url', target.url, '--sessions', String(sessions), '--events', String(Math.round(events / sessions)), '--ack-every', '1000']);
  const r = await nextJson(child);
  const cpu = process.cpuUsage(cpuBefore);
  await child.exited;
  const rate = Math.round((r.events / r.ms) * 1000);
  // Server CPU per event is steadier than wall-clock rate on a shared machine.
  const cpuPerEvent = (cpu.user + cpu.system) / r.events;
  console.log(
    `${label ? `${label}: ` : ''}throughput to ${sessions} session${sessions > 1 ? 's' : ''}: ${r.events} events in ${r.ms.toFixed(0)} ms = ${rate.toLocaleString('en-US')} events/s` +
      ` (in order: ${r.ordered}; server CPU ${cpuPerEvent.toFixed(2)} µs/event)`,
  );
}

async function idleSessions(server: ReferenceServer, count: number): Promise<void> {
  gc();
  await new Promise((r) => setTimeout(r, 200));
  gc();
  const before = process.memoryUsage();
  const child = client(['idle', '--url', server.url, '--sessions', String(count)]);
  await nextJson(child);
  await new Promise((r) => setTimeout(r, 500));
  gc();
  const after = process.memoryUsage();
  const heap = (after.heapUsed - before.heapUsed) / count;
  const rss = (after.rss - before.rss) / count;
  console.log(`idle sessions: ${count}; per session: heapUsed ${(heap / 1024).toFixed(1)} KB, rss ${(rss / 1024).toFixed(1)} KB (live sessions: ${server.stats().attachedSessions})`);
  child.close();
  await child.exited;
}

// Samples RSS every 250 ms, and live heap (after a full GC) every 2 s, while one client
// streams and acks a huge job: both must stay level once the buffers have filled.
async function flatMemory(server: ReferenceServer, events: number): Promise<void> {
  gc();
  const samples: Array<{ t: number; rss: number; heap: number }> = [];
  const live: Array<{ t: number; heap: number; buffered: number }> = [];
  const start = performance.now();
  let ticks = 0;
  const timer = setInterval(() => {
    ticks += 1;
    if (ticks % 8 === 0 && typeof (globalThis as { gc?: unknown }).gc === 'function') {
      gc();
      live.push({ t: performance.now() - start, heap: process.memoryUsage().heapUsed, buffered: server.stats().bufferedEvents });
    }
    const m = process.memoryUsage();
    samples.push({ t: performance.now() - start, rss: m.rss, heap: m.heapUsed });
  }, 250);
  const child = client(['stream', '--url', server.url, '--sessions', '1', '--events', String(events), '--ack-every', '1000']);
  const r = await nextJson(child);
  await child.exited;
  clearInterval(timer);
  const rate = Math.round((r.events / r.ms) * 1000);
  console.log(`acked ${r.events.toLocaleString('en-US')}-event job: ${r.ms.toFixed(0)} ms (${rate.toLocaleString('en-US')} events/s), in order: ${r.ordered}`);
  const rssValues = samples.slice(Math.floor(samples.length / 4)).map((s) => s.rss);
  if (rssValues.length > 0) {
    console.log(`  rss (every 250 ms, after the first quarter): min ${mb(Math.min(...rssValues))}, max ${mb(Math.max(...rssValues))}`);
  }
  if (live.length > 0) {
    console.log(`  live heap after GC, every 2 s: ${live.map((l) => mb(l.heap)).join(', ')}`);
    console.log(`  events buffered for resume at those points: ${live.map((l) => l.buffered).join(', ')}`);
  }
}

const ceiling = await startCeilingServer();
const server = await startReference();
console.log(`reference runtime at ${server.url}; node ${process.version}; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} CPUs; gc ${typeof (globalThis as { gc?: unknown }).gc === 'function' ? 'exposed' : 'not exposed (run with --expose-gc)'}`);
try {
  await idleSessions(server, IDLE); // first, while the heap is fresh
  await throughput({ url: ceiling.url, stats: undefined }, 1, EVENTS, 'client ceiling (bare ws server, no runtime work)');
  await throughput(server, 1, EVENTS, 'warm-up');
  await throughput(server, 1, EVENTS);
  await throughput({ url: ceiling.url, stats: undefined }, 8, EVENTS, 'client ceiling (bare ws server, no runtime work)');
  await throughput(server, 8, EVENTS);
  await flatMemory(server, BIG);
} finally {
  await server.stop();
  await ceiling.stop();
}
