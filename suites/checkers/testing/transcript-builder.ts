// Hand-made transcripts for checker tests, written compactly. Every method appends one
// entry and returns its transcript index, so a test can assert exact witnesses. Received
// frames get `arcp: "1.1"`, a fresh id and the connection's session_id unless the test
// overrides them; sequenced frames get the connection's next event_seq (1 after a fresh
// welcome, last_event_seq + 1 after a resume) unless `seq` is given. Override any envelope
// field by passing it; pass `undefined` explicitly to remove one.
import type { Marker } from '../../../spec/agent-script.ts';
import type { ConnectionEntry, Direction, FrameEntry, TranscriptEntry } from '../../harness/transcript-types.ts';

type Frame = Record<string, unknown>;

export interface EventOptions {
  readonly kind?: string;
  readonly body?: Record<string, unknown>;
  /** `[branch, i]` shorthand for the agent's marker. */
  readonly marker?: readonly [string, number] | Marker;
  readonly seq?: number;
  /** Extra or overriding envelope fields. */
  readonly envelope?: Frame;
}

export interface TerminalOptions {
  readonly seq?: number;
  readonly payload?: Record<string, unknown>;
  readonly envelope?: Frame;
}

export class TranscriptBuilder {
  readonly entries: TranscriptEntry[] = [];
  private clock = 0;
  private ids = 0;

  /** Opens a connection (an `open` entry) and returns its builder. */
  open(conn: string, label?: string): ConnBuilder {
    this.connEvent(conn, 'open', label === undefined ? {} : { label });
    return new ConnBuilder(this, conn);
  }

  /** Opens `conn`, says hello and receives a welcome into `sessionId`. */
  session(conn: string, sessionId: string, principal?: string): ConnBuilder {
    const c = this.open(conn, principal === undefined ? undefined : `principal:${principal}`);
    c.hello();
    c.welcome(sessionId);
    return c;
  }

  /**
   * The common two-session story: alice submits job j1 on c1 (session s1), and a second
   * session c2 (s2, alice unless told otherwise) subscribes to it while it runs.
   */
  ownerAndSubscriber(script?: Parameters<ConnBuilder['submit']>[0], subscriber = 'alice'): { c1: ConnBuilder; c2: ConnBuilder; accepted: number } {
    const c1 = this.session('c1', 's1', 'alice');
    const c2 = this.session('c2', 's2', subscriber);
    c1.submit(script);
    const accepted = c1.accepted('j1');
    c2.subscribe('j1');
    c2.subscribed('j1', 'running');
    return { c1, c2, accepted };
  }

  nextId(): string {
    return `m${++this.ids}`;
  }

  frame(conn: string, dir: Direction, frame: Frame): number {
    const index = this.entries.length;
    const clean = Object.fromEntries(Object.entries(frame).filter(([, v]) => v !== undefined));
    const entry: FrameEntry = { kind: 'frame', index, conn, dir, t: this.clock++, frame: clean, bytes: JSON.stringify(clean).length, verdict: { valid: true } };
    this.entries.push(entry);
    return index;
  }

  connEvent(conn: string, event: ConnectionEntry['event'], extra: Partial<Pick<ConnectionEntry, 'label' | 'code' | 'reason'>> = {}): number {
    const index = this.entries.length;
    this.entries.push({ kind: 'conn', index, conn, t: this.clock++, event, ...extra });
    return index;
  }

  build(): TranscriptEntry[] {
    return [...this.entries];
  }
}

export class ConnBuilder {
  /** The session this connection speaks for, once welcomed or resuming. */
  sessionId: string | undefined;
  /** The event_seq the next sequenced frame gets by default. */
  nextSeq = 1;

  constructor(
    private readonly t: TranscriptBuilder,
    readonly id: string,
  ) {}

  // ---- raw ---------------------------------------------------------------------------

  send(type: string, payload: Record<string, unknown> = {}, envelope: Frame = {}): number {
    return this.t.frame(this.id, 'out', { arcp: '1.1', id: this.t.nextId(), type, session_id: this.sessionId, payload, ...envelope });
  }

  recv(type: string, payload: Record<string, unknown> = {}, envelope: Frame = {}): number {
    return this.t.frame(this.id, 'in', { arcp: '1.1', id: this.t.nextId(), type, session_id: this.sessionId, payload, ...envelope });
  }

  // ---- session -----------------------------------------------------------------------

  hello(): number {
    return this.send('session.hello', { client: { name: 'kit', version: '0' }, auth: { scheme: 'bearer', token: '[redacted:1]' } }, { session_id: undefined });
  }

  welcome(sessionId: string, token = `[redacted:${sessionId}-${this.id}]`, envelope: Frame = {}): number {
    const resuming = this.sessionId === sessionId;
    this.sessionId = sessionId;
    if (!resuming) this.nextSeq = 1;
    return this.recv('session.welcome', { resume_token: token }, { session_id: sessionId, ...envelope });
  }

