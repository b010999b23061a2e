// A bounded log of items numbered by consecutive sequence numbers: push at the end, free
// from the front (by number, by age, or when over capacity). Used for the per-session
// resume buffer (frames by event_seq) and the per-job subscribe history (entries by
// position). Two flat arrays and a head index: no object per item, O(1) amortized.
export class SeqRing<T> {
  readonly #cap: number;
  #items: T[] = [];
  #times: number[] = [];
  #head = 0;
  /** Sequence number of the item at #head. */
  #first = 1;

  constructor(cap: number) {
    this.#cap = cap;
  }

  /** Items held. */
  get size(): number {
    return this.#items.length - this.#head;
  }

  /** Lowest sequence number still held (== next to push when empty). */
  get first(): number {
    return this.#first;
  }

  /** Sequence number the next push gets. */
  get next(): number {
    return this.#first + this.size;
  }

  /** Appends the item numbered `seq` (must equal `next`, or restart an empty ring). */
  push(seq: number, item: T, at: number): void {
    if (this.size === 0) this.#first = seq;
    else if (seq !== this.next) throw new Error(`SeqRing: pushed ${seq}, expected ${this.next}`);
    this.#items.push(item);
    this.#times.push(at);
    if (this.size > this.#cap) this.#drop(1);
  }

  /** Frees every item numbered <= seq. */
  freeThrough(seq: number): void {
    const n = Math.min(this.size, seq - this.#first + 1);
    if (n > 0) this.#drop(n);
  }

  /** Frees items pushed before `time`. */
  freeOlderThan(time: number): void {
    let n = 0;
    while (n < this.size && (this.#times[this.#head + n] as number) < time) n += 1;
    if (n > 0) this.#drop(n);
  }

  /** Whether every item numbered > seq is still held. */
  covers(seq: number): boolean {
    return seq + 1 >= this.#first;
  }

  /** Items numbered from..to inclusive (clamped to what is held), oldest first. */
  slice(from: number, to: number): T[] {
    const start = Math.max(from, this.#first) - this.#first + this.#head;
    const end = Math.min(to, this.next - 1) - this.#first + this.#head + 1;
    return start < end ? this.#items.slice(start, end) : [];
  }

  clear(): void {
    this.#first = this.next;
    this.#items = [];
    this.#times = [];
    this.#head = 0;
  }

  #drop(n: number): void {
    this.#head += n;
    this.#first += n;
    // Compact once the dead prefix is large and at least half the arrays.
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#times = this.#times.slice(this.#head);
      this.#head = 0;
    }
  }
}
