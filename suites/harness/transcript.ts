// The recorded history of one test: every frame on every connection, in arrival order,
// with a monotonic timestamp. Frames are stored redacted; checkers and reporters read it.
//
// Two ways to keep it. Full (the default, for the suites' small tests): every entry, until
// the entries held pass a byte budget (a hostile or runaway server), when it turns bounded
// to protect the kit's memory. Bounded (long histories): the first entries, a ring of the
// latest, the landmarks (everything but inbound job.events: requests, replies, terminals,
// connection events) and the entries pinned as witnesses with a window around each, all
// within a byte budget. Observers (e.g. a history monitor from suites/checkers) see every
// entry as it is recorded, so checkers judge the whole history whatever is kept.
import type { ConnectionEntry, Direction, FrameEntry, FrameVerdict, TranscriptEntry } from './transcript-types.ts';
import { Redactor } from './redact.ts';
import { DEFAULT_FRAME_BYTES, ELIDED_HEAD_CHARS, elideFrame, sha256Of } from './transcript-elide.ts';

/** Raw text of a non-JSON message is kept up to this many characters. */
export const RAW_TEXT_LIMIT = 2048;

/** What one kept entry is assumed to cost beyond its wire size (the parsed object, the entry). */
export const ENTRY_OVERHEAD_BYTES = 512;

export interface RecordFrameInput {
  readonly conn: string;
  readonly dir: Direction;
  /** The parsed value with its real contents, or `undefined` when it was not JSON. */
  readonly frame: unknown;
  /** The wire text (for binary messages: its UTF-8 decoding). Used for the redaction scan. */
  readonly text: string;
  /** The message's bytes as received, when the caller has them: the digest of an elided frame is taken from them. */
  readonly wire?: Buffer;
  /** The digest of the message as received, when it was taken as it arrived (giant-frames.ts): the caller never held it whole. */
  readonly sha256?: string;
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

/** Sees every entry as it is recorded, in order. Structurally a checkers HistoryMonitor. */
export interface TranscriptObserver {
  observe(entry: TranscriptEntry): void;
}

/** What a bounded transcript keeps. */
export interface TranscriptLimits {
  /** The first entries, kept for good (hellos, welcomes, the first requests). */
  readonly head: number;
  /** The latest entries, as a ring. */
  readonly tail: number;
  /** Entries other than inbound job.events kept after they leave the ring. */
  readonly landmarks: number;
  /** Entries pinned as witnesses (with their windows) kept after they leave the ring. */
  readonly pinned: number;
  /** Neighbours kept on each side of a pinned witness. */
  readonly witnessRadius: number;
  /**
   * Estimated bytes (wire size + ENTRY_OVERHEAD_BYTES per entry) all kept entries may hold.
   * The head takes at most a quarter, landmarks and witnesses at most half; the ring the
   * rest, and always its newest entry.
   */
  readonly bytes: number;
  /** Entries a connection's inbox keeps for waits (also held to `bytes`). */
  readonly inbox: number;
}

// The ring and the inbox stay small on purpose: their entries live just long enough to
// survive V8's young-generation collections, and copying them there is the pipeline's main
// GC cost (a 4096-entry ring cost about twice the scavenge time of a 512-entry one).
export const BOUNDED_LIMITS: TranscriptLimits = Object.freeze({
  head: 256,
  tail: 512,
  landmarks: 4096,
  pinned: 2048,
  witnessRadius: 3,
  bytes: 64 * 1024 * 1024,
  inbox: 512,
});

/**
 * In full mode: estimated bytes kept before the transcript turns bounded. The estimate runs
 * low (a parsed frame costs V8 about its estimate again), and a worker runs several tests at
 * once, each with its transcript: a flood turns bounded after about 10k small frames (a test
 * of the kit's sees a few hundred), so flooded tests cost a worker tens of MB, not hundreds.
 */
export const DEFAULT_FULL_MODE_BYTES = 8 * 1024 * 1024;

export interface TranscriptOptions {
  /** Share a redactor between transcripts that see the same secrets. */
  readonly redactor?: Redactor;
  /** Keep a bounded part of the history (true: BOUNDED_LIMITS). Default: keep everything. */
  readonly bounded?: boolean | Partial<TranscriptLimits>;
  /** Full mode only: the byte budget after which the transcript turns bounded (default 64 MiB). */
  readonly fullModeBytes?: number;
  /** Fed every entry as it is recorded (add them before anything is recorded). */
  readonly observers?: readonly TranscriptObserver[];
  /**
   * A frame larger than this many bytes is kept as its skeleton, head, size and digest
   * (transcript-elide.ts); waiters and observers still get it whole. Default 64 KiB.
   */
  readonly frameBytes?: number;
}

export interface TranscriptStats {
  /** Entries recorded since the start. */
  readonly recorded: number;
  /** Entries still held. */
  readonly kept: number;
  readonly keptBytes: number;
  readonly bounded: boolean;
  /** Witness indices that were already gone when pinned. */
  readonly lostWitnesses: number;
  /** Observers removed because they threw (their first errors, redacted). */
  readonly observerErrors: readonly string[];
}

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

/** What a kept elided frame is assumed to cost (its skeleton and head are a few KiB). */
const ELIDED_ENTRY_BYTES = 16 * 1024;

/** Estimated bytes an entry holds (what is kept of it, plus the entry itself): the one estimate of every byte budget. */
export function costOf(entry: TranscriptEntry): number {
  // What the entry holds: an elided frame its skeleton, a non-JSON message its raw head.
  const held = entry.kind !== 'frame' ? 0 : entry.elided !== undefined ? ELIDED_ENTRY_BYTES : entry.raw !== undefined ? entry.raw.length : entry.bytes;
  return held + ENTRY_OVERHEAD_BYTES;
}

/** Everything but the bulk of a long history (inbound job.events) is a landmark. */
function isLandmark(entry: TranscriptEntry): boolean {
  return entry.kind === 'conn' || entry.dir === 'out' || frameType(entry.frame) !== 'job.event';
}

/** First position in `sorted` (ascending by index) whose index is >= `index`. */
function lowerBound(sorted: readonly TranscriptEntry[], index: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as TranscriptEntry).index < index) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function resolveLimits(option: TranscriptOptions['bounded']): TranscriptLimits | undefined {
  if (option === undefined || option === false) return undefined;
  const limits = { ...BOUNDED_LIMITS, ...(option === true ? {} : option) };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value < (name === 'witnessRadius' ? 0 : 1)) {
      throw new RangeError(`transcript limit ${name} must be a positive integer (got ${String(value)})`);
    }
  }
  return Object.freeze(limits);
}

