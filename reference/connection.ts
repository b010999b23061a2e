// One WebSocket connection: turns frames into validated messages and routes them. Every
// inbound frame is checked against the zod schemas of spec/ before anything acts on it;
// bad input gets `session.error INVALID_REQUEST` and leaves the session as it was.
import type { RawData, WebSocket } from 'ws';
import { ARCP_VERSION, CLIENT_MESSAGE_TYPES, MESSAGE_SCHEMAS, isMessageType, type Message, type MessageType } from '../spec/index.ts';
import type { ErrorCode } from '../spec/index.ts';
import { onCancel, onSubmit, onSubscribe, onUnsubscribe } from './job-handlers.ts';
import { RequestError, errorPayload } from './request-error.ts';
import type { Runtime } from './runtime.ts';
import { onAck, onClose, onHello, onListJobs, onPing, onResume } from './session-handlers.ts';
import type { Link, Session } from './session.ts';
import { randomId } from './ids.ts';
import { isUlidOrUuidV7 } from './variants.ts';

/** Deeper JSON than this is refused before any schema walks it. */
const MAX_JSON_DEPTH = 64;

const CLIENT_TYPES: ReadonlySet<string> = new Set(CLIENT_MESSAGE_TYPES);

export class Connection implements Link {
  readonly socket: WebSocket;
  lastInboundAt = Date.now();
  lastPingAt = 0;
  #session: Session | undefined;
  #closing = false;
  readonly #rt: Runtime;
  readonly #helloTimer: NodeJS.Timeout;

