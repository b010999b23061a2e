// A tolerant reading of one recorded frame. Transcripts hold whatever the server sent, so
// nothing here assumes the frame is valid: absent or ill-typed fields read as undefined and
// the checkers decide what that means.
import { isTerminalStatus } from '../../spec/primitives.ts';
import type { Marker } from '../../spec/agent-script.ts';

export type JsonObject = Readonly<Record<string, unknown>>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function stringField(value: unknown, key: string): string | undefined {
  if (!isObject(value)) return undefined;
  const field = value[key];
  return typeof field === 'string' && field.length > 0 ? field : undefined;
}

function nonNegativeInteger(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

/** The envelope fields of one frame, read without trusting them. */
export interface WireFrame {
  readonly type: string;
  readonly arcp: unknown;
  readonly id: string | undefined;
  /** The envelope `session_id`. */
  readonly sessionId: string | undefined;
  /** The envelope `job_id`. */
  readonly envelopeJobId: string | undefined;
  /** The envelope `job_id`, else `payload.job_id` (job.accepted, job.subscribed, job.cancel...). */
  readonly jobId: string | undefined;
  /** Whether the envelope has an `event_seq` at all (null counts as absent). */
  readonly hasSeq: boolean;
  /** `event_seq` when it is a non-negative safe integer. */
  readonly seq: number | undefined;
  /** `event_seq` as sent, for messages about a bad one. */
  readonly rawSeq: unknown;
  readonly payload: JsonObject;
}

const EMPTY: JsonObject = Object.freeze({});

/** The frame's envelope, or undefined when it is not an object with a string `type`. */
export function readWireFrame(frame: unknown): WireFrame | undefined {
  if (!isObject(frame) || typeof frame.type !== 'string') return undefined;
  const payload = isObject(frame.payload) ? frame.payload : EMPTY;
  const envelopeJobId = stringField(frame, 'job_id');
  const rawSeq = frame.event_seq;
  return {
    type: frame.type,
    arcp: frame.arcp,
    id: stringField(frame, 'id'),
    sessionId: stringField(frame, 'session_id'),
    envelopeJobId,
    jobId: envelopeJobId ?? stringField(payload, 'job_id'),
    hasSeq: rawSeq !== undefined && rawSeq !== null,
    seq: nonNegativeInteger(rawSeq),
    rawSeq,
    payload,
  };
}

/**
 * Frames in the session's event_seq sequence (v1.0 §5.1, §8.3). A job.error without a job
 * is a rejected request (DESIGN §5), not a job's terminal, and takes no seq.
 */
export function isSequencedFrame(wire: WireFrame): boolean {
  return wire.type === 'job.event' || wire.type === 'job.result' || (wire.type === 'job.error' && wire.jobId !== undefined);
}

/** A job's terminal: job.result, or job.error for a job (DESIGN §5). */
export function isTerminalFrame(wire: WireFrame): boolean {
  return wire.type === 'job.result' || (wire.type === 'job.error' && wire.jobId !== undefined);
}

/** The final status a terminal frame reports; undefined when it reports none we know. */
export function terminalStatusOf(wire: WireFrame): string | undefined {
  if (wire.type === 'job.result') return 'success';
  const status = stringField(wire.payload, 'final_status');
  return status !== undefined && isTerminalStatus(status) ? status : undefined;
}

/** Whether a terminal says the job was cancelled (by its code or its final status). */
/**
 * A job.result saying the job was cancelled: a cancelled job in the wrong terminal form. After
 * an authorized cancel it is CANCEL-002's observation (cancel checker), judged there alone.
 */
export function isCancelledResult(wire: WireFrame): boolean {
  return wire.type === 'job.result' && stringField(wire.payload, 'final_status') === 'cancelled';
}

export function isCancelledTerminal(wire: WireFrame): boolean {
  return (
    wire.type === 'job.error' &&
    (stringField(wire.payload, 'code') === 'CANCELLED' || stringField(wire.payload, 'final_status') === 'cancelled')
  );
}

/** `payload.kind` of a job.event. */
export function eventKind(wire: WireFrame): string | undefined {
  return stringField(wire.payload, 'kind');
}

export function eventBody(wire: WireFrame): JsonObject | undefined {
  const body = wire.payload.body;
  return isObject(body) ? body : undefined;
}

/** The conformance agent's marker on an event body (DESIGN §4), if well formed. */
export function markerOf(wire: WireFrame): Marker | undefined {
  if (wire.type !== 'job.event') return undefined;
  const marker = eventBody(wire)?.marker;
  if (!isObject(marker)) return undefined;
  const branch = marker.branch;
  const i = nonNegativeInteger(marker.i);
  return typeof branch === 'string' && i !== undefined ? { branch, i } : undefined;
}

export interface ChunkFields {
  readonly resultId: string;
  readonly chunkSeq: number | undefined;
  readonly more: boolean | undefined;
}

/** The fields of a result_chunk event the chunk rules need (v1.1 §8.4). */
export function chunkOf(wire: WireFrame): ChunkFields | undefined {
  if (wire.type !== 'job.event' || eventKind(wire) !== 'result_chunk') return undefined;
  const body = eventBody(wire);
  const resultId = stringField(body, 'result_id');
  if (body === undefined || resultId === undefined) return undefined;
  return {
    resultId,
    chunkSeq: nonNegativeInteger(body.chunk_seq),
    more: typeof body.more === 'boolean' ? body.more : undefined,
  };
}

/** A value shown in a message, cut short. */
export function shortJson(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/** A short description of a frame for messages, e.g. `job.event log [0.1#4]`. Never secrets. */
export function describeFrame(wire: WireFrame): string {
  const parts = [wire.type];
  const kind = wire.type === 'job.event' ? eventKind(wire) : stringField(wire.payload, 'code');
  if (kind !== undefined) parts.push(kind);
  const marker = markerOf(wire);
  if (marker !== undefined) parts.push(`[${marker.branch}#${marker.i}]`);
  return parts.join(' ');
}

// FNV-1a over short texts: replays are compared by this 32-bit fingerprint instead of
// keeping every frame (a collision can only hide a mismatch, never invent one).
function fnv1a(hash: number, text: string): number {
  for (let k = 0; k < text.length; k++) {
    hash ^= text.charCodeAt(k);
    hash = Math.imul(hash, 0x01000193);
  }
  // A separator after each part, so ("ab","c") and ("a","bc") differ.
  return Math.imul(hash ^ 0xff, 0x01000193);
}

// FNV-1a over the four bytes of a 32-bit integer: no String() per frame on the hot path.
function fnv1aInt(hash: number, value: number): number {
  for (let shift = 0; shift < 32; shift += 8) {
    hash ^= (value >>> shift) & 0xff;
    hash = Math.imul(hash, 0x01000193);
  }
  return Math.imul(hash ^ 0xff, 0x01000193);
}

/** What must survive a replay unchanged: job, type, kind, marker, chunk position, outcome. */
export function fingerprintOf(wire: WireFrame): number {
  let hash = fnv1a(0x811c9dc5, wire.type);
  hash = fnv1a(hash, wire.jobId ?? '');
  hash = fnv1a(hash, eventKind(wire) ?? '');
  const marker = markerOf(wire);
  if (marker !== undefined) hash = fnv1aInt(fnv1a(hash, marker.branch), marker.i);
  const chunk = chunkOf(wire);
  if (chunk !== undefined) hash = fnv1aInt(fnv1a(hash, chunk.resultId), chunk.chunkSeq ?? -1);
  hash = fnv1a(hash, stringField(wire.payload, 'final_status') ?? '');
  hash = fnv1a(hash, stringField(wire.payload, 'code') ?? '');
  return hash >>> 0;
}
