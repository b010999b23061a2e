// A session (v1.1 §6): principal, negotiated features, resume token, and what it has seen
// of each job. It outlives its transport: detached, it keeps buffering its jobs' events
// for the resume window.
import type { WebSocket } from 'ws';
import type { Feature } from '../spec/index.ts';
import type { Config } from './options.ts';
import type { MessageIds } from './ids.ts';
import { isoNow } from './ids.ts';
import { Outbound } from './outbound.ts';

/** What a job hands to each session it fans out to. */
export interface JobEntry {
  readonly type: 'job.event' | 'job.result' | 'job.error';
  readonly json: string;
  /** Replaces the job's envelope fragment (only the timeout-error-no-job-id defect sets it). */
  readonly wirePart?: string;
  /** A feature the receiving session must have negotiated to get this entry (v1.1 §6.2). */
  readonly feature?: Feature;
  /** Only sessions of this principal get this entry (a credential's value, v1.1 §14). */
  readonly principal?: string;
}

/** The parts of a job a session needs to stamp its frames. */
export interface JobWire {
  readonly id: string;
  /** Pre-serialized `,"job_id":..,"trace_id":..`. */
  readonly wirePart: string;
  /** The session that submitted the job (for the subscribed-foreign-seq defect). */
  readonly submitterSessionId: string;
}

/** The transport a session is attached to. */
export interface Link {
  readonly socket: WebSocket;
  /** Date.now() of the last frame received, of any kind. */
  lastInboundAt: number;
  /** Date.now() of the last ping the runtime sent, 0 if none since the last inbound frame. */
  lastPingAt: number;
  close(code: number, reason: string): void;
}

export class Session {
  readonly id: string;
  readonly principal: string;
  features: ReadonlySet<string>;
  readonly outbound: Outbound;
  resumeToken: string;
  link: Link | undefined;
  /** Job id -> highest job position delivered here; a position is never delivered twice. */
  readonly delivered = new Map<string, number>();
  /** Highest seq the client acknowledged (v1.1 §6.5). */
  ackedSeq = 0;
  /** Set when the session is gone for good (window passed). */
  expired = false;
  expiryTimer: NodeJS.Timeout | undefined;
  #backPressured = false;
  readonly #config: Config;
  /** Only the seq-per-job defect uses this. */
  readonly #perJobSeq = new Map<string, number>();

  constructor(id: string, principal: string, features: readonly string[], resumeToken: string, config: Config, ids: MessageIds) {
    this.id = id;
    this.principal = principal;
    this.features = new Set(features);
    this.resumeToken = resumeToken;
    this.#config = config;
    this.outbound = new Outbound(id, ids, config.defects, config.eventBufferCap);
  }

  has(feature: Feature): boolean {
    return this.features.has(feature);
  }

  /** Stamps and sends job position `pos` of `job`, unless this session already has it. */
  deliver(job: JobWire, pos: number, entry: JobEntry, foreignFrame?: string): void | Promise<void> {
    if (pos <= (this.delivered.get(job.id) ?? 0)) return;
    this.delivered.set(job.id, pos);
    if (entry.feature !== undefined && !this.features.has(entry.feature)) return;
    if (entry.principal !== undefined && entry.principal !== this.principal) return;
    if (foreignFrame !== undefined) return this.outbound.write(foreignFrame);
    let wireSeq: number | undefined;
    if (this.#config.defects.has('seq-per-job')) {
      wireSeq = (this.#perJobSeq.get(job.id) ?? 0) + 1;
      this.#perJobSeq.set(job.id, wireSeq);
    }
    const sent = this.outbound.sequenced(entry.type, entry.wirePart ?? job.wirePart, entry.json, wireSeq);
    const signal = entry.type === 'job.event' ? this.#maybeBackPressure(job) : undefined;
    return settleBoth(sent, signal);
  }

  /** v1.1 §6.5: a client ack frees buffered events and may clear back-pressure. */
  acknowledge(seq: number): void {
    if (seq <= this.ackedSeq) return;
    this.ackedSeq = seq;
    this.outbound.log.freeThrough(seq);
    if (this.#backPressured && this.outbound.lastSeq - seq <= this.#config.backPressureLag / 2) this.#backPressured = false;
  }

  // v1.1 §6.5: when the un-acked lag passes the threshold, tell this session once (until the
  // lag halves) with a session-local status event on the job that crossed it.
  #maybeBackPressure(job: JobWire): void | Promise<void> {
    if (this.#backPressured || !this.features.has('ack')) return;
    const lag = this.outbound.lastSeq - this.ackedSeq;
    if (lag <= this.#config.backPressureLag) return;
    this.#backPressured = true;
    const payload = { kind: 'status', ts: isoNow(), body: { phase: 'back_pressure', message: `${lag} events not acknowledged`, lag } };
    let wireSeq: number | undefined;
    if (this.#config.defects.has('seq-per-job')) {
      wireSeq = (this.#perJobSeq.get(job.id) ?? 0) + 1;
      this.#perJobSeq.set(job.id, wireSeq);
    }
    return this.outbound.sequenced('job.event', job.wirePart, JSON.stringify(payload), wireSeq);
  }
}

function settleBoth(a: void | Promise<void>, b: void | Promise<void>): void | Promise<void> {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Promise.all([a, b]).then(() => undefined);
}
