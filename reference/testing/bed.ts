// A reference server plus the clients a test opened; `stop` closes them all.
import { startReference, type ReferenceServer } from '../server.ts';
import type { ReferenceOptions } from '../options.ts';
import { TestClient, type HelloOptions } from './client.ts';

export class TestBed {
  readonly server: ReferenceServer;
  readonly #clients: TestClient[] = [];

  private constructor(server: ReferenceServer) {
    this.server = server;
  }

  static async start(options: ReferenceOptions = {}): Promise<TestBed> {
    return new TestBed(await startReference(options));
  }

  get url(): string {
    return this.server.url;
  }

  /** A connected socket without a session. */
  async connect(): Promise<TestClient> {
    const client = await TestClient.connect(this.url);
    this.#clients.push(client);
    return client;
  }

  /** A connected client with a session (alice unless a token is given). */
  async open(options: HelloOptions = {}): Promise<TestClient> {
    const client = await TestClient.open(this.url, options);
    this.#clients.push(client);
    return client;
  }

  /** Resumes `client`'s session on a new connection from its last seen seq (or `lastSeq`). */
  async resume(client: TestClient, options: Omit<HelloOptions, 'resume'> & { lastSeq?: number } = {}): Promise<TestClient> {
    const next = await this.connect();
    const reply = await next.hello({
      ...options,
      resume: {
        session_id: client.sessionId as string,
        resume_token: client.resumeToken as string,
        last_event_seq: options.lastSeq ?? client.lastSeq(),
      },
    });
    if (reply.type !== 'session.welcome') throw new Error(`resume refused: ${JSON.stringify(reply.payload)}`);
    return next;
  }

  async stop(): Promise<void> {
    for (const client of this.#clients) client.socket.terminate();
    await this.server.stop();
  }
}
