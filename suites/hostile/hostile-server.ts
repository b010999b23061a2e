// A test server that plays ARCP well enough for the kit to get going and then misbehaves in
// one chosen way (misbehaviour.ts), named in the URL path: ws://host:port/hostile/<json>.
// It writes raw bytes on the TCP socket where a WebSocket library would refuse to (half a
// frame, a frame header announcing gigabytes, a reset). Loopback, port 0. A test helper,
// not part of the reference runtime.
import { once } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import { EVENTS_BEFORE, type Misbehaviour, SCRIPT_EVENTS, parseMisbehaviourPath } from './misbehaviour.ts';
import { serverFrameHeader } from '../harness/giant-frames.ts';

const PATH_PREFIX = '/hostile/';
const FLOOD_BATCH = 256;
const FLOOD_HIGH_WATER = 4 * 1024 * 1024;
/** A flood stops on its own after this many events (the kit gives up long before). */
const FLOOD_CAP = 5_000_000;
const TRACE_ID = 'fd767a494fbcf512d25b459f19945d52';

/** An unmasked server-to-client WebSocket frame header (RFC 6455 §5.2). */
function textFrame(text: string): Buffer {
  const payload = Buffer.from(text, 'utf8');
  return Buffer.concat([serverFrameHeader(0x1, payload.length), payload]);
}

function rawSocket(ws: WebSocket): Socket {
  // `_socket` is the net.Socket under ws (stable across ws 8).
  return (ws as unknown as { _socket: Socket })._socket;
}

class HostilePeer {
  readonly #ws: WebSocket;
  readonly #m: Misbehaviour;
  readonly #sessionId: string;
  readonly #jobId = 'job_hostile_1';
  #ids = 0;
  #seq = 0;
  #timers: NodeJS.Timeout[] = [];
  #closed = false;

  constructor(ws: WebSocket, m: Misbehaviour, n: number) {
    this.#ws = ws;
    this.#m = m;
    this.#sessionId = `sess_hostile_${n}`;
    ws.on('error', () => undefined);
    ws.on('close', () => {
      this.#closed = true;
      for (const timer of this.#timers) clearTimeout(timer);
    });
    ws.on('message', (data: RawData, isBinary: boolean) => this.#onMessage(data, isBinary));
  }

  #frame(type: string, payload: unknown, envelope: Record<string, unknown> = {}): string {
    this.#ids += 1;
    return JSON.stringify({ arcp: '1.1', id: `m_hostile_${this.#ids}`, type, session_id: this.#sessionId, ...envelope, payload });
  }

  #event(i: number, seq: number, sessionId = this.#sessionId, jobId = this.#jobId, message = `hostile event ${i}`): string {
    this.#ids += 1;
    return JSON.stringify({
      arcp: '1.1',
      id: `m_hostile_${this.#ids}`,
      type: 'job.event',
      session_id: sessionId,
      job_id: jobId,
      trace_id: TRACE_ID,
      event_seq: seq,
      payload: { kind: 'log', body: { level: 'info', message, marker: { branch: '0', i } } },
    });
  }

  #welcome(hello: Record<string, unknown>): string {
    const offered = (hello.payload as { capabilities?: { features?: unknown } } | undefined)?.capabilities?.features;
    return this.#frame('session.welcome', {
      runtime: { name: 'hostile', version: '0.0.0' },
      resume_token: 'rt_hostile_token',
      resume_window_sec: 60,
      heartbeat_interval_sec: 30,
      capabilities: {
        encodings: ['json'],
        features: Array.isArray(offered) ? offered.filter((f) => typeof f === 'string') : [],
        agents: [...this.#extraAgents(), { name: 'conformance', versions: ['2.0.0'], default: '2.0.0' }],
      },
    });
  }

