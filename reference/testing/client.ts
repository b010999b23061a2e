// A plain ws client for the reference runtime's own tests (the kit's harness lives in
// suites/harness; this one stays independent of it). Records every received frame and
// waits for frames with a bound.
import { ulid } from '../../spec/ulid.ts';
import WebSocket from 'ws';
import { FEATURES } from '../../spec/index.ts';
import type { AgentScript } from '../../spec/agent-script.ts';

export type Frame = {
  arcp?: string;
  id?: string;
  type: string;
  session_id?: string;
  job_id?: string;
  trace_id?: string;
  event_seq?: number;
  payload: Record<string, any>;
};

export interface HelloOptions {
  token?: string;
  features?: readonly string[];
  resume?: { session_id: string; resume_token: string; last_event_seq: number };
  /** Which resume form to send (default: hello.resume). */
  resumeForm?: 'hello-resume' | 'session-resume' | 'hello-flat';
}

export interface SubmitOptions {
  agent?: string;
  lease_request?: Record<string, string[]>;
  lease_constraints?: { expires_at?: string };
  idempotency_key?: string;
  max_runtime_sec?: number;
  trace_id?: string;
}

const DEFAULT_WAIT_MS = 5000;

export class TestClient {
  readonly socket: WebSocket;
  readonly frames: Frame[] = [];
  /** Raw texts that were not JSON objects. */
  readonly junk: string[] = [];
  sessionId: string | undefined;
  resumeToken: string | undefined;
  answerPings = true;
  readonly closed: Promise<{ code: number; reason: string }>;
  #listeners = new Set<() => void>();

