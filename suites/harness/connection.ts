// One WebSocket to the server under test. Every message in either direction is recorded once
// (parsed, validated, redacted); inbound frames also go to the connection's inbox, where
// bounded waits find them. Bad server behaviour becomes a recorded finding or a
// HarnessError; never a hang, a throw from an event handler, or an unhandled rejection.
import WebSocket, { type RawData } from 'ws';
import { ARCP_VERSION } from '../../spec/messages.ts';
import { validateFrame } from '../../spec/validate.ts';
import { FRAME_STILL_ARRIVING, HarnessError, type HarnessEvidence } from './errors.ts';
import { GiantFrameCutter } from './giant-frames.ts';
import { type FramePredicate, type WireFrame, isWireFrame, summarizeEntries } from './frames.ts';
import { nextMessageId } from './ids.ts';
import { JobHoldings } from './job-holdings.ts';
import { collectAfterLargeMessage } from './large-message-gc.ts';
import { parseBoundingAgentList } from './long-agent-lists.ts';
import { cutLongStrings } from './long-strings.ts';
import { costOf, type Transcript } from './transcript.ts';
import type { FrameEntry, FrameVerdict, TranscriptEntry } from './transcript-types.ts';

/** Frames received since a failed wait began that its evidence highlights (the latest). */
const WAIT_EVIDENCE_RECEIVED = 6;

export const DEFAULT_WAIT_MS = 5000;
export const DEFAULT_MAX_PAYLOAD_BYTES = 64 * 1024 * 1024;
/**
 * Largest frame `send` writes: 64 KiB is a common server default, and a frame over it
 * measures the server's limit, not what the test is about. A test about large frames
 * writes them with `sendRaw`.
 */
export const OUTBOUND_FRAME_LIMIT_BYTES = 64 * 1024;

export interface ConnectionOptions {
  readonly transcript: Transcript;
  /** Stored on the transcript's `open` entry, e.g. `owner`, `subscriber`. */
  readonly label?: string;
  /** Bound of the connect, and the default bound of each wait. */
  readonly timeoutMs?: number;
  readonly subprotocol?: string;
  /** Larger inbound messages close the socket (code 1009). */
  readonly maxPayloadBytes?: number;
  /** Answer `session.ping` with `session.pong` once the session id is known (default true). */
  readonly autoPong?: boolean;
  /**
   * Most inbound entries the inbox keeps for waits; older ones leave (a wait or mark from
   * before them sees only what is kept). Default: the transcript's `limits.inbox` once it is
   * bounded, else no limit.
   */
  readonly inboxLimit?: number;
  /**
   * The agent the kit asks for (the profile's): its entries stay in a welcome's agent list
   * of many thousand (long-agent-lists.ts), wherever they are listed.
   */
  readonly agentName?: string;
}

/** Envelope fields `send` may add; `arcp`, `id` and `type` are always set. */
export interface Envelope {
  readonly session_id?: string;
  readonly job_id?: string;
  readonly trace_id?: string;
  readonly event_seq?: number;
}

export interface CloseInfo {
  readonly code: number;
  readonly reason: string;
}

/** An inbox position: frames received at or after it. Counts every inbound message, kept or not. */
export type Mark = number;

export interface WaitOptions {
  /** What is awaited, in words, for the timeout message: `job.result for j1`. */
  readonly description: string;
  readonly timeoutMs?: number;
  /** Only frames at or after this mark; default: the mark when the wait starts. */
  readonly after?: Mark;
}

export interface WatchOptions {
  readonly description: string;
  /** How long to watch. */
  readonly forMs: number;
  readonly after?: Mark;
}

/** Sees each inbound frame with its real values; for the harness's own bookkeeping. */
export type InboundListener = (frame: unknown, entry: FrameEntry) => void;

interface Waiter {
  readonly predicate: FramePredicate;
  readonly description: string;
  readonly after: Mark;
  readonly startedAt: number;
  readonly resolve: (frame: WireFrame | undefined) => void;
  readonly reject: (error: unknown) => void;
  /** Watches end quietly (resolve undefined) instead of rejecting. */
  readonly quiet: boolean;
  timer?: NodeJS.Timeout;
}

