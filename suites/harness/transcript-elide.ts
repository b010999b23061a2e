// What a transcript keeps of a frame larger than its bound (a hostile or runaway server): the
// fields the checkers and reports read, taken from the whole parsed frame before anything is
// cut, plus the frame's head, size and digest. Long strings keep their head, long arrays their
// first items, wide objects the fields that matter first; the whole is a few KiB at most.
import { createHash } from 'node:crypto';
import type { Elision } from './transcript-types.ts';

/** Frames whose wire size passes this are kept elided (a setting: TranscriptOptions.frameBytes). */
export const DEFAULT_FRAME_BYTES = 64 * 1024;
/** Characters of the (redacted) wire text an elided frame keeps. */
export const ELIDED_HEAD_CHARS = 1024;

const STRING_CHARS = 256;
const ARRAY_ITEMS = 16;
const OBJECT_KEYS = 32;
const MAX_DEPTH = 8;
/** Values copied into one skeleton, all levels together. */
const MAX_NODES = 2048;

/**
 * Fields checkers, verdicts and diagrams read (suites/checkers/wire.ts and the checkers), copied
 * before any other field of the same object so a frame padded with junk fields keeps them.
 */
const FIELDS_FIRST = [
  'arcp', 'id', 'type', 'session_id', 'job_id', 'event_seq', 'trace_id', 'payload',
  'kind', 'code', 'retryable', 'final_status', 'status', 'message', 'body', 'marker', 'branch', 'i',
  'result_id', 'chunk_seq', 'more', 'phase', 'credentials', 'credential', 'value', 'jobs',
  'resume', 'resume_token', 'last_event_seq', 'details', 'reason', 'agent', 'lease', 'capabilities', 'features', 'agents',
  // A session keeps its welcome as kept here (suites/harness/session.ts); these are its timers.
  'heartbeat_interval_sec', 'resume_window_sec',
];
const FIRST = new Set(FIELDS_FIRST);


class Skeleton {
  nodes = 0;
  strings = 0;
  items = 0;
  fields = 0;

  copy(value: unknown, depth: number): unknown {
    this.nodes += 1;
    if (typeof value === 'string') {
      if (value.length <= STRING_CHARS) return value;
      this.strings += 1;
      return `${value.slice(0, STRING_CHARS)}… (${value.length - STRING_CHARS} more characters)`;
    }
    if (typeof value !== 'object' || value === null) return value;
    if (depth >= MAX_DEPTH) {
      this.fields += 1;
      return Array.isArray(value) ? [] : {};
    }
    if (Array.isArray(value)) {
      const out: unknown[] = [];
      for (const item of value) {
        if (out.length >= ARRAY_ITEMS || this.nodes >= MAX_NODES) break;
        out.push(this.copy(item, depth + 1));
      }
      this.items += value.length - out.length;
      return out;
    }
    const record = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    let kept = 0;
    const take = (key: string): void => {
      out[key] = this.copy(record[key], depth + 1);
      kept += 1;
    };
    for (const key of FIELDS_FIRST) if (Object.hasOwn(record, key) && this.nodes < MAX_NODES * 2) take(key);
    for (const key in record) {
      if (!Object.hasOwn(record, key) || FIRST.has(key)) continue;
      if (kept >= OBJECT_KEYS || this.nodes >= MAX_NODES) {
        this.fields += 1;
        continue;
      }
      take(key.length <= STRING_CHARS ? key : key.slice(0, STRING_CHARS));
    }
    return out;
  }
}

/** The digest an elided frame carries: of its bytes when the caller has them (hashing a string encodes a copy of it first). */
export function sha256Of(wire: string | Buffer): string {
  return createHash('sha256').update(wire).digest('hex');
}

/**
 * The skeleton of a parsed (redacted) frame and what was cut. `sha256` is the digest of the
 * message as received (sha256Of); `redactedHead` its start with secrets replaced.
 */
export function elideFrame(frame: unknown, sha256: string, redactedHead: string): { skeleton: unknown; elision: Elision } {
  const skeleton = new Skeleton();
  const copy = frame === undefined ? undefined : skeleton.copy(frame, 0);
  return {
    skeleton: copy,
    elision: {
      sha256,
      head: redactedHead,
      cut: { strings: skeleton.strings, items: skeleton.items, fields: skeleton.fields },
    },
  };
}