  private constructor(socket: WebSocket) {
    this.socket = socket;
    this.closed = new Promise((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    socket.on('message', (data) => {
      const text = data.toString();
      let frame: unknown;
      try {
        frame = JSON.parse(text);
      } catch {
        this.junk.push(text);
        return;
      }
      if (typeof frame !== 'object' || frame === null) {
        this.junk.push(text);
        return;
      }
      const f = frame as Frame;
      this.frames.push(f);
      if (f.type === 'session.ping' && this.answerPings && this.sessionId) {
        this.send({ type: 'session.pong', payload: { ping_nonce: f.payload.nonce } });
      }
      for (const listener of this.#listeners) listener();
    });
    socket.on('close', () => {
      for (const listener of this.#listeners) listener();
    });
    socket.on('error', () => undefined);
  }

  static connect(url: string, timeoutMs = DEFAULT_WAIT_MS): Promise<TestClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { perMessageDeflate: false });
      const timer = setTimeout(() => {
        socket.terminate();
        reject(new Error(`connect to ${url} timed out`));
      }, timeoutMs);
      socket.once('open', () => {
        clearTimeout(timer);
        resolve(new TestClient(socket));
      });
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
  }

  /** Connects and opens a session; returns the client with its welcome. */
  static async open(url: string, options: HelloOptions = {}): Promise<TestClient> {
    const client = await TestClient.connect(url);
    const welcome = await client.hello(options);
    if (welcome.type !== 'session.welcome') throw new Error(`hello refused: ${JSON.stringify(welcome.payload)}`);
    return client;
  }

  get isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  /** Sends a message; fills arcp, id and session_id unless given. */
  send(message: { type: string; payload: unknown; [key: string]: unknown }): string {
    const id = (message.id as string | undefined) ?? ulid();
    const envelope = { arcp: '1.1', id, ...(this.sessionId ? { session_id: this.sessionId } : {}), ...message };
    this.socket.send(JSON.stringify(envelope));
    return id;
  }

  sendRaw(data: string | Buffer, binary = false): void {
    this.socket.send(data, { binary });
  }

  /** Sends a hello (or a resume in the chosen form) and waits for welcome or error. */
  async hello(options: HelloOptions = {}): Promise<Frame> {
    const from = this.frames.length;
    const auth = { scheme: 'bearer', token: options.token ?? 'tok-alice' };
    const features = options.features ?? [...FEATURES];
    const r = options.resume;
    if (r && options.resumeForm === 'session-resume') {
      this.socket.send(JSON.stringify({ arcp: '1.1', id: ulid(), type: 'session.resume', payload: { ...r, auth } }));
    } else {
      const payload: Record<string, unknown> = { client: { name: 'ref-test', version: '0' }, auth, capabilities: { encodings: ['json'], features } };
      if (r && options.resumeForm === 'hello-flat') Object.assign(payload, r);
      else if (r) payload.resume = r;
      this.socket.send(JSON.stringify({ arcp: '1.1', id: ulid(), type: 'session.hello', payload }));
    }
    const reply = await this.waitFor((f) => f.type === 'session.welcome' || f.type === 'session.error', { from });
    if (reply.type === 'session.welcome') {
      this.sessionId = reply.session_id ?? reply.payload.session_id;
      this.resumeToken = reply.payload.resume_token;
    }
    return reply;
  }

  /** First frame at index >= from matching the predicate; waits up to timeoutMs. */
  waitFor(predicate: (frame: Frame) => boolean, { from = 0, timeoutMs = DEFAULT_WAIT_MS } = {}): Promise<Frame> {
    return new Promise((resolve, reject) => {
      let scanned = from;
      const check = (): boolean => {
        for (; scanned < this.frames.length; scanned += 1) {
          const frame = this.frames[scanned] as Frame;
          if (predicate(frame)) {
            done();
            resolve(frame);
            return true;
          }
        }
        if (this.socket.readyState === WebSocket.CLOSED) {
          done();
          reject(new Error(`socket closed while waiting; last frames: ${this.#tail()}`));
          return true;
        }
        return false;
      };
      const listener = (): void => void check();
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out after ${timeoutMs} ms; last frames: ${this.#tail()}`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        this.#listeners.delete(listener);
      };
      this.#listeners.add(listener);
      check();
    });
  }

  /** Frames received so far that match. */
  all(predicate: (frame: Frame) => boolean): Frame[] {
    return this.frames.filter(predicate);
  }

  /** Submits a conformance script; resolves to job.accepted or the session.error refusing it. */
  async submit(script: AgentScript | unknown, options: SubmitOptions = {}): Promise<Frame> {
    const from = this.frames.length;
    const { agent = 'conformance', trace_id, ...rest } = options;
    this.send({ type: 'job.submit', ...(trace_id ? { trace_id } : {}), payload: { agent, input: script, ...rest } });
    return this.waitFor((f) => f.type === 'job.accepted' || f.type === 'session.error', { from });
  }

  /** Submits and returns the job id, failing if refused. */
  async start(script: AgentScript, options: SubmitOptions = {}): Promise<string> {
    const reply = await this.submit(script, options);
    if (reply.type !== 'job.accepted') throw new Error(`submit refused: ${JSON.stringify(reply.payload)}`);
    return reply.payload.job_id as string;
  }

  /** Waits for the job's terminal (job.result or job.error with event_seq). */
  terminal(jobId: string, timeoutMs = DEFAULT_WAIT_MS): Promise<Frame> {
    return this.waitFor((f) => isTerminal(f) && f.job_id === jobId, { timeoutMs });
  }

  /** Sequenced frames (job.event/result/error) received so far, optionally for one job. */
  sequenced(jobId?: string): Frame[] {
    return this.frames.filter((f) => isSequenced(f) && (jobId === undefined || f.job_id === jobId));
  }

  lastSeq(): number {
    const seqs = this.sequenced().map((f) => f.event_seq ?? 0);
    return seqs.length === 0 ? 0 : Math.max(...seqs);
  }

  cancel(jobId: string, reason = 'test'): void {
    this.send({ type: 'job.cancel', job_id: jobId, payload: { job_id: jobId, reason } });
  }

  ack(seq: number): void {
    this.send({ type: 'session.ack', payload: { last_processed_seq: seq } });
  }

  /** Graceful close without ARCP messages. */
  async disconnect(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    this.socket.close(1000);
    await Promise.race([this.closed, new Promise((r) => setTimeout(r, 2000))]);
    this.socket.terminate();
  }

  /** Abrupt drop: no close frame. */
  async drop(): Promise<void> {
    this.socket.terminate();
    await this.closed;
  }

  #tail(): string {
    return JSON.stringify(this.frames.slice(-5).map((f) => [f.type, f.event_seq, f.payload?.kind ?? f.payload?.code]));
  }
}

export function isSequenced(frame: Frame): boolean {
  return (frame.type === 'job.event' || frame.type === 'job.result' || frame.type === 'job.error') && frame.event_seq !== undefined;
}

export function isTerminal(frame: Frame): boolean {
  return (frame.type === 'job.result' || frame.type === 'job.error') && frame.event_seq !== undefined;
}

/** Every seq in order, +1 each, starting after `after`; returns the first problem or undefined. */
export function seqProblem(frames: readonly Frame[], after = 0): string | undefined {
  let expected = after + 1;
  for (const frame of frames) {
    if (!isSequenced(frame)) continue;
    if (frame.event_seq !== expected) return `expected seq ${expected}, got ${frame.event_seq} (${frame.type})`;
    expected += 1;
  }
  return undefined;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** An ISO time `ms` from now. */
export function inMs(ms: number): string {
  return new Date(Date.now() + ms).toISOString();
}