function invalid(error: string): FrameVerdict {
  return { valid: false, errors: [error] };
}

/** The URL as shown in messages: no user info, query or fragment (they may hold secrets). */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

const NETWORK_ERRORS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
};

function describeConnectError(error: unknown): string {
  const errors = error instanceof AggregateError ? [error, ...error.errors] : [error];
  for (const e of errors) {
    const code = (e as NodeJS.ErrnoException | undefined)?.code;
    if (typeof code === 'string') return `${NETWORK_ERRORS[code] ?? 'network error'} (${code})`;
  }
  return error instanceof Error && error.message !== '' ? error.message : String(error);
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

/**
 * Whether ws's receiver is inside a frame: when the socket ended, a server that cut the
 * connection mid-frame; when a wait ran out, a reply still arriving. Reads ws 8 internals, so
 * anything unexpected reads as "no".
 */
function insideFrame(ws: WebSocket): boolean {
  const receiver = (ws as unknown as { _receiver?: { _state?: unknown; _bufferedBytes?: unknown } })._receiver;
  if (receiver === undefined) return false;
  const state = receiver._state;
  const buffered = receiver._bufferedBytes;
  return (typeof state === 'number' && state !== 0) || (typeof buffered === 'number' && buffered > 0);
}

/**
 * Puts `cutter` between the socket and ws's frame parser (ws 8's receiver, an internal that
 * both its data handler and its close handler write to). Says false when the internals are not
 * as expected: messages then reach ws whole, as without it.
 */
function cutBeforeParser(ws: WebSocket, cutter: GiantFrameCutter): boolean {
  const receiver = (ws as unknown as { _receiver?: { write?: unknown } })._receiver;
  if (receiver === undefined || typeof receiver.write !== 'function') return false;
  const write = (receiver.write as (chunk: Buffer) => boolean).bind(receiver);
  receiver.write = (chunk: Buffer): boolean => {
    let drained = true;
    for (const bytes of cutter.transform(chunk)) drained = write(bytes) && drained;
    return drained;
  };
  return true;
}

function describeClose(info: CloseInfo): string {
  return `code ${info.code}${info.reason === '' ? ', no reason' : `, reason ${JSON.stringify(info.reason)}`}`;
}

export class Connection {
  readonly id: string;
  readonly label: string | undefined;
  readonly transcript: Transcript;
  readonly url: string;
  /** Default bound of waits. */
  readonly timeoutMs: number;
  /** Resolves once, when the socket is gone (either side); never rejects. */
  readonly closed: Promise<CloseInfo>;
  autoPong: boolean;
  /** The jobs the session on this connection holds (shared across a session's resumes): decides what a job.error is. */
  holdings = new JobHoldings();

  readonly #ws: WebSocket;
  /** Inbound entries; `#inbox[k]` is at mark `#inboxOffset + k`, kept from `#inboxHead` on. */
  #inbox: FrameEntry[] = [];
  #inboxHead = 0;
  #inboxOffset = 0;
  #inboxBytes = 0;
  readonly #inboxLimit: number | undefined;
  readonly #waiters = new Set<Waiter>();
  /** An array, not a Set: iterated for every inbound frame. */
  #listeners: InboundListener[] = [];
  #resolveClosed!: (info: CloseInfo) => void;
  #closeInfo: CloseInfo | undefined;
  #lastError: string | undefined;
  #opened = false;
  #sessionId: string | undefined;
  #pendingPings: unknown[] = [];
  /** Cuts giant messages as they arrive, once the socket is open (unless ws's internals moved). */
  #cutter: GiantFrameCutter | undefined;
  /** Data messages received so far: the ordinal the cutter names a cut message by. */
  #messagesIn = 0;
  readonly #agentName: string | undefined;
  #agentEntriesElided = 0;
  /** When the latest message was whole (or the connection opened): a flood keeps it recent. */
  #lastMessageAt = performance.now();
  #messagesCut = 0;

  /** Use `openConnection`. */
  constructor(ws: WebSocket, id: string, url: string, options: ConnectionOptions) {
    this.#ws = ws;
    this.id = id;
    this.url = url;
    this.label = options.label;
    this.transcript = options.transcript;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_WAIT_MS;
    this.autoPong = options.autoPong ?? true;
    this.#inboxLimit = options.inboxLimit;
    this.#agentName = options.agentName;
    this.closed = new Promise((resolve) => {
      this.#resolveClosed = resolve;
    });
    const cutter = new GiantFrameCutter({
      maxPayloadBytes: options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES,
      streamedBytes: this.transcript.frameBytes,
      secrets: () => this.transcript.redactor.secretsInJson(),
      wantedInAgentLists: () => this.#wantedInAgentLists(),
    });
    ws.on('open', () => {
      // Before any data reaches the parser: ws emits 'open' as it attaches its socket handlers.
      if (cutBeforeParser(ws, cutter)) this.#cutter = cutter;
      this.#opened = true;
      this.transcript.recordConnection({ conn: id, event: 'open', ...(this.label === undefined ? {} : { label: this.label }) });
    });
    ws.on('message', (data, isBinary) => this.#onMessage(data, isBinary));
    ws.on('error', (error) => {
      // Errors are followed by 'close'; keep the cause for the transcript and messages.
      this.#lastError = error.message;
    });
    // ws swallows errors of the TCP socket itself (a reset reads as a bare 1006): keep them too.
    ws.once('upgrade', (response) => {
      response.socket.on('error', (error: Error) => {
        this.#lastError ??= error.message;
      });
    });
    ws.on('close', (code, reason) => this.#onClose(code, reason.toString('utf8')));
  }

  /** Messages that reached the kit cut as they arrived, never whole (giant-frames.ts). */
  get messagesCutAsArrived(): number {
    return this.#messagesCut;
  }

  /** Entries of long agent lists left out, each of the shape of one kept (long-agent-lists.ts). */
  get agentEntriesElided(): number {
    return this.#agentEntriesElided;
  }

  get isOpen(): boolean {
    return this.#ws.readyState === WebSocket.OPEN;
  }

  /** How the socket closed, once it has. */
  get closeInfo(): CloseInfo | undefined {
    return this.#closeInfo;
  }

  /** The session the connection belongs to; set after the welcome. Unlocks auto-pong. */
  get sessionId(): string | undefined {
    return this.#sessionId;
  }

  set sessionId(id: string | undefined) {
    this.#sessionId = id;
    if (id !== undefined) {
      const pending = this.#pendingPings;
      this.#pendingPings = [];
      for (const nonce of pending) this.#pong(nonce);
    }
  }

  /** Kept inbound entries, in arrival order (including frames that were not JSON); the first is at `inboxStart`. */
  get inbox(): readonly FrameEntry[] {
    return this.#inboxHead === 0 ? this.#inbox : this.#inbox.slice(this.#inboxHead);
  }

  /** The mark of the oldest kept inbound entry (0 unless the inbox is bounded and full). */
  get inboxStart(): Mark {
    return this.#inboxOffset + this.#inboxHead;
  }

  /** The current inbox position. */
  mark(): Mark {
    return this.#inboxOffset + this.#inbox.length;
  }

  /**
   * Inbound JSON-object frames received at or after `after`, every one of them: a judgement
   * reads these. Throws a HarnessError `incomplete` when some were let go (a bounded inbox
   * outgrown by a flood), rather than judge from part of them.
   */
  framesSince(after: Mark = 0): WireFrame[] {
    const start = this.inboxStart;
    if (after < start) {
      throw new HarnessError(
        'incomplete',
        `the kit cannot judge from all frames ${this.id} received since mark ${after}: ${start - after} of them were let go, ` +
          `because the server sent more than the kit keeps for one test (it keeps the newest ${this.#inbox.length - this.#inboxHead})`,
        { redact: (t) => this.#redact(t), evidence: this.#waitEvidence(start) },
      );
    }
    return this.framesKeptSince(after);
  }

  /** Inbound JSON-object frames received at or after `after` that are still kept: for evidence and notes, never a judgement. */
  framesKeptSince(after: Mark = 0): WireFrame[] {
    const out: WireFrame[] = [];
    for (let i = this.#slot(after); i < this.#inbox.length; i += 1) {
      const frame = this.#inbox[i]?.frame;
      if (isWireFrame(frame)) out.push(frame);
    }
    return out;
  }

  /** Registers a listener that sees real (unredacted) inbound frames. Returns its remover. */
  addInboundListener(listener: InboundListener): () => void {
    this.#listeners = [...this.#listeners, listener];
    return () => {
      this.#listeners = this.#listeners.filter((l) => l !== listener);
    };
  }

  /** Builds the envelope (`arcp: "1.1"`, a fresh `id`), sends and records it; returns the id. */
  send(type: string, payload: unknown, envelope: Envelope = {}): string {
    const id = nextMessageId();
    const frame: Record<string, unknown> = { arcp: ARCP_VERSION, id, type };
    if (envelope.session_id !== undefined) frame.session_id = envelope.session_id;
    if (envelope.job_id !== undefined) frame.job_id = envelope.job_id;
    if (envelope.trace_id !== undefined) frame.trace_id = envelope.trace_id;
    if (envelope.event_seq !== undefined) frame.event_seq = envelope.event_seq;
    frame.payload = payload;
    const text = JSON.stringify(frame);
    const bytes = Buffer.byteLength(text);
    if (bytes > OUTBOUND_FRAME_LIMIT_BYTES) {
      throw new HarnessError('protocol', `the kit would send a ${type} of ${bytes} bytes, over its ${OUTBOUND_FRAME_LIMIT_BYTES}-byte frame budget (a test about large frames uses sendRaw)`, {
        redact: (t) => this.#redact(t),
      });
    }
    this.#transmit(text, false, frame, validateFrame(frame), type);
    return id;
  }

  /** Sends exactly these bytes: text as a text message, a Buffer as a binary message. */
  sendRaw(data: string | Buffer): void {
    if (Buffer.isBuffer(data)) {
      this.#transmit(data, true, undefined, invalid(`binary WebSocket message (${data.length} bytes)`), 'a binary message');
      return;
    }
    let frame: unknown;
    try {
      frame = JSON.parse(data);
    } catch {
      this.#transmit(data, false, undefined, invalid('not JSON'), 'a raw text message');
      return;
    }
    this.#transmit(data, false, frame, validateFrame(frame), 'a raw frame');
  }

  /**
   * The first inbound frame at or after `after` that matches. Rejects with `timeout` when
   * the bound passes and with `closed` when the socket closes first.
   */
  waitFor(predicate: FramePredicate, options: WaitOptions): Promise<WireFrame> {
    return this.#wait(predicate, options.description, options.timeoutMs ?? this.timeoutMs, options.after, false) as Promise<WireFrame>;
  }

  /** Like `waitFor`, but resolves `undefined` when nothing matched in `forMs` or the socket closed. */
  watch(predicate: FramePredicate, options: WatchOptions): Promise<WireFrame | undefined> {
    return this.#wait(predicate, options.description, options.forMs, options.after, true);
  }

  /** Cuts the socket with no close frame (the server sees 1006). */
  drop(): void {
    if (this.#closeInfo !== undefined) return;
    this.transcript.recordConnection({ conn: this.id, event: 'dropped' });
    this.#ws.terminate();
  }

  /** Graceful WebSocket close; terminates the socket if the close handshake takes too long. */
  async closeSocket(code = 1000, reason = '', timeoutMs = Math.min(this.timeoutMs, 2000)): Promise<CloseInfo> {
    if (this.#closeInfo !== undefined) return this.#closeInfo;
    if (this.#ws.readyState === WebSocket.OPEN) {
      this.transcript.recordConnection({ conn: this.id, event: 'closing', code, ...(reason === '' ? {} : { reason }) });
      this.#ws.close(code, reason);
    }
    const info = await this.closedWithin(timeoutMs);
    if (info !== undefined) return info;
    this.drop();
    return (await this.closedWithin(1000)) ?? { code: 1006, reason: '' };
  }

  /** How the socket closed, if it does within `ms`; `undefined` otherwise. */
  closedWithin(ms: number): Promise<CloseInfo | undefined> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(undefined), ms);
      void this.closed.then((info) => {
        clearTimeout(timer);
        resolve(info);
      });
    });
  }

  #redact(text: string): string {
    return this.transcript.redactor.redactText(text);
  }

  #transmit(data: string | Buffer, binary: boolean, frame: unknown, verdict: FrameVerdict, what: string): void {
    if (!this.isOpen) {
      const state = this.#closeInfo === undefined ? 'closing' : `closed (${describeClose(this.#closeInfo)})`;
      throw new HarnessError('closed', `cannot send ${what} on ${this.id}: the connection is ${state}`, {
        redact: (t) => this.#redact(t),
      });
    }
    const text = typeof data === 'string' ? data : data.toString('utf8');
    const bytes = typeof data === 'string' ? Buffer.byteLength(data) : data.length;
    this.transcript.recordFrame({ conn: this.id, dir: 'out', frame, text, bytes, verdict });
    this.#ws.send(data, { binary }, (error) => {
      if (error) this.#lastError = error.message;
    });
  }

  #onMessage(data: RawData, isBinary: boolean): void {
    const buffer = toBuffer(data);
    // A giant message arrives already cut (giant-frames.ts); any other message over the frame
    // bound is parsed with its long strings cut (long-strings.ts), unless they hold a secret.
    const cut = this.#cutter?.takeCut(this.#messagesIn);
    this.#messagesIn += 1;
    this.#lastMessageAt = performance.now();
    if (cut !== undefined) {
      this.#messagesCut += 1;
      this.#agentEntriesElided += cut.agentsElided;
    }
    const wireBytes = cut?.wireBytes ?? buffer.length;
    const redactor = this.transcript.redactor;
    const textIsBuffer = cut !== undefined || buffer.length <= this.transcript.frameBytes;
    const text = textIsBuffer ? buffer.toString('utf8') : cutLongStrings(buffer, (from, to) => redactor.mentionedIn(buffer, from, to));
    let frame: unknown;
    let verdict: FrameVerdict;
    if (isBinary) {
      verdict = invalid(`binary WebSocket message (${wireBytes} bytes): ARCP frames are JSON text messages`);
    } else {
      try {
        // A welcome listing many thousand agents keeps a bounded list (same verdicts).
        const bounded = parseBoundingAgentList(textIsBuffer ? buffer : Buffer.from(text), () => this.#wantedInAgentLists());
        frame = bounded === undefined ? JSON.parse(text) : bounded.value;
        this.#agentEntriesElided += bounded?.agentsElided ?? 0;
        verdict = validateFrame(frame);
      } catch (error) {
        verdict = invalid(`not JSON: ${(error as Error).message}`);
      }
    }
    const entry = this.transcript.recordFrame({ conn: this.id, dir: 'in', frame, text, ...(cut === undefined ? { wire: buffer } : { sha256: cut.sha256 }), bytes: wireBytes, verdict });
    this.holdings.observe(frame, entry.frame);
    const listeners = this.#listeners;
    for (let k = 0; k < listeners.length; k += 1) (listeners[k] as InboundListener)(frame, entry);
    if (isWireFrame(frame) && frame.type === 'session.ping') this.#onPing(frame);
    // Waiters get the frame whole now; later waits find what the transcript keeps of it
    // (a frame over its bound: the skeleton with every field the checkers read).
    this.#push(this.transcript.keptOf(entry));
    this.#offer(entry);
    collectAfterLargeMessage(wireBytes);
  }

  /** The array slot of mark `after`, clamped to what is kept. */
  #slot(after: Mark): number {
    return Math.max(this.#inboxHead, after - this.#inboxOffset);
  }

  #push(entry: FrameEntry): void {
    this.#inbox.push(entry);
    // The same byte estimate as the transcript's, so a flood of huge frames cannot pile up here.
    this.#inboxBytes += costOf(entry);
    const limits = this.transcript.limits;
    const limit = this.#inboxLimit ?? limits?.inbox;
    if (limit === undefined) return;
    const byteLimit = limits?.bytes ?? Number.POSITIVE_INFINITY;
    while (this.#inbox.length - this.#inboxHead > 1 && (this.#inbox.length - this.#inboxHead > limit || this.#inboxBytes > byteLimit)) {
      const old = this.#inbox[this.#inboxHead] as FrameEntry;
      this.#inbox[this.#inboxHead] = undefined as unknown as FrameEntry;
      this.#inboxHead += 1;
      this.#inboxBytes -= costOf(old);
    }
    if (this.#inboxHead > 4096 && this.#inboxHead * 2 > this.#inbox.length) {
      this.#inbox = this.#inbox.slice(this.#inboxHead);
      this.#inboxOffset += this.#inboxHead;
      this.#inboxHead = 0;
    }
  }

  #onPing(frame: WireFrame): void {
    if (!this.autoPong) return;
    const nonce = isWireFrame(frame.payload) ? frame.payload.nonce : undefined;
    if (nonce === undefined) return;
    if (this.#sessionId === undefined) this.#pendingPings.push(nonce);
    else this.#pong(nonce);
  }

  #pong(nonce: unknown): void {
    if (!this.isOpen) return;
    this.send(
      'session.pong',
      { ping_nonce: nonce, received_at: new Date().toISOString() },
      this.#sessionId === undefined ? {} : { session_id: this.#sessionId },
    );
  }

  #offer(entry: FrameEntry): void {
    if (this.#waiters.size === 0 || !isWireFrame(entry.frame)) return;
    const position = this.mark() - 1;
    for (const waiter of this.#waiters) {
      if (position < waiter.after) continue;
      let matched: boolean;
      try {
        matched = waiter.predicate(entry.frame, entry);
      } catch (error) {
        this.#settle(waiter);
        waiter.reject(error);
        continue;
      }
      if (matched) {
        this.#settle(waiter);
        waiter.resolve(entry.frame);
      }
    }
  }

  #settle(waiter: Waiter): void {
    if (waiter.timer !== undefined) clearTimeout(waiter.timer);
    this.#waiters.delete(waiter);
  }

  #find(predicate: FramePredicate, after: Mark): WireFrame | undefined {
    for (let i = this.#slot(after); i < this.#inbox.length; i += 1) {
      const entry = this.#inbox[i] as FrameEntry;
      if (isWireFrame(entry.frame) && predicate(entry.frame, entry)) return entry.frame;
    }
    return undefined;
  }

  #wait(
    predicate: FramePredicate,
    description: string,
    timeoutMs: number,
    afterOption: Mark | undefined,
    quiet: boolean,
  ): Promise<WireFrame | undefined> {
    const after = afterOption ?? this.mark();
    let found: WireFrame | undefined;
    try {
      found = this.#find(predicate, after);
    } catch (error) {
      return Promise.reject(error);
    }
    if (found !== undefined) return Promise.resolve(found);
    if (this.#closeInfo !== undefined) {
      return quiet ? Promise.resolve(undefined) : Promise.reject(this.#closedError(description, after, this.#closeInfo));
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { predicate, description, after, startedAt: performance.now(), resolve, reject, quiet };
      waiter.timer = setTimeout(() => {
        this.#settle(waiter);
        if (quiet) resolve(undefined);
        else reject(this.#timeoutError(waiter, timeoutMs));
      }, timeoutMs);
      this.#waiters.add(waiter);
    });
  }

  #since(after: Mark): FrameEntry[] {
    return this.#inbox.slice(this.#slot(after));
  }

  /** Texts (as JSON) whose agents entries a long agent list keeps: the agent asked for, and the known secrets. */
  #wantedInAgentLists(): Buffer[] {
    const name = this.#agentName;
    return [...(name === undefined ? [] : [Buffer.from(JSON.stringify(name))]), ...this.transcript.redactor.secretsInJson()];
  }

  #insideFrame(): boolean {
    return insideFrame(this.#ws) || this.#cutter?.midFrame === true;
  }

  /**
   * A reply still arriving, slower than the wait bound: a frame part-way in, and no message
   * whole for half the wait or more. Frames that keep coming whole (a flood) are not slowness.
   */
  #slowReply(timeoutMs: number): boolean {
    return this.#insideFrame() && performance.now() - this.#lastMessageAt >= timeoutMs / 2;
  }

  #timeoutError(waiter: Waiter, timeoutMs: number): HarnessError {
    return new HarnessError(
      'timeout',
      `timed out after ${timeoutMs} ms on ${this.id} waiting for ${waiter.description}; ` +
        `since the wait began ${summarizeEntries(this.#since(waiter.after))}` +
        (this.#slowReply(timeoutMs) ? `; ${FRAME_STILL_ARRIVING} (the server sends slower than the wait bound)` : ''),
      { redact: (t) => this.#redact(t), evidence: this.#waitEvidence(waiter.after) },
    );
  }

  /**
   * The transcript around a failed wait: the last frame this connection sent (what the wait
   * answers), the last frames received since the wait began, and the newest entry (the close).
   */
  #waitEvidence(after: Mark): HarnessEvidence {
    const kept = this.transcript.entries;
    let sent: number | undefined;
    for (let k = kept.length - 1; k >= 0 && k >= kept.length - 4096; k -= 1) {
      const entry = kept[k] as TranscriptEntry;
      if (entry.kind === 'frame' && entry.dir === 'out' && entry.conn === this.id) {
        sent = entry.index;
        break;
      }
    }
    const received = this.#since(after).slice(-WAIT_EVIDENCE_RECEIVED).map((e) => e.index);
    const newest = kept.at(-1)?.index;
    const witnesses = [...new Set([...(sent === undefined ? [] : [sent]), ...received, ...(newest === undefined ? [] : [newest])])];
    return { transcript: this.transcript.window(witnesses, 3, 48), witnesses };
  }

  #closedError(description: string, after: Mark, info: CloseInfo): HarnessError {
    const cause = this.#lastError === undefined ? '' : ` after an error: ${this.#lastError}`;
    return new HarnessError(
      'closed',
      `connection ${this.id} closed (${describeClose(info)})${cause} while waiting for ${description}; ` +
        `since the wait began ${summarizeEntries(this.#since(after))}`,
      { redact: (t) => this.#redact(t), evidence: this.#waitEvidence(after) },
    );
  }

  #onClose(code: number, reason: string): void {
    if (this.#closeInfo !== undefined) return;
    const info = { code, reason };
    this.#closeInfo = info;
    if (this.#lastError === undefined && code === 1006 && this.#insideFrame()) {
      this.#lastError = 'the socket ended in the middle of a WebSocket frame';
    }
    this.#pendingPings = [];
    if (this.#opened) {
      this.transcript.recordConnection({
        conn: this.id,
        event: 'closed',
        code,
        ...(reason === '' ? {} : { reason }),
        ...(this.#lastError === undefined ? {} : { error: this.#lastError }),
      });
    }
    for (const waiter of [...this.#waiters]) {
      this.#settle(waiter);
      if (waiter.quiet) waiter.resolve(undefined);
      else waiter.reject(this.#closedError(waiter.description, waiter.after, info));
    }
    this.#resolveClosed(info);
  }
}

/**
 * Opens a WebSocket and records it on the transcript. Rejects with `unreachable` (one line:
 * refused, unknown host, HTTP error, or no connection within the bound).
 */
export function openConnection(url: string, options: ConnectionOptions): Promise<Connection> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_WAIT_MS;
  const redact = (text: string) => options.transcript.redactor.redactText(text);
  const where = displayUrl(url);
  let ws: WebSocket;
  try {
    ws = new WebSocket(url, options.subprotocol === undefined ? [] : [options.subprotocol], {
      handshakeTimeout: timeoutMs,
      maxPayload: options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES,
      perMessageDeflate: false,
    });
  } catch (error) {
    return Promise.reject(
      new HarnessError('unreachable', `cannot connect to ${where}: ${describeConnectError(error)}`, { redact, cause: error }),
    );
  }
  const connection = new Connection(ws, options.transcript.newConnectionId(), url, { ...options, timeoutMs });
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (message: string, cause?: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      ws.terminate();
      reject(new HarnessError('unreachable', `cannot connect to ${where}: ${message}`, { redact, cause }));
    };
    const timer = setTimeout(() => fail(`no WebSocket connection within ${timeoutMs} ms`), timeoutMs);
    ws.once('open', () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(connection);
    });
    ws.once('error', (error) => fail(describeConnectError(error), error));
    ws.once('close', (code) => fail(`the socket closed before the WebSocket opened (code ${code})`));
  });
}