  /** The default resume form: session.hello with a resume block. */
  resume(sessionId: string, lastEventSeq: number, form: 'hello' | 'hello-flat' | 'session.resume' = 'hello'): number {
    this.sessionId = sessionId;
    this.nextSeq = lastEventSeq + 1;
    const block = { session_id: sessionId, resume_token: '[redacted:rt]', last_event_seq: lastEventSeq };
    if (form === 'session.resume') return this.send('session.resume', block, { session_id: undefined });
    if (form === 'hello-flat') return this.send('session.hello', { ...block, auth: { scheme: 'bearer', token: '[redacted:1]' } }, { session_id: undefined });
    return this.send('session.hello', { auth: { scheme: 'bearer', token: '[redacted:1]' }, resume: block }, { session_id: undefined });
  }

  sessionError(code: string, retryable = false, envelope: Frame = {}): number {
    return this.recv('session.error', { code, message: code.toLowerCase(), retryable }, envelope);
  }

  close(): number {
    return this.send('session.close', { reason: 'done' });
  }

  closedAck(): number {
    return this.recv('session.closed', {});
  }

  /** The client cuts the socket abruptly: `dropped` then `closed`. Returns the `dropped` index. */
  drop(): number {
    const index = this.t.connEvent(this.id, 'dropped');
    this.t.connEvent(this.id, 'closed', { code: 1006 });
    return index;
  }

  /** The socket ends (after a close, or from the server side). */
  closed(code = 1000): number {
    return this.t.connEvent(this.id, 'closed', { code });
  }

  // ---- jobs --------------------------------------------------------------------------

  submit(input: unknown = { steps: [{ op: 'finish' }] }, extra: Record<string, unknown> = {}): number {
    return this.send('job.submit', { agent: 'conformance', input, ...extra });
  }

  accepted(jobId: string, extra: Record<string, unknown> = {}): number {
    return this.recv('job.accepted', { job_id: jobId, lease: {}, ...extra });
  }

  event(jobId: string, options: EventOptions = {}): number {
    const marker = options.marker === undefined ? undefined : Array.isArray(options.marker) ? { branch: options.marker[0], i: options.marker[1] } : options.marker;
    const kind = options.kind ?? 'log';
    const body = { ...(kind === 'log' ? { level: 'info', message: 'conformance' } : {}), ...options.body, ...(marker ? { marker } : {}) };
    return this.recv('job.event', { kind, body }, { job_id: jobId, event_seq: this.seq(options.seq), ...options.envelope });
  }

  chunk(jobId: string, resultId: string, chunkSeq: number, more: boolean, options: EventOptions = {}): number {
    return this.event(jobId, { ...options, kind: 'result_chunk', body: { result_id: resultId, chunk_seq: chunkSeq, data: 'x', encoding: 'utf8', more, ...options.body } });
  }

  result(jobId: string, options: TerminalOptions = {}): number {
    return this.recv('job.result', { final_status: 'success', ...options.payload }, { job_id: jobId, event_seq: this.seq(options.seq), ...options.envelope });
  }

  jobError(jobId: string, code: string, finalStatus: string | undefined, options: TerminalOptions & { retryable?: boolean } = {}): number {
    const payload = { code, message: code.toLowerCase(), retryable: options.retryable ?? false, final_status: finalStatus, ...options.payload };
    return this.recv('job.error', payload, { job_id: jobId, event_seq: this.seq(options.seq), ...options.envelope });
  }

  /** The cancel terminal: job.error CANCELLED / "cancelled". */
  cancelledTerminal(jobId: string, options: TerminalOptions = {}): number {
    return this.jobError(jobId, 'CANCELLED', 'cancelled', options);
  }

  cancel(jobId: string): number {
    return this.send('job.cancel', { job_id: jobId, reason: 'test' }, { job_id: jobId });
  }

  cancelled(jobId: string): number {
    return this.recv('job.cancelled', { job_id: jobId }, { job_id: jobId });
  }

  subscribe(jobId: string, extra: Record<string, unknown> = {}): number {
    return this.send('job.subscribe', { job_id: jobId, ...extra });
  }

  subscribed(jobId: string, currentStatus: string, extra: Record<string, unknown> = {}): number {
    return this.recv('job.subscribed', {
      job_id: jobId,
      current_status: currentStatus,
      agent: 'conformance@1',
      lease: {},
      subscribed_from: 0,
      replayed: false,
      ...extra,
    });
  }

  unsubscribe(jobId: string): number {
    return this.send('job.unsubscribe', { job_id: jobId });
  }

  listJobs(requestId: string): number {
    return this.send('session.list_jobs', {}, { id: requestId });
  }

  jobs(requestId: string, rows: readonly Record<string, unknown>[]): number {
    const full = rows.map((row) => ({ agent: 'conformance@1', lease: {}, created_at: '2026-01-01T00:00:00Z', ...row }));
    return this.recv('session.jobs', { request_id: requestId, jobs: full, next_cursor: null });
  }

  private seq(explicit: number | undefined): number {
    const seq = explicit ?? this.nextSeq;
    this.nextSeq = seq + 1;
    return seq;
  }
}

/** A fresh builder: `const t = transcript(); const c1 = t.open('c1', 'principal:alice');` */
export function transcript(): TranscriptBuilder {
  return new TranscriptBuilder();
}
