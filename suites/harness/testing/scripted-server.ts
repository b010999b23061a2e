// A tiny WebSocket server for the harness's own tests: each connection is handed to a script
// that reads what the client sent and answers (or misbehaves) on cue. Loopback, port 0.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { type RawData, WebSocket, WebSocketServer } from 'ws';

export interface ReceivedMessage {
  /** Parsed JSON, or `undefined` when the message was not JSON. */
  readonly frame: unknown;
  readonly text: string;
  readonly binary: boolean;
}

/** Reads a dotted path out of an unknown value: `dig(hello, 'payload.auth.token')`. */
export function dig(value: unknown, path: string): unknown {
  let current = value;
  for (const key of path.split('.')) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

export class ScriptedPeer {
  readonly received: ReceivedMessage[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly #socket: WebSocket;
  #read = 0;
  #notify: (() => void) | undefined;

  constructor(socket: WebSocket) {
    this.#socket = socket;
    this.closed = new Promise((resolve) => {
      socket.on('close', (code, reason) => {
        resolve({ code, reason: reason.toString('utf8') });
        this.#notify?.();
      });
    });
    socket.on('error', () => undefined);
    socket.on('message', (data: RawData, isBinary: boolean) => {
      const text = Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
      let frame: unknown;
      try {
        frame = isBinary ? undefined : JSON.parse(text);
      } catch {
        frame = undefined;
      }
      this.received.push({ frame, text, binary: isBinary });
      this.#notify?.();
    });
  }

  /** The next client message (in order) matching `type`, if given; rejects after `timeoutMs`. */
  async next(type?: string, timeoutMs = 2000): Promise<unknown> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      while (this.#read < this.received.length) {
        const message = this.received[this.#read] as ReceivedMessage;
        this.#read += 1;
        if (type === undefined || dig(message.frame, 'type') === type) return message.frame;
      }
      if (this.#socket.readyState === WebSocket.CLOSED) throw new Error(`client closed before sending ${type ?? 'a message'}`);
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`scripted server: no ${type ?? 'message'} from the client within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.#notify = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#notify = undefined;
    }
  }

  send(frame: unknown): void {
    this.#socket.send(JSON.stringify(frame));
  }

  sendRaw(data: string | Buffer, binary = Buffer.isBuffer(data)): void {
    this.#socket.send(data, { binary });
  }

  close(code = 1000, reason = ''): void {
    this.#socket.close(code, reason);
  }

  terminate(): void {
    this.#socket.terminate();
  }
}

export type Script = (peer: ScriptedPeer, index: number) => void | Promise<void>;

export interface ScriptedServer {
  readonly url: string;
  readonly peers: readonly ScriptedPeer[];
  /** Errors thrown by scripts; a test awaits `settled()` to see them. */
  readonly errors: readonly unknown[];
  /** Waits for every script started so far to finish (bounded). */
  settled(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** Starts a server on 127.0.0.1:0; `script` runs once per incoming connection. */
export async function startScriptedServer(script: Script): Promise<ScriptedServer> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await once(wss, 'listening');
  const peers: ScriptedPeer[] = [];
  const errors: unknown[] = [];
  const running: Promise<void>[] = [];
  wss.on('connection', (socket) => {
    const peer = new ScriptedPeer(socket);
    const index = peers.length;
    peers.push(peer);
    running.push(
      (async () => {
        try {
          await script(peer, index);
        } catch (error) {
          errors.push(error);
        }
      })(),
    );
  });
  const { port } = wss.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}/arcp`,
    peers,
    errors,
    async settled(timeoutMs = 3000) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.all(running),
        new Promise((resolve) => {
          timer = setTimeout(resolve, timeoutMs);
        }),
      ]);
      clearTimeout(timer);
    },
    async close() {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

let serverIds = 0;

/** A server frame with a valid envelope. */
export function serverFrame(type: string, payload: unknown, envelope: Record<string, unknown> = {}): Record<string, unknown> {
  serverIds += 1;
  return { arcp: '1.1', id: `s-${serverIds}`, type, ...envelope, payload };
}

export interface WelcomeInput {
  readonly sessionId?: string;
  readonly resumeToken?: string;
  readonly features?: readonly string[];
  readonly agents?: readonly unknown[];
  readonly heartbeatIntervalSec?: number;
  readonly resumeWindowSec?: number;
  /** Put the session id in the payload instead of on the envelope. */
  readonly sessionIdInPayload?: boolean;
}

export function welcomeFrame(input: WelcomeInput = {}): Record<string, unknown> {
  const sessionId = input.sessionId ?? 'sess_test';
  const payload: Record<string, unknown> = {
    runtime: { name: 'scripted', version: '0.0.0' },
    resume_token: input.resumeToken ?? 'rt_initial_token_value',
    resume_window_sec: input.resumeWindowSec ?? 60,
    heartbeat_interval_sec: input.heartbeatIntervalSec ?? 30,
    capabilities: { encodings: ['json'], features: [...(input.features ?? [])], agents: [...(input.agents ?? [])] },
  };
  if (input.sessionIdInPayload) payload.session_id = sessionId;
  return serverFrame('session.welcome', payload, input.sessionIdInPayload ? {} : { session_id: sessionId });
}

/** A script that answers the hello with a welcome and then runs `rest`. */
export function welcoming(input: WelcomeInput = {}, rest?: Script): Script {
  return async (peer, index) => {
    await peer.next('session.hello');
    peer.send(welcomeFrame(input));
    await rest?.(peer, index);
  };
}