  constructor(rt: Runtime, socket: WebSocket) {
    this.#rt = rt;
    this.socket = socket;
    socket.on('message', (data, isBinary) => this.#onFrame(data, isBinary));
    socket.on('close', () => this.#onClosed());
    socket.on('error', () => undefined); // 'close' always follows; the session survives
    this.#helloTimer = setTimeout(() => {
      if (this.#session === undefined) this.close(1008, 'no session.hello in time');
    }, rt.config.helloTimeoutMs);
  }

  /** The session this connection carries, after a welcome. */
  bind(session: Session): void {
    clearTimeout(this.#helloTimer);
    this.#session = session;
    this.#rt.attach(session, this);
  }

  /** A refused hello or resume: session.error, then close (v1.0 §6.1, §6.3). Never a welcome. */
  refuse(code: ErrorCode, message: string, details?: Record<string, unknown>): void {
    this.#sendUnbound('session.error', errorPayload(code, message, details));
    this.close(1008, code);
  }

  close(code: number, reason: string): void {
    if (this.#closing) return;
    this.#closing = true;
    clearTimeout(this.#helloTimer);
    this.socket.close(code, reason);
    // A peer that never completes the closing handshake is cut.
    setTimeout(() => this.socket.terminate(), 1000).unref();
  }

  #onClosed(): void {
    this.#closing = true;
    clearTimeout(this.#helloTimer);
    const session = this.#session;
    if (session !== undefined && session.link === this) this.#rt.detach(session, 'drop');
  }

  #onFrame(data: RawData, isBinary: boolean): void {
    this.lastInboundAt = Date.now();
    if (this.#closing) return;
    let request: RequestFrame | undefined;
    try {
      if (isBinary) throw new EnvelopeError('binary frames are not ARCP messages; send JSON text frames');
      request = this.#envelope(data);
      this.#dispatch(this.#validate(request));
    } catch (error) {
      this.#reportError(error, request);
    }
  }

  /** The frame as an ARCP envelope: a JSON object with this version and a client message type. */
  #envelope(data: RawData): RequestFrame {
    let frame: unknown;
    try {
      frame = JSON.parse(Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(toBuffers(data)).toString('utf8'));
    } catch {
      throw new EnvelopeError('frame is not valid JSON');
    }
    if (typeof frame !== 'object' || frame === null || Array.isArray(frame)) throw new EnvelopeError('frame must be a JSON object');
    if (depthExceeds(frame, MAX_JSON_DEPTH)) throw new EnvelopeError(`frame nests deeper than ${MAX_JSON_DEPTH} levels`);
    const { type, arcp } = frame as RequestFrame;
    if (arcp !== ARCP_VERSION) throw new EnvelopeError(`arcp must be "${ARCP_VERSION}"`);
    if (!isMessageType(type) || !CLIENT_TYPES.has(type)) throw new EnvelopeError(`unknown or server-only message type ${JSON.stringify(type)}`);
    return frame as RequestFrame;
  }

  #validate(frame: RequestFrame): Message {
    const type = frame.type as MessageType;
    if (this.#rt.config.variants.has('ulid-ids') && !isUlidOrUuidV7(frame.id)) {
      throw new RequestError('INVALID_REQUEST', 'envelope id must be a ULID or UUIDv7');
    }
    const parsed = MESSAGE_SCHEMAS[type].safeParse(frame);
    if (!parsed.success) {
      const problems = parsed.error.issues.slice(0, 5).map((i) => `${i.path.map(String).join('.') || 'frame'}: ${i.message}`);
      throw new RequestError('INVALID_REQUEST', `invalid ${type}: ${problems.join('; ')}`, { problems });
    }
    return parsed.data as Message;
  }

  #dispatch(msg: Message): void {
    const rt = this.#rt;
    const session = this.#session;
    if (session === undefined) {
      if (msg.type === 'session.hello') return onHello(rt, this, msg as Message<'session.hello'>);
      if (msg.type === 'session.resume') return onResume(rt, this, msg as Message<'session.resume'>);
      throw new RequestError('INVALID_REQUEST', `${msg.type} before session.hello; open a session first`);
    }
    if (msg.type === 'session.hello' || msg.type === 'session.resume') {
      throw new RequestError('INVALID_REQUEST', 'this connection already carries a session');
    }
    if (msg.session_id !== session.id) throw new RequestError('INVALID_REQUEST', 'session_id does not match this session');
    const handler = SESSION_HANDLERS[msg.type];
    if (handler === undefined) throw new RequestError('INVALID_REQUEST', `unexpected ${msg.type}`);
    handler(rt, this, session, msg);
  }

  #reportError(error: unknown, request: RequestFrame | undefined): void {
    const variants = this.#rt.config.variants;
    if (error instanceof EnvelopeError && variants.has('malformed-closes')) return this.close(1007, 'not an ARCP envelope');
    const session = this.#session;
    const opening = request?.type === 'session.hello' || request?.type === 'session.resume';
    if (session === undefined && !opening && variants.has('drop-pre-hello')) return;
    const details: Record<string, unknown> = {};
    if (typeof request?.id === 'string') details.request_id = request.id;
    if (typeof request?.type === 'string') details.request_type = request.type;
    const payload =
      error instanceof RequestError
        ? error.toPayload(details)
        : errorPayload('INTERNAL_ERROR', `runtime fault: ${error instanceof Error ? error.message : String(error)}`, details);
    if (session !== undefined && session.link === this && error instanceof RequestError && variants.has('job-error-rejections')) {
      const jobId = rejectionJobId(this.#rt, session, request, error);
      if (jobId !== undefined) return void session.outbound.sequenced('job.error', `,"job_id":${JSON.stringify(jobId)}`, JSON.stringify({ ...payload, final_status: 'error' }));
    }
    if (session !== undefined && session.link === this) session.outbound.send('session.error', payload);
    else this.#sendUnbound('session.error', payload);
  }

  #sendUnbound(type: string, payload: unknown): void {
    if (this.socket.readyState !== 1) return;
    this.socket.send(JSON.stringify({ arcp: ARCP_VERSION, id: this.#rt.ids.next(), type, payload }));
  }
}

/** A frame that is not an ARCP envelope at all (the malformed-closes variant closes on it). */
class EnvelopeError extends RequestError {
  constructor(message: string) {
    super('INVALID_REQUEST', message);
  }
}

interface RequestFrame {
  readonly id?: unknown;
  readonly type?: unknown;
  readonly arcp?: unknown;
  readonly job_id?: unknown;
  readonly payload?: { readonly job_id?: unknown };
}

const JOB_REQUESTS: ReadonlySet<unknown> = new Set(['job.submit', 'job.cancel', 'job.subscribe', 'job.unsubscribe']);

/**
 * The job-error-rejections variant: the job_id its job.error rejection carries. The
 * request's target (cancel, subscribe) or the original job (DUPLICATE_KEY), unless this
 * session holds that job (then a job.error with its id would be the job's terminal, DESIGN
 * §5), else a fresh id. Undefined: not a job request, answered with session.error.
 */
function rejectionJobId(rt: Runtime, session: Session, request: RequestFrame | undefined, error: RequestError): string | undefined {
  if (!JOB_REQUESTS.has(request?.type)) return undefined;
  const named = request?.type === 'job.submit' ? error.details?.job_id : (request?.job_id ?? request?.payload?.job_id);
  const held = typeof named === 'string' && (session.delivered.has(named) || rt.jobs.get(named)?.submitterSessionId === session.id);
  return typeof named === 'string' && !held ? named : randomId('job_', 12);
}

type Handler = (rt: Runtime, conn: Connection, session: Session, msg: Message) => void;

const SESSION_HANDLERS: Partial<Record<MessageType, Handler>> = {
  'session.close': (rt, conn, s, m) => onClose(rt, conn, s, m as Message<'session.close'>),
  'session.bye': (rt, conn, s, m) => onClose(rt, conn, s, m as Message<'session.bye'>),
  'session.ping': (rt, _conn, s, m) => onPing(rt, s, m as Message<'session.ping'>),
  'session.pong': () => undefined, // receipt is what counts (lastInboundAt)
  'session.ack': (rt, _conn, s, m) => onAck(rt, s, m as Message<'session.ack'>),
  'session.list_jobs': (rt, _conn, s, m) => onListJobs(rt, s, m as Message<'session.list_jobs'>),
  'job.submit': (rt, _conn, s, m) => onSubmit(rt, s, m as Message<'job.submit'>),
  'job.cancel': (rt, _conn, s, m) => onCancel(rt, s, m as Message<'job.cancel'>),
  'job.subscribe': (rt, _conn, s, m) => onSubscribe(rt, s, m as Message<'job.subscribe'>),
  'job.unsubscribe': (rt, _conn, s, m) => onUnsubscribe(rt, s, m as Message<'job.unsubscribe'>),
};

function toBuffers(data: ArrayBuffer | Buffer[]): Buffer[] {
  return Array.isArray(data) ? data : [Buffer.from(data)];
}

/** Iterative (no recursion), so hostile nesting cannot overflow the stack. */
function depthExceeds(root: unknown, limit: number): boolean {
  const stack: Array<[unknown, number]> = [[root, 1]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop() as [unknown, number];
    if (typeof value !== 'object' || value === null) continue;
    if (depth > limit) return true;
    for (const child of Array.isArray(value) ? value : Object.values(value)) {
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
    }
  }
  return false;
}