/** The bounded store: head, ring, and the landmarks and witnesses kept from the ring. */
class BoundedStore {
  readonly limits: TranscriptLimits;
  readonly #head: TranscriptEntry[] = [];
  /** Kept after leaving the ring, in index order (eviction is oldest first). */
  readonly #kept: TranscriptEntry[] = [];
  #ring: TranscriptEntry[] = [];
  #ringStart = 0;
  #headBytes = 0;
  #keptBytes = 0;
  #ringBytes = 0;
  #landmarks = 0;
  #pinnedKept = 0;
  /** Ring entries to keep as witnesses when they leave the ring. */
  readonly #pins = new Set<number>();
  /** Entries recorded up to this index are pinned on arrival (the window after a witness). */
  #pinThrough = -1;
  lostWitnesses = 0;

  constructor(limits: TranscriptLimits) {
    this.limits = limits;
  }

  get bytes(): number {
    return this.#headBytes + this.#keptBytes + this.#ringBytes;
  }

  get size(): number {
    return this.#head.length + this.#kept.length + this.#ring.length - this.#ringStart;
  }

  add(entry: TranscriptEntry): void {
    const cost = costOf(entry);
    if (this.#head.length < this.limits.head && this.#headBytes + cost <= this.limits.bytes / 4 && this.#ring.length === this.#ringStart) {
      this.#head.push(entry);
      this.#headBytes += cost;
      return;
    }
    if (entry.index <= this.#pinThrough) this.#pin(entry.index);
    this.#ring.push(entry);
    this.#ringBytes += cost;
    while (this.#ring.length - this.#ringStart > 1 && (this.#ring.length - this.#ringStart > this.limits.tail || this.bytes > this.limits.bytes)) {
      this.#evict();
    }
    if (this.#ringStart > 4096 && this.#ringStart * 2 > this.#ring.length) {
      this.#ring = this.#ring.slice(this.#ringStart);
      this.#ringStart = 0;
    }
  }

  /** Pins witnesses still held in the ring, their neighbours, and the next `radius` entries. */
  pin(indices: readonly number[], nextIndex: number): void {
    const radius = this.limits.witnessRadius;
    const firstInRing = this.#ring.length > this.#ringStart ? (this.#ring[this.#ringStart] as TranscriptEntry).index : nextIndex;
    const headEnd = this.#head.length;
    for (const index of indices) {
      if (!Number.isInteger(index) || index < 0 || index >= nextIndex) continue;
      const held = index < headEnd || index >= firstInRing || this.#isKept(index);
      if (!held) this.lostWitnesses += 1;
      for (let j = Math.max(firstInRing, index - radius); j <= Math.min(nextIndex - 1, index + radius); j += 1) this.#pin(j);
      this.#pinThrough = Math.max(this.#pinThrough, index + radius);
    }
  }

  /** Kept entries in index order. */
  entries(): TranscriptEntry[] {
    return [...this.#head, ...this.#kept, ...this.#ring.slice(this.#ringStart)];
  }

  #pin(index: number): void {
    if (this.#pins.size + this.#pinnedKept < this.limits.pinned) this.#pins.add(index);
  }

  #isKept(index: number): boolean {
    const at = lowerBound(this.#kept, index);
    return (this.#kept[at] as TranscriptEntry | undefined)?.index === index;
  }

  #evict(): void {
    const entry = this.#ring[this.#ringStart] as TranscriptEntry;
    this.#ring[this.#ringStart] = undefined as unknown as TranscriptEntry; // let it go now
    this.#ringStart += 1;
    const cost = costOf(entry);
    this.#ringBytes -= cost;
    const pinned = this.#pins.delete(entry.index);
    const room = this.#keptBytes + cost <= this.limits.bytes / 2;
    if (pinned && room) {
      this.#pinnedKept += 1;
    } else if (isLandmark(entry) && room && this.#landmarks < this.limits.landmarks) {
      this.#landmarks += 1;
    } else {
      return;
    }
    this.#kept.push(entry);
    this.#keptBytes += cost;
  }
}

export class Transcript {
  readonly redactor: Redactor;
  readonly #start = performance.now();
  readonly #fullModeBytes: number;
  readonly #observers: TranscriptObserver[] = [];
  readonly #observerErrors: string[] = [];
  readonly #frameBytes: number;
  /** The kept (elided) entry of each whole frame, and of its whole entry, handed out live: for entryOf and keptOf. */
  readonly #elidedOf = new WeakMap<object, FrameEntry>();
  /** Full mode: every entry, in order (position == index). */
  #all: TranscriptEntry[] | undefined = [];
  #allBytes = 0;
  #store: BoundedStore | undefined;
  #recorded = 0;
  #connections = 0;

  constructor(options: TranscriptOptions = {}) {
    this.redactor = options.redactor ?? new Redactor();
    this.#fullModeBytes = options.fullModeBytes ?? DEFAULT_FULL_MODE_BYTES;
    this.#frameBytes = options.frameBytes ?? DEFAULT_FRAME_BYTES;
    if (!Number.isSafeInteger(this.#frameBytes) || this.#frameBytes < 1) {
      throw new RangeError(`transcript frameBytes must be a positive integer (got ${String(options.frameBytes)})`);
    }
    const limits = resolveLimits(options.bounded);
    if (limits !== undefined) {
      this.#all = undefined;
      this.#store = new BoundedStore(limits);
    }
    for (const observer of options.observers ?? []) this.addObserver(observer);
  }

  /** Kept entries in recording order (all of them in full mode). */
  get entries(): readonly TranscriptEntry[] {
    return this.#all ?? (this.#store as BoundedStore).entries();
  }

  /** Whether only part of the history is kept (from the start, or since the full-mode budget ran out). */
  get bounded(): boolean {
    return this.#store !== undefined;
  }

  /** The limits in force once bounded; `undefined` in full mode. */
  get limits(): TranscriptLimits | undefined {
    return this.#store?.limits;
  }

  /** Frames over this many bytes are kept elided (TranscriptOptions.frameBytes). */
  get frameBytes(): number {
    return this.#frameBytes;
  }

  /** Entries recorded so far (the next entry's index). */
  get recorded(): number {
    return this.#recorded;
  }

  stats(): TranscriptStats {
    return {
      recorded: this.#recorded,
      kept: this.#all?.length ?? (this.#store as BoundedStore).size,
      keptBytes: this.#all === undefined ? (this.#store as BoundedStore).bytes : this.#allBytes,
      bounded: this.bounded,
      lostWitnesses: this.#store?.lostWitnesses ?? 0,
      observerErrors: [...this.#observerErrors],
    };
  }

  /** Feeds `observer` every entry recorded from now on. Returns its remover. */
  addObserver(observer: TranscriptObserver): () => void {
    this.#observers.push(observer);
    return () => {
      const at = this.#observers.indexOf(observer);
      if (at >= 0) this.#observers.splice(at, 1);
    };
  }

  /**
   * Keeps these entries (witnesses of a violation) and a window around each, in bounded
   * mode; a no-op in full mode, where everything is kept.
   */
  pin(indices: readonly number[]): void {
    this.#store?.pin(indices, this.#recorded);
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

  /**
   * Records a frame, redacting it first; the stored entry never holds a known secret. Returns
   * the entry live consumers get: for a frame over the bound, the whole frame, while the
   * transcript keeps (and observers judge nothing less than) its skeleton.
   */
  recordFrame(input: RecordFrameInput): FrameEntry {
    const redactor = this.redactor;
    const frame = input.frame === undefined ? undefined : redactor.redactFrame(input.frame, input.text);
    const verdict = input.verdict.valid ? input.verdict : { valid: false as const, errors: input.verdict.errors.map((e) => redactor.redactText(e)) };
    // One literal shape for the common case (a parsed frame) keeps entries monomorphic.
    const entry: FrameEntry =
      input.frame === undefined
        ? { kind: 'frame', index: this.#recorded, conn: input.conn, dir: input.dir, t: this.now(), frame, raw: truncate(redactor.redactText(input.text), RAW_TEXT_LIMIT), bytes: input.bytes, verdict }
        : { kind: 'frame', index: this.#recorded, conn: input.conn, dir: input.dir, t: this.now(), frame, bytes: input.bytes, verdict };
    if (input.bytes <= this.#frameBytes || frame === undefined) {
      this.#keep(entry, entry);
      return entry;
    }
    const head = redactor.redactText(input.text.slice(0, ELIDED_HEAD_CHARS * 2)).slice(0, ELIDED_HEAD_CHARS);
    const { skeleton, elision } = elideFrame(frame, input.sha256 ?? sha256Of(input.wire ?? input.text), head);
    const kept: FrameEntry = { ...entry, frame: skeleton, elided: elision };
    if (typeof frame === 'object' && frame !== null) this.#elidedOf.set(frame, kept);
    this.#elidedOf.set(entry, kept);
    this.#keep(kept, entry);
    return entry;
  }

  /**
   * What the transcript keeps of an entry `recordFrame` returned: the elided form of a frame
   * over `frameBytes`, else the entry itself. Whatever holds entries past their live
   * delivery (a connection's inbox) holds this, so a giant frame is not kept whole.
   */
  keptOf(entry: FrameEntry): FrameEntry {
    return this.#elidedOf.get(entry) ?? entry;
  }

  recordConnection(input: RecordConnectionInput): ConnectionEntry {
    const redact = (text: string | undefined) => (text === undefined ? undefined : this.redactor.redactText(text));
    const entry: ConnectionEntry = {
      kind: 'conn',
      index: this.#recorded,
      conn: input.conn,
      t: this.now(),
      event: input.event,
      ...(input.code === undefined ? {} : { code: input.code }),
      ...(input.reason === undefined ? {} : { reason: redact(input.reason) }),
      ...(input.label === undefined ? {} : { label: input.label }),
      ...(input.error === undefined ? {} : { error: redact(input.error) }),
    };
    this.#keep(entry, entry);
    return entry;
  }

  /**
   * The kept entry that recorded this (redacted) frame object, e.g. one `waitFor` returned.
   * Searched from the newest entry back: callers ask about recent frames, and no per-frame
   * index costs the hot path anything (a WeakMap did: ~1.4 µs a frame with its GC work).
   */
  entryOf(frame: unknown): FrameEntry | undefined {
    if (typeof frame !== 'object' || frame === null) return undefined;
    const elided = this.#elidedOf.get(frame);
    if (elided !== undefined) return elided;
    const kept = this.entries;
    for (let k = kept.length - 1; k >= 0; k -= 1) {
      const entry = kept[k] as TranscriptEntry;
      if (entry.kind === 'frame' && entry.frame === frame) return entry;
    }
    return undefined;
  }

  /** Kept frame entries, optionally filtered by connection, direction and type, or a predicate. */
  frames(filter?: FrameFilter): FrameEntry[] {
    const out: FrameEntry[] = [];
    for (const entry of this.entries) {
      if (entry.kind === 'frame' && matches(entry, filter)) out.push(entry);
    }
    return out;
  }

  /**
   * Failure evidence: the witness entries plus up to `radius` neighbours on each side, in
   * transcript order, among the kept entries. The neighbourhood shrinks until at most
   * `limit` entries remain.
   */
  window(indices: readonly number[], radius = 3, limit = 64): TranscriptEntry[] {
    const kept = this.entries;
    const count = this.#recorded;
    const witnesses = [...new Set(indices.filter((i) => Number.isInteger(i) && i >= 0 && i < count))].sort((a, b) => a - b);
    for (let r = Math.max(0, Math.floor(radius)); r >= 0; r -= 1) {
      const picked = new Map<number, TranscriptEntry>();
      for (const w of witnesses) {
        for (let at = lowerBound(kept, w - r); at < kept.length && (kept[at] as TranscriptEntry).index <= w + r; at += 1) {
          const entry = kept[at] as TranscriptEntry;
          picked.set(entry.index, entry);
        }
      }
      if (picked.size <= limit || r === 0) {
        return [...picked.values()].sort((a, b) => a.index - b.index).slice(0, Math.max(limit, 0));
      }
    }
    return [];
  }

  toJSON(): readonly TranscriptEntry[] {
    return this.entries;
  }

  /** Keeps `entry`; observers see `live` (the same entry, or the whole frame of an elided one). */
  #keep(entry: TranscriptEntry, live: TranscriptEntry): void {
    this.#recorded += 1;
    if (this.#all !== undefined) {
      this.#all.push(entry);
      this.#allBytes += costOf(entry);
      if (this.#allBytes > this.#fullModeBytes) this.#turnBounded();
    } else {
      (this.#store as BoundedStore).add(entry);
    }
    for (let k = 0; k < this.#observers.length; k += 1) {
      const observer = this.#observers[k] as TranscriptObserver;
      try {
        observer.observe(live);
      } catch (error) {
        // An observer's bug must not break recording (or the socket handler that records).
        this.#observers.splice(k, 1);
        k -= 1;
        this.#observerErrors.push(this.redactor.redactText(error instanceof Error ? error.message : String(error)));
      }
    }
  }

  /** The full-mode budget ran out (a runaway server): keep going with bounded limits. */
  #turnBounded(): void {
    const all = this.#all as TranscriptEntry[];
    this.#all = undefined;
    this.#allBytes = 0;
    const store = new BoundedStore(resolveLimits({ bytes: Math.min(BOUNDED_LIMITS.bytes, this.#fullModeBytes) }) as TranscriptLimits);
    for (const entry of all) store.add(entry);
    this.#store = store;
  }
}
