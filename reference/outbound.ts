// One session's outbound side: stamps event_seq, keeps the resume buffer and writes to the
// attached socket. Stamping, buffering and writing happen in one synchronous call (the
// single serialized writer), so the wire order always equals the seq order, whatever
// emits concurrently. The `seq-race` defect re-creates the audited bug by putting an async
// hop between the stamp and the write.
import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import { ARCP_VERSION } from '../spec/index.ts';
import type { Defects } from './defects.ts';
import type { MessageIds } from './ids.ts';
import { SeqRing } from './seq-ring.ts';
import { textFrames } from './ws-frames.ts';

export type SequencedType = 'job.event' | 'job.result' | 'job.error';

const OPEN = 1; // WebSocket.OPEN

export class Outbound {
  readonly sessionId: string;
  /** Frames by event_seq, kept for resume until acked, expired or evicted. */
  readonly log: SeqRing<string>;
  /** Date.now() of the last frame written. */
  lastSentAt = Date.now();
  readonly #ids: MessageIds;
  readonly #defects: Defects;
  readonly #sessionPart: string;
  #lastSeq = 0;
  #socket: WebSocket | undefined;
  /** Frames written during the current tick, not yet on the socket. */
  #pending: string[] = [];

  constructor(sessionId: string, ids: MessageIds, defects: Defects, bufferCap: number) {
    this.sessionId = sessionId;
    this.log = new SeqRing<string>(bufferCap);
    this.#ids = ids;
    this.#defects = defects;
    this.#sessionPart = `,"session_id":${JSON.stringify(sessionId)}`;
  }

  get lastSeq(): number {
    return this.#lastSeq;
  }

  get socket(): WebSocket | undefined {
    return this.#socket;
  }

  /** Bytes written but not yet flushed to the network (0 when detached). */
  get backlogBytes(): number {
    return this.#socket?.bufferedAmount ?? 0;
  }

  attach(socket: WebSocket): void {
    this.#socket = socket;
  }

  detach(): void {
    this.flush();
    this.#socket = undefined;
  }

  /** An unsequenced frame (control messages, replies). Dropped when detached. */
  send(type: string, payload: unknown, envelope: Record<string, unknown> = {}): void {
    this.write(JSON.stringify({ arcp: ARCP_VERSION, id: this.#ids.next(), type, session_id: this.sessionId, ...envelope, payload }));
  }

  /**
   * A job.event/result/error: stamps the next event_seq, buffers the frame for resume and
   * writes it. `jobPart` is the pre-serialized `,"job_id":..,"trace_id":..` fragment;
   * `wireSeq` replaces the seq on the wire (only the seq-per-job defect passes it).
   */
  sequenced(type: SequencedType, jobPart: string, payloadJson: string, wireSeq?: number): void | Promise<void> {
    const seq = ++this.#lastSeq;
    const frame =
      `{"arcp":"${ARCP_VERSION}","id":"${this.#ids.next()}","type":"${type}"${this.#sessionPart}${jobPart}` +
      `,"event_seq":${wireSeq ?? seq},"payload":${payloadJson}}`;
    this.log.push(seq, frame, Date.now());
    if (this.#defects.has('seq-race')) return randomHop().then(() => this.write(frame));
    this.write(frame);
  }

  /** Takes a seq that no frame will carry (only the control-consumes-seq defect calls this); the log holds an empty entry for it. */
  skipSeq(): void {
    this.log.push(++this.#lastSeq, '', Date.now());
  }

  /** Queues a ready frame (also replays, and the subscribed-foreign-seq defect's forwards). */
  write(frame: string): void {
    const socket = this.#socket;
    if (socket === undefined || socket.readyState !== OPEN) return;
    this.#pending.push(frame);
    if (this.#pending.length === 1) process.nextTick(this.#flushSoon);
    this.lastSentAt = Date.now();
  }

  /**
   * Puts queued frames on the socket, in order, as one buffer. ws writes each frame with
   * two writes of its own; a burst of events is cheaper as one write (the one change that
   * matters for throughput). Runs at the end of the current tick, and before any detach.
   */
  flush(): void {
    const frames = this.#pending;
    if (frames.length === 0) return;
    this.#pending = [];
    const socket = this.#socket;
    // `_socket` is the net.Socket under ws (stable across ws 8); closing sockets get nothing.
    const tcp = (socket as unknown as { _socket?: Socket } | undefined)?._socket;
    if (socket === undefined || socket.readyState !== OPEN || tcp === undefined || tcp.destroyed) return;
    tcp.write(textFrames(frames));
  }

  readonly #flushSoon = (): void => this.flush();
}

/** 0-3 microtask turns: the "enqueue later" of the seq-race defect. */
async function randomHop(): Promise<void> {
  for (let n = Math.floor(Math.random() * 4); n > 0; n -= 1) await Promise.resolve();
}
