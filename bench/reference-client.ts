// Child process of bench/reference-throughput.ts: the clients, kept out of the server's
// process so their JSON parsing does not share its CPU. Speaks JSON lines on stdout.
//
//   stream --url U --sessions K --events N --ack-every A
//       K sessions each run one job of N back-to-back events, acking every A events;
//       prints {"events","ms","perSession":[...],"ordered"} when all terminals arrived.
//   idle --url U --sessions K
//       opens K sessions, prints {"ready":K}, then holds them until stdin closes.
import { ulid } from '../spec/ulid.ts';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    url: { type: 'string' },
    sessions: { type: 'string', default: '1' },
    events: { type: 'string', default: '100000' },
    'ack-every': { type: 'string', default: '1000' },
    token: { type: 'string', default: 'tok-alice' },
  },
});

const url = values.url ?? '';
const sessions = Number(values.sessions);
const events = Number(values.events);
const ackEvery = Number(values['ack-every']);
const token = values.token;

function envelope(type: string, payload: unknown, sessionId?: string): string {
  return JSON.stringify({ arcp: '1.1', id: ulid(), type, ...(sessionId ? { session_id: sessionId } : {}), payload });
}

function openSession(): Promise<{ socket: WebSocket; sessionId: string }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { perMessageDeflate: false });
    const timer = setTimeout(() => reject(new Error('hello timed out')), 30_000);
    socket.once('error', reject);
    socket.once('open', () => {
      socket.send(envelope('session.hello', { client: { name: 'bench', version: '0' }, auth: { scheme: 'bearer', token }, capabilities: { encodings: ['json'], features: ['ack', 'heartbeat'] } }));
    });
    socket.once('message', (data) => {
      clearTimeout(timer);
      const welcome = JSON.parse(data.toString());
      if (welcome.type !== 'session.welcome') return reject(new Error(`refused: ${data.toString()}`));
      resolve({ socket, sessionId: welcome.session_id });
    });
  });
}

interface StreamResult {
  events: number;
  ordered: boolean;
  doneAt: number;
}

function stream(socket: WebSocket, sessionId: string): Promise<StreamResult> {
  return new Promise((resolve, reject) => {
    let count = 0;
    let lastSeq = 0;
    let ordered = true;
    const timer = setTimeout(() => reject(new Error(`stream timed out after ${count} events`)), 600_000);
    socket.on('message', (data) => {
      const frame = JSON.parse(data.toString());
      if (frame.type === 'session.ping') {
        socket.send(envelope('session.pong', { ping_nonce: frame.payload.nonce }, sessionId));
        return;
      }
      if (typeof frame.event_seq !== 'number') {
        if (frame.type === 'session.error') reject(new Error(JSON.stringify(frame.payload)));
        return;
      }
      if (frame.event_seq !== lastSeq + 1) ordered = false;
      lastSeq = frame.event_seq;
      if (frame.type === 'job.event') count += 1;
      if (lastSeq % ackEvery === 0) socket.send(envelope('session.ack', { last_processed_seq: lastSeq }, sessionId));
      if (frame.type === 'job.result' || frame.type === 'job.error') {
        clearTimeout(timer);
        resolve({ events: count, ordered, doneAt: performance.now() });
      }
    });
    socket.send(envelope('job.submit', { agent: 'conformance', input: { steps: [{ op: 'emit', kind: 'log', count: events }] } }, sessionId));
  });
}

function emit(line: unknown): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

async function main(): Promise<void> {
  const mode = positionals[0];
  const opened = [];
  for (let k = 0; k < sessions; k++) opened.push(await openSession());
  if (mode === 'idle') {
    emit({ ready: opened.length });
    process.stdin.resume();
    await new Promise((resolve) => process.stdin.once('end', resolve));
    for (const { socket } of opened) socket.terminate();
    return;
  }
  if (mode !== 'stream') throw new Error(`unknown mode ${mode}`);
  const start = performance.now();
  const results = await Promise.all(opened.map(({ socket, sessionId }) => stream(socket, sessionId)));
  const ms = Math.max(...results.map((r) => r.doneAt)) - start;
  emit({ events: results.reduce((n, r) => n + r.events, 0), ms, perSession: results.map((r) => r.events), ordered: results.every((r) => r.ordered) });
  for (const { socket } of opened) socket.terminate();
}

main().catch((error) => {
  emit({ error: error instanceof Error ? error.message : String(error) });
  process.exitCode = 1;
});
