// What one session has received, per event_seq, in bounded memory: a ring of the most recent
// `capacity` seqs, each with the fingerprint of its first receipt and the transcript index
// where it arrived. It answers "was this seq received before, and as what?", which is all a
// replay or a duplicate needs. Older seqs fall out of the ring; for them the answer is
// "received, content unknown" (see `lookup`).

/** Seqs remembered per session by default: enough for any replay the kit provokes. */
export const DEFAULT_REPLAY_WINDOW = 65_536;

const INITIAL_CAPACITY = 64;

export interface Receipt {
  readonly seq: number;
  readonly fingerprint: number;
  readonly index: number;
}

export type Lookup =
  | { readonly state: 'new' }
  | { readonly state: 'seen'; readonly receipt: Receipt }
  /** Received long ago: its slot was reused, so only the fact of receipt is known. */
  | { readonly state: 'evicted' };

export class SeqHistory {
  private capacity = INITIAL_CAPACITY;
  private seqs = new Float64Array(INITIAL_CAPACITY).fill(Number.NaN);
  private fingerprints = new Uint32Array(INITIAL_CAPACITY);
  private indices = new Float64Array(INITIAL_CAPACITY);
  private stored = 0;
  private max: Receipt | undefined;
  /** The highest seq whose slot was reused; at or below it, absence proves nothing. */
  private evictedUpTo = -1;

  constructor(private readonly maxCapacity: number = DEFAULT_REPLAY_WINDOW) {
    if (!Number.isSafeInteger(maxCapacity) || maxCapacity < 1) throw new Error(`replay window must be a positive integer, got ${maxCapacity}`);
  }

  /** The highest seq received so far, with where it arrived. */
  get highest(): Receipt | undefined {
    return this.max;
  }

  lookup(seq: number): Lookup {
    const slot = seq % this.capacity;
    if (this.seqs[slot] === seq) {
      return { state: 'seen', receipt: { seq, fingerprint: this.fingerprints[slot] ?? 0, index: this.indices[slot] ?? 0 } };
    }
    // At or below a seq that was pushed out: it may have arrived, its content is gone.
    if (seq <= this.evictedUpTo) return { state: 'evicted' };
    return { state: 'new' };
  }

  /** Records the first receipt of `seq` (callers check `lookup` first). */
  record(seq: number, fingerprint: number, index: number): void {
    if (this.stored >= this.capacity && this.capacity < this.maxCapacity) this.grow();
    const slot = seq % this.capacity;
    const previous = this.seqs[slot] ?? Number.NaN;
    if (Number.isNaN(previous)) this.stored++;
    else if (previous !== seq) this.evictedUpTo = Math.max(this.evictedUpTo, previous);
    this.seqs[slot] = seq;
    this.fingerprints[slot] = fingerprint;
    this.indices[slot] = index;
    if (this.max === undefined || seq > this.max.seq) this.max = { seq, fingerprint, index };
  }

  private grow(): void {
    const old = { seqs: this.seqs, fingerprints: this.fingerprints, indices: this.indices };
    this.capacity = Math.min(this.capacity * 2, this.maxCapacity);
    this.seqs = new Float64Array(this.capacity).fill(Number.NaN);
    this.fingerprints = new Uint32Array(this.capacity);
    this.indices = new Float64Array(this.capacity);
    this.stored = 0;
    for (let k = 0; k < old.seqs.length; k++) {
      const seq = old.seqs[k] ?? Number.NaN;
      if (Number.isNaN(seq)) continue;
      // Keep the newer seq when two old ones land on one slot.
      const slot = seq % this.capacity;
      const existing = this.seqs[slot] ?? Number.NaN;
      if (!Number.isNaN(existing)) {
        this.evictedUpTo = Math.max(this.evictedUpTo, Math.min(existing, seq));
        if (existing > seq) continue;
      } else {
        this.stored++;
      }
      this.seqs[slot] = seq;
      this.fingerprints[slot] = old.fingerprints[k] ?? 0;
      this.indices[slot] = old.indices[k] ?? 0;
    }
  }
}