  /** For giant-welcome: `mib` MiB of other agents before the conformance agent. */
  #extraAgents(): { name: string; versions: string[]; default: string }[] {
    if (this.#m.kind !== 'giant-welcome') return [];
    const one = (k: number) => ({ name: `x-agent-${String(k).padStart(8, '0')}`, versions: ['1.0.0'], default: '1.0.0' });
    const count = Math.ceil((this.#m.mib * 1024 * 1024) / JSON.stringify(one(0)).length);
    return Array.from({ length: count }, (_, k) => one(k));
  }

  #accepted(): string {
    return this.#frame('job.accepted', { job_id: this.#jobId, agent: 'conformance@2.0.0', lease: {}, accepted_at: new Date().toISOString() }, { trace_id: TRACE_ID });
  }

  #result(): string {
    this.#seq += 1;
    return this.#frame('job.result', { final_status: 'success', summary: 'done' }, { job_id: this.#jobId, trace_id: TRACE_ID, event_seq: this.#seq });
  }

  #send(text: string): void {
    if (!this.#closed) this.#ws.send(text);
  }

  #later(ms: number, fn: () => void): void {
    this.#timers.push(setTimeout(fn, ms));
  }

  #onMessage(data: RawData, isBinary: boolean): void {
    if (isBinary) return;
    let frame: Record<string, unknown>;
    try {
      frame = JSON.parse(Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8'));
    } catch {
      return;
    }
    switch (frame.type) {
      case 'session.hello':
        if (this.#m.stage === 'hello' && this.#m.kind !== 'giant-welcome' && this.#m.kind !== 'welcome-flood') this.#misbehave(() => this.#welcome(frame));
        else this.#send(this.#welcome(frame));
        if (this.#m.kind === 'welcome-flood') this.#flood(rawSocket(this.#ws), 0, 'job_nobody_submitted');
        return;
      case 'job.submit':
        if (this.#m.stage === 'submit') this.#misbehave(() => this.#accepted());
        else {
          this.#send(this.#accepted());
          this.#stream();
        }
        return;
      case 'session.close':
        this.#send(this.#frame('session.closed', {}));
        this.#ws.close(1000);
        return;
      default:
        return;
    }
  }

  /** The job's events: valid ones, then the misbehaviour (or a fault inside the events). */
  #stream(): void {
    const m = this.#m;
    if (m.kind === 'giant-frame' || m.kind === 'giant-welcome') {
      for (let i = 0; i < SCRIPT_EVENTS; i += 1) {
        this.#seq += 1;
        const giant = m.kind === 'giant-frame' && i === 0 ? 'g'.repeat(m.mib * 1024 * 1024) : undefined;
        this.#send(this.#event(i, this.#seq, this.#sessionId, this.#jobId, giant));
      }
      this.#send(this.#result());
      return;
    }
    if (m.kind === 'wrong-session' || m.kind === 'seq-repeat' || m.kind === 'seq-decrease') {
      for (let i = 0; i < SCRIPT_EVENTS; i += 1) {
        let seq = this.#seq + 1;
        if (i === EVENTS_BEFORE && m.kind === 'seq-repeat') seq = this.#seq;
        if (i === EVENTS_BEFORE && m.kind === 'seq-decrease') seq = Math.max(1, this.#seq - m.by);
        this.#seq = seq;
        this.#send(this.#event(i, seq, m.kind === 'wrong-session' && i >= EVENTS_BEFORE ? 'sess_someone_else' : this.#sessionId));
      }
      this.#send(this.#result());
      return;
    }
    for (let i = 0; i < EVENTS_BEFORE; i += 1) {
      this.#seq += 1;
      this.#send(this.#event(i, this.#seq));
    }
    this.#misbehave(() => {
      this.#seq += 1;
      return this.#event(EVENTS_BEFORE, this.#seq);
    });
  }

  /** Does the chosen wrong thing where `next()` (the valid frame due now) would have gone. */
  #misbehave(next: () => string): void {
    const m = this.#m;
    const socket = rawSocket(this.#ws);
    switch (m.kind) {
      case 'not-json':
        this.#send(m.text);
        return;
      case 'binary':
        if (!this.#closed) this.#ws.send(Buffer.alloc(m.bytes, 0xab), { binary: true });
        return;
      case 'huge-text':
        this.#send('x'.repeat(m.mib * 1024 * 1024));
        return;
      case 'over-limit':
        // The header announces the size; a little payload follows, the rest never does.
        socket.write(Buffer.concat([serverFrameHeader(0x1, m.mib * 1024 * 1024), Buffer.alloc(64 * 1024, 0x78)]));
        return;
      case 'flood':
        this.#flood(socket, EVENTS_BEFORE);
        return;
      case 'silence':
        return;
      case 'cut-mid-frame': {
        const frame = textFrame(next());
        socket.write(frame.subarray(0, Math.max(3, Math.floor(frame.length / 2))));
        socket.destroy();
        return;
      }
      case 'reset-mid-frame': {
        const frame = textFrame(next());
        socket.write(frame.subarray(0, Math.max(3, Math.floor(frame.length / 2))));
        this.#whenFlushed(socket, () => socket.resetAndDestroy());
        return;
      }
      case 'reset':
        // Only once what was written is on the wire: with writes pending, Node closes with a FIN.
        this.#whenFlushed(socket, () => socket.resetAndDestroy());
        return;
      case 'slow-drip':
        this.#drip(socket, textFrame(next()), 0);
        return;
      case 'wrong-session':
      case 'seq-repeat':
      case 'seq-decrease':
      case 'giant-frame':
      case 'giant-welcome':
      case 'welcome-flood':
        return; // faults inside the stream or around the welcome (see #stream, #onMessage)
    }
  }

  #whenFlushed(socket: Socket, then: () => void, tries = 40): void {
    if (this.#closed) return;
    if (socket.writableLength === 0 || tries === 0) {
      // One more tick: the kernel has the bytes once libuv's write completed.
      this.#later(5, then);
      return;
    }
    this.#later(5, () => this.#whenFlushed(socket, then, tries - 1));
  }

  #drip(socket: Socket, frame: Buffer, at: number): void {
    const m = this.#m as Extract<Misbehaviour, { kind: 'slow-drip' }>;
    if (this.#closed || at >= frame.length) return;
    socket.write(frame.subarray(at, at + m.chunkBytes));
    this.#later(m.intervalMs, () => this.#drip(socket, frame, at + m.chunkBytes));
  }

  #flood(socket: Socket, first: number, jobId = this.#jobId): void {
    let i = first;
    const pump = (): void => {
      if (this.#closed || socket.destroyed || i >= FLOOD_CAP) return;
      const batch: Buffer[] = [];
      for (let k = 0; k < FLOOD_BATCH; k += 1, i += 1) {
        this.#seq += 1;
        batch.push(textFrame(this.#event(i, this.#seq, this.#sessionId, jobId)));
      }
      socket.write(Buffer.concat(batch));
      if (socket.writableLength > FLOOD_HIGH_WATER) socket.once('drain', pump);
      else setImmediate(pump);
    };
    pump();
  }
}

export interface HostileServer {
  /** ws://127.0.0.1:<port>/hostile/ ; append misbehaviourPath(m). */
  readonly baseUrl: string;
  close(): Promise<void>;
}

/** Starts the hostile server on 127.0.0.1:0. */
export async function startHostileServer(): Promise<HostileServer> {
  const http = createServer((_req, res) => {
    res.writeHead(426, { 'content-type': 'text/plain' });
    res.end('hostile ARCP test server: open a WebSocket at /hostile/<misbehaviour>\n');
  });
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 1024 * 1024 });
  const held = new Set<Socket>();
  let connections = 0;
  http.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    socket.on('error', () => undefined);
    const m = req.url?.startsWith(PATH_PREFIX) ? parseMisbehaviourPath(req.url.slice(PATH_PREFIX.length)) : undefined;
    if (m === undefined) {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    if (m.kind === 'silence' && m.stage === 'upgrade') {
      held.add(socket); // accept TCP, never answer the handshake
      socket.on('close', () => held.delete(socket));
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      connections += 1;
      new HostilePeer(ws, m, connections);
    });
  });
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  const { port } = http.address() as AddressInfo;
  return {
    baseUrl: `ws://127.0.0.1:${port}${PATH_PREFIX}`,
    async close() {
      for (const socket of held) socket.destroy();
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
