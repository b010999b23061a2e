// The recorded history of one test: every frame on every connection, in arrival order,
// with a monotonic timestamp. Frames are stored redacted; checkers and reporters read it.
import type { ConnectionEntry, Direction, FrameEntry, FrameVerdict, TranscriptEntry } from './transcript-types.ts';
import { Redactor } from './redact.ts';

/** Raw text of a non-JSON message is kept up to this many characters. */
export const RAW_TEXT_LIMIT = 2048;

export interface RecordFrameInput {
  readonly conn: string;
  readonly dir: Direction;
  /** The parsed value with its real contents, or `undefined` when it was not JSON. */
  readonly frame: unknown;
  /** The wire text (for binary messages: its UTF-8 decoding). Used for the redaction scan. */
  readonly text: string;
  readonly bytes: number;
  readonly verdict: FrameVerdict;
}

export interface RecordConnectionInput {
  readonly conn: string;
  readonly event: ConnectionEntry['event'];
  readonly code?: number;
  readonly reason?: string;
  readonly label?: string;
  readonly error?: string;
}

export type FrameFilter =
  | ((entry: FrameEntry) => boolean)
  | { readonly conn?: string; readonly dir?: Direction; readonly type?: string | readonly string[] };

/** The `type` of a recorded frame, if it has a string one. */
export function frameType(frame: unknown): string | undefined {
  if (typeof frame !== 'object' || frame === null) return undefined;
  const type = (frame as { type?: unknown }).type;
  return typeof type === 'string' ? type : undefined;
}

function truncate(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit)}… (${text.length - limit} more characters)`;
}

function matches(entry: FrameEntry, filter: FrameFilter | undefined): boolean {
  if (filter === undefined) return true;
  if (typeof filter === 'function') return filter(entry);
  if (filter.conn !== undefined && entry.conn !== filter.conn) return false;
  if (filter.dir !== undefined && entry.dir !== filter.dir) return false;
  if (filter.type !== undefined) {
    const type = frameType(entry.frame);
    if (type === undefined) return false;
    return typeof filter.type === 'string' ? type === filter.type : filter.type.includes(type);
  }
  return true;
}

export interface TranscriptOptions {
  /** Share a redactor between transcripts that see the same secrets. */
  readonly redactor?: Redactor;
}

export class Transcript {
  readonly redactor: Redactor;
  readonly #entries: TranscriptEntry[] = [];
  readonly #entryByFrame = new WeakMap<object, FrameEntry>();
  readonly #start = performance.now();
  #connections = 0;

  constructor(options: TranscriptOptions = {}) {
    this.redactor = options.redactor ?? new Redactor();
  }

  get entries(): readonly TranscriptEntry[] {
    return this.#entries;
  }

  /** Milliseconds since the transcript was created, from a monotonic clock. */
  now(): number {
    return Math.round((performance.now() - this.#start) * 1000) / 1000;
  }

  /** A connection id unique within this transcript: `c1`, `c2`, ... */
  newConnectionId(): string {
    this.#connections += 1;
    return `c${this.#connections}`;
  }

  /** Records a frame, redacting it first; the stored entry never holds a known secret. */
  recordFrame(input: RecordFrameInput): FrameEntry {
    const redactor = this.redactor;
    const frame = input.frame === undefined ? undefined : redactor.redactFrame(input.frame, input.text);
    const entry: FrameEntry = {
      kind: 'frame',
      index: this.#entries.length,
      conn: input.conn,
      dir: input.dir,
      t: this.now(),
      frame,
      ...(input.frame === undefined ? { raw: truncate(redactor.redactText(input.text), RAW_TEXT_LIMIT) } : {}),
      bytes: input.bytes,
      verdict: input.verdict.valid ? input.verdict : { valid: false, errors: input.verdict.errors.map((e) => redactor.redactText(e)) },
    };
    this.#entries.push(entry);
    if (typeof frame === 'object' && frame !== null) this.#entryByFrame.set(frame, entry);
    return entry;
  }

  recordConnection(input: RecordConnectionInput): ConnectionEntry {
    const redact = (text: string | undefined) => (text === undefined ? undefined : this.redactor.redactText(text));
    const entry: ConnectionEntry = {
      kind: 'conn',
      index: this.#entries.length,
      conn: input.conn,
      t: this.now(),
      event: input.event,
      ...(input.code === undefined ? {} : { code: input.code }),
      ...(input.reason === undefined ? {} : { reason: redact(input.reason) }),
      ...(input.label === undefined ? {} : { label: input.label }),
      ...(input.error === undefined ? {} : { error: redact(input.error) }),
    };
    this.#entries.push(entry);
    return entry;
  }

  /** The entry that recorded this (redacted) frame object, e.g. one `waitFor` returned. */
  entryOf(frame: unknown): FrameEntry | undefined {
    return typeof frame === 'object' && frame !== null ? this.#entryByFrame.get(frame) : undefined;
  }

  /** Frame entries, optionally filtered by connection, direction and type, or a predicate. */
  frames(filter?: FrameFilter): FrameEntry[] {
    const out: FrameEntry[] = [];
    for (const entry of this.#entries) {
      if (entry.kind === 'frame' && matches(entry, filter)) out.push(entry);
    }
    return out;
  }

  /**
   * Failure evidence: the witness entries plus up to `radius` neighbours on each side, in
   * transcript order. The neighbourhood shrinks until at most `limit` entries remain.
   */
  window(indices: readonly number[], radius = 3, limit = 64): TranscriptEntry[] {
    const count = this.#entries.length;
    const witnesses = [...new Set(indices.filter((i) => Number.isInteger(i) && i >= 0 && i < count))].sort(
      (a, b) => a - b,
    );
    for (let r = Math.max(0, Math.floor(radius)); r >= 0; r -= 1) {
      const picked = new Set<number>();
      for (const i of witnesses) {
        for (let j = Math.max(0, i - r); j <= Math.min(count - 1, i + r); j += 1) picked.add(j);
      }
      if (picked.size <= limit || r === 0) {
        return [...picked]
          .sort((a, b) => a - b)
          .slice(0, Math.max(limit, 0))
          .map((i) => this.#entries[i] as TranscriptEntry);
      }
    }
    return [];
  }

  toJSON(): readonly TranscriptEntry[] {
    return this.#entries;
  }
}
