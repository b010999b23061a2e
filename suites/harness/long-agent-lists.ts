// A welcome may list hundreds of thousands of agents (a hostile server's 10 MiB welcome).
// Parsed whole, that is some 75 MB of objects in every session that receives it, though the
// kit reads no entry by value but the conformance agent's. So in a message over the bound, an
// agent list (payload.capabilities.agents) longer than AGENT_LIST_KEPT is bounded entry by
// entry, and keeps: its first AGENT_LIST_KEPT entries, every entry that holds a wanted text
// (the agent the kit asks for, a known secret), and the first entry of each shape (its keys
// and value types, empty strings apart). What the kit judges of an agents entry (VER-001, the
// schema's non-empty strings) depends on its shape alone, so the verdicts are those of the
// whole list.
//
// AgentListBounder does it on the text as it streams past (giant-frames.ts feeds it a giant
// message piece by piece), so the entries it leaves out are never held, let alone parsed into
// objects. It leaves out only entries that parse alone as JSON, and keeps the list's text
// otherwise as it was: a list that is not valid JSON (an empty entry, a missing comma, an
// unclosed entry) stays invalid. Past MAX_SHAPES shapes, an entry of an unseen shape is kept
// without being remembered, so a list of ever new shapes is kept whole, as before.

/** Messages over this size are scanned for a long agent list (smaller ones are cheap to parse whole). */
export const AGENT_LIST_SCAN_BYTES = 1024 * 1024;
/** Entries of a long agent list kept in order before any is elided. */
export const AGENT_LIST_KEPT = 1024;
/** Distinct entry shapes remembered; an entry of a shape past these is kept. */
const MAX_SHAPES = 256;
/** An entry longer than this is kept unread (it streams through instead of being held). */
const ENTRY_HELD_BYTES = 64 * 1024;
/** Keys longer than this cannot be on the path, so they are not held. */
const KEY_HELD_BYTES = 32;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const SEPARATOR = Buffer.from(',');
const AGENTS_PATH = ['payload', 'capabilities', 'agents'] as const;

export interface BoundedParse {
  readonly value: unknown;
  /** Entries of the agent list left out (each has the shape of one kept). */
  readonly agentsElided: number;
}

/** An entry's shape: keys and value types, with the empty string apart (what VER-001 and the schema read). */
function shapeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `[${[...new Set(value.map(shapeOf))].sort().join(',')}]`;
  if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    return `{${Object.keys(record)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${shapeOf(record[k])}`)
      .join(',')}}`;
  }
  if (typeof value === 'string') return value === '' ? "''" : 's';
  return typeof value;
}

function isSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

/** The agent list being read: where its current entry is, and what was kept so far. */
interface ListState {
  /** Entries read so far. */
  entries: number;
  /** Something (an entry, or a stray comma) was written after `[`: a kept entry needs a comma first. */
  written: boolean;
  /** The last thing read was a comma (an entry must follow). */
  afterComma: boolean;
  /** The current entry's bytes while held (undefined between entries, or while it streams through). */
  held: Buffer[] | undefined;
  heldBytes: number;
  /** The current entry is long and streams through. */
  streaming: boolean;
  /** Brackets open inside the current entry. */
  nesting: number;
}

/**
 * Bounds the agent list of a JSON message fed to it in order, piece by piece; `end` gives the
 * text with the entries left out. `wanted` are texts (as JSON, e.g. `"conformance"`) whose
 * entries stay.
 */
export class AgentListBounder {
  readonly #wanted: readonly Buffer[];
  readonly #shapes = new Set<string>();
  #out: Buffer[] = [];
  #outBytes = 0;
  #elided = 0;
  #inString = false;
  #escaped = false;
  /** Containers open, and for the first levels whether each is an array and an object's latest key. */
  #depth = 0;
  readonly #arrays: boolean[] = [];
  readonly #keys: (string | undefined)[] = [];
  /** The latest string's first bytes (a key candidate), undefined when it was too long to be a path key. */
  #string: number[] | undefined;
  #stringTooLong = false;
  #lastString: string | undefined;
  #list: ListState | undefined;

  constructor(wanted: readonly Buffer[]) {
    this.#wanted = wanted.filter((w) => w.length > 0);
  }

  /** Entries left out so far. */
  get agentsElided(): number {
    return this.#elided;
  }

  write(piece: Buffer): void {
    let at = 0;
    // piece[run, at) passes through and is not in the output yet.
    let run = 0;
    while (at < piece.length) {
      const list = this.#list;
      if (list !== undefined) {
        this.#emit(piece.subarray(run, at));
        at = this.#readList(list, piece, at);
        run = at;
        continue;
      }
      const byte = piece[at] as number;
      at += 1;
      if (this.#inString) {
        if (this.#escaped) this.#escaped = false;
        else if (byte === BACKSLASH) this.#escaped = true;
        else if (byte === QUOTE) this.#endString();
        if (this.#inString) this.#holdStringByte(byte);
        continue;
      }
      if (byte === QUOTE) {
        this.#inString = true;
        // Only a string at the path's levels may be one of its keys.
        this.#string = this.#depth <= AGENTS_PATH.length ? [] : undefined;
        this.#stringTooLong = this.#string === undefined;
      } else if (byte === COLON) {
        if (this.#depth <= AGENTS_PATH.length && this.#arrays[this.#depth - 1] === false) this.#keys[this.#depth - 1] = this.#lastString;
      } else if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) {
        if (byte === OPEN_ARRAY && this.#atAgentsPath()) {
          this.#depth += 1;
          this.#emit(piece.subarray(run, at));
          run = at;
          this.#list = { entries: 0, written: false, afterComma: false, held: undefined, heldBytes: 0, streaming: false, nesting: 0 };
          continue;
        }
        if (this.#depth < AGENTS_PATH.length) {
          this.#arrays[this.#depth] = byte === OPEN_ARRAY;
          this.#keys[this.#depth] = undefined;
        }
        this.#depth += 1;
      } else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) {
        this.#depth = Math.max(0, this.#depth - 1);
      }
      if (!isSpace(byte) && byte !== QUOTE) this.#lastString = undefined;
    }
    this.#emit(piece.subarray(run, at));
  }

  /** The bounded text. */
  end(): Buffer {
    // An entry still open at the end: as it was (the message is not JSON either way).
    const list = this.#list;
    if (list?.held !== undefined) this.#writeEntry(list);
    this.#list = undefined;
    const text = this.#out.length === 1 ? (this.#out[0] as Buffer) : Buffer.concat(this.#out, this.#outBytes);
    this.#out = [];
    this.#outBytes = 0;
    return text;
  }

  #emit(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.#out.push(bytes);
    this.#outBytes += bytes.length;
  }

  #holdStringByte(byte: number): void {
    if (this.#stringTooLong) return;
    const held = this.#string as number[];
    if (held.length >= KEY_HELD_BYTES) this.#stringTooLong = true;
    else held.push(byte);
  }

  #endString(): void {
    this.#inString = false;
    this.#lastString = this.#stringTooLong || this.#string === undefined ? undefined : Buffer.from(this.#string).toString('utf8');
    this.#string = undefined;
  }

  /** An array opening here would be payload.capabilities.agents. */
  #atAgentsPath(): boolean {
    if (this.#depth !== AGENTS_PATH.length) return false;
    for (let k = 0; k < AGENTS_PATH.length; k += 1) if (this.#arrays[k] !== false || this.#keys[k] !== AGENTS_PATH[k]) return false;
    return true;
  }

  /** Reads the agent list from `at` until the piece ends or the list closes; returns where it stopped. */
  #readList(list: ListState, piece: Buffer, from: number): number {
    let at = from;
    // piece[entryFrom, at) belongs to the current entry and is not held or written yet.
    let entryFrom = at;
    const flushEntry = (): void => {
      if (at > entryFrom) this.#addToEntry(list, piece.subarray(entryFrom, at));
      entryFrom = at;
    };
    while (at < piece.length) {
      const byte = piece[at] as number;
      if (list.held === undefined && !list.streaming) {
        // Between entries.
        at += 1;
        if (isSpace(byte)) continue;
        if (byte === COMMA || byte === CLOSE_ARRAY) {
          // An empty entry (`[,`, `,,`, `,]`) is not JSON: a comma stays for it, so the text does not parse either.
          if (list.afterComma || (byte === COMMA && list.entries === 0)) this.#strayComma(list);
          list.afterComma = byte === COMMA;
          if (byte === CLOSE_ARRAY) return this.#closeList(piece, at);
          continue;
        }
        // The first byte of an entry.
        at -= 1;
        entryFrom = at;
        list.held = [];
        list.heldBytes = 0;
        list.nesting = 0;
        list.afterComma = false;
        continue;
      }
      if (this.#inString) {
        if (this.#escaped) this.#escaped = false;
        else if (byte === BACKSLASH) this.#escaped = true;
        else if (byte === QUOTE) this.#inString = false;
      } else if (list.nesting === 0 && (byte === COMMA || byte === CLOSE_ARRAY)) {
        flushEntry();
        this.#endEntry(list);
        continue;
      } else if (byte === QUOTE) this.#inString = true;
      else if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) list.nesting += 1;
      else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) list.nesting = Math.max(0, list.nesting - 1);
      at += 1;
      if (list.held !== undefined && list.heldBytes + (at - entryFrom) > ENTRY_HELD_BYTES) {
        flushEntry();
        this.#streamEntry(list);
      }
    }
    if (list.held !== undefined || list.streaming) flushEntry();
    return at;
  }

  #addToEntry(list: ListState, bytes: Buffer): void {
    if (list.held === undefined) {
      this.#emit(bytes);
      return;
    }
    // Copied: a view would keep the whole piece it came from alive.
    list.held.push(Buffer.from(bytes));
    list.heldBytes += bytes.length;
  }

  /** The held entry is too long to hold: written now (it is kept), the rest streams through. */
  #streamEntry(list: ListState): void {
    this.#writeEntry(list);
    list.streaming = true;
  }

  #writeEntry(list: ListState): void {
    if (list.written) this.#emit(SEPARATOR);
    for (const part of list.held ?? []) this.#emit(part);
    list.held = undefined;
    list.written = true;
  }

  #endEntry(list: ListState): void {
    if (list.held !== undefined) {
      const text = list.held.length === 1 ? (list.held[0] as Buffer) : Buffer.concat(list.held, list.heldBytes);
      if (this.#keeps(list.entries, text)) this.#writeEntry(list);
      else {
        list.held = undefined;
        this.#elided += 1;
      }
    }
    list.streaming = false;
    list.entries += 1;
  }

  /** Whether the `index`-th entry, `text`, stays: see the file's comment. */
  #keeps(index: number, text: Buffer): boolean {
    let shape: string;
    try {
      shape = shapeOf(JSON.parse(text.toString('utf8')));
    } catch {
      return true; // not JSON alone: kept, so the message does not parse either
    }
    const isNewShape = !this.#shapes.has(shape);
    if (isNewShape && this.#shapes.size < MAX_SHAPES) this.#shapes.add(shape);
    return index < AGENT_LIST_KEPT || isNewShape || this.#wanted.some((w) => text.includes(w));
  }

  #strayComma(list: ListState): void {
    this.#emit(SEPARATOR);
    list.written = true;
  }

  /** The list's `]` (just read, before `at`): written, and reading goes on outside the list. */
  #closeList(piece: Buffer, at: number): number {
    this.#emit(piece.subarray(at - 1, at));
    this.#list = undefined;
    this.#depth -= 1;
    this.#lastString = undefined;
    return at;
  }
}

/**
 * Parses `bytes` (a JSON message) with a long agent list bounded as the file's comment says;
 * undefined for a message of at most AGENT_LIST_SCAN_BYTES, when no entry was left out, or when
 * the bounded text does not parse (parse the message whole then, for its own error). `wanted`
 * gives texts (as JSON, e.g. `"conformance"`) whose entries stay; it is asked only past the size.
 */
export function parseBoundingAgentList(bytes: Buffer, wantedTexts: () => readonly Buffer[]): BoundedParse | undefined {
  if (bytes.length <= AGENT_LIST_SCAN_BYTES) return undefined;
  const bounder = new AgentListBounder(wantedTexts());
  bounder.write(bytes);
  const text = bounder.end();
  if (bounder.agentsElided === 0) return undefined;
  try {
    return { value: JSON.parse(text.toString('utf8')), agentsElided: bounder.agentsElided };
  } catch {
    return undefined;
  }
}
