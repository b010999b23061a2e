// A message over the frame bound is parsed with its long string values cut to their head, on
// the wire bytes, before anything decodes them: a 50 MiB log line then never becomes a 50 MiB
// JavaScript string (and a 100 MiB parsed copy beside it), in any test holding the frame.
// Everything else of the frame (every key, number, short string, array and object) is parsed
// exactly, so the schema, the checkers and every verdict see the same frame: the schema puts
// no bound on a long string that its head does not fail the same way (patterns, consts and
// enums fail on either form). A string is kept whole when cutting it could change a verdict:
// when it is not a valid JSON string (a raw control character, a bad escape: the frame must
// stay unparsable) or when it contains a secret the kit knows (the leak checks search for it).
//
// The head keeps the first HEAD_BYTES of the string's JSON text, cut between characters and
// escapes, followed by `… (N more bytes)`.
//
// LongStringCutter does the same to a message that arrives in pieces (giant-frames.ts), never
// holding more than a long string's first LONG_STRING_BYTES. It cannot keep a long string
// whole, so where cutLongStrings would it keeps the verdict instead: a string that is not
// valid JSON string content is cut with a raw control character after its head (the message
// stays unparsable), and one holding a known secret keeps that secret after its head (the
// leak checks still find it; the transcript redacts it like any other).

/** String values longer than this many bytes of JSON text are cut (in messages over the frame bound). */
export const LONG_STRING_BYTES = 64 * 1024;
const HEAD_BYTES = 256;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const ESCAPED = new Set([...'"\\/bfnrtu'].map((c) => c.charCodeAt(0)));

/** The index of the quote that closes the JSON string opened at `open`, or -1. */
export function closingQuote(bytes: Buffer, open: number): number {
  let at = open + 1;
  for (;;) {
    const quote = bytes.indexOf(QUOTE, at);
    if (quote < 0) return -1;
    let slashes = 0;
    while (bytes[quote - 1 - slashes] === BACKSLASH) slashes += 1;
    if (slashes % 2 === 0) return quote;
    at = quote + 1;
  }
}

function isHex(byte: number | undefined): boolean {
  return byte !== undefined && ((byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66));
}

/** Whether bytes [from, to) are the valid content of a JSON string (no raw control character, only legal escapes). */
function validContent(bytes: Buffer, from: number, to: number): boolean {
  for (let k = from; k < to; k += 1) if ((bytes[k] as number) < 0x20) return false;
  for (let slash = bytes.indexOf(BACKSLASH, from); slash >= 0 && slash < to; slash = bytes.indexOf(BACKSLASH, slash + 2)) {
    const next = bytes[slash + 1] as number;
    if (!ESCAPED.has(next)) return false;
    if (next === 0x75 && ![2, 3, 4, 5].every((d) => isHex(bytes[slash + d]))) return false;
  }
  return true;
}

/** Where to cut the content [from, to) at about HEAD_BYTES: not inside an escape or a UTF-8 sequence. */
function headEnd(bytes: Buffer, from: number): number {
  const limit = from + HEAD_BYTES;
  let at = from;
  while (at < limit) {
    const step = bytes[at] === BACKSLASH ? (bytes[at + 1] === 0x75 ? 6 : 2) : 1;
    if (at + step > limit) break;
    at += step;
  }
  while (at > from && ((bytes[at] as number) & 0xc0) === 0x80) at -= 1;
  return at;
}

/**
 * The message's JSON text with every string value over LONG_STRING_BYTES cut to its head, or
 * the text whole when nothing is cut. `keepWhole(from, to)` may keep a string (e.g. one that
 * holds a secret).
 */
export function cutLongStrings(bytes: Buffer, keepWhole: (from: number, to: number) => boolean = () => false): string {
  const parts: Buffer[] = [];
  let copied = 0;
  for (let open = bytes.indexOf(QUOTE); open >= 0; ) {
    const close = closingQuote(bytes, open);
    if (close < 0) break;
    const length = close - open - 1;
    if (length > LONG_STRING_BYTES && validContent(bytes, open + 1, close) && !keepWhole(open + 1, close)) {
      const head = headEnd(bytes, open + 1);
      parts.push(bytes.subarray(copied, head), Buffer.from(`… (${close - head} more bytes)`));
      copied = close;
    }
    open = bytes.indexOf(QUOTE, close + 1);
  }
  if (parts.length === 0) return bytes.toString('utf8');
  parts.push(bytes.subarray(copied));
  return Buffer.concat(parts).toString('utf8');
}

/** What a long string's tail is replaced with: `… (N more bytes)`, and the secrets it held. */
function marker(moreBytes: number, secrets: readonly Buffer[]): Buffer {
  if (secrets.length === 0) return Buffer.from(`… (${moreBytes} more bytes)`);
  return Buffer.concat([Buffer.from(`… (${moreBytes} more bytes, holding `), ...secrets.flatMap((secret, k) => (k === 0 ? [secret] : [Buffer.from(' '), secret])), Buffer.from(')')]);
}

const U = 0x75;
const RAW_CONTROL = Buffer.from([0x01]);

/** A long string while it streams past: its head, its size so far, and what was found in it. */
interface LongString {
  readonly head: Buffer;
  bytes: number;
  /** The last bytes seen, so a secret split between two pieces is still found. */
  tail: Buffer;
  readonly found: Set<Buffer>;
}

/**
 * cutLongStrings for a message that arrives in pieces: `write` each piece, then `end` gives the
 * text cutLongStrings gives for the whole (a string kept whole there: see the file's comment).
 * `secrets` are the known secrets as JSON text (Redactor.secretsInJson). What passes through
 * is held as views of the pieces, one per piece, and copied once by `end`: a message of many
 * small strings costs its size, not an object per string. `takeSettled` hands over what can no
 * longer change on the way, for a next stage to take as it streams (giant-frames.ts).
 */
export class LongStringCutter {
  readonly #secrets: readonly Buffer[];
  readonly #overlap: number;
  /** The output not taken yet, as views of the pieces and the cut strings' heads and markers. */
  #out: Buffer[] = [];
  /** Bytes output so far, taken or not (the offsets below count from the start of the output). */
  #outBytes = 0;
  #takenBytes = 0;
  #inString = false;
  /** The previous byte was an escaping backslash. */
  #escaped = false;
  /** Hex digits still due after a \\u. */
  #hexLeft = 0;
  #valid = true;
  /** Where the current string's content starts in the output, and its bytes so far. */
  #contentAt = 0;
  #contentBytes = 0;
  #long: LongString | undefined;

  constructor(secrets: readonly Buffer[] = []) {
    this.#secrets = secrets.filter((secret) => secret.length > 0);
    this.#overlap = Math.max(0, ...this.#secrets.map((secret) => secret.length - 1));
  }

  write(piece: Buffer): void {
    let at = 0;
    // piece[run, at) passes through and is not in the output yet; -1 while a long string's
    // content is skipped.
    let run = this.#long === undefined ? 0 : -1;
    while (at < piece.length) {
      if (!this.#inString) {
        const open = piece.indexOf(QUOTE, at);
        if (open < 0) break;
        this.#inString = true;
        this.#valid = true;
        this.#escaped = false;
        this.#hexLeft = 0;
        this.#contentAt = this.#outBytes + (open + 1 - run);
        this.#contentBytes = 0;
        at = open + 1;
        continue;
      }
      const close = this.#scan(piece, at);
      const end = close < 0 ? piece.length : close;
      const long = this.#long;
      if (long !== undefined) {
        this.#skipped(long, piece.subarray(at, end));
      } else {
        this.#contentBytes += end - at;
        if (this.#contentBytes > LONG_STRING_BYTES) {
          this.#push(piece.subarray(run, end));
          run = -1;
          this.#turnLong();
        }
      }
      at = end;
      if (close < 0) break;
      if (this.#long !== undefined) {
        this.#endLong(true);
        run = close;
      }
      this.#inString = false;
      at = close + 1;
    }
    if (run >= 0) this.#push(piece.subarray(run));
  }

  /** The output that no later piece can change (all but the string being read), taken out of this cutter. */
  takeSettled(): Buffer[] {
    const settled = this.#inString ? this.#contentAt : this.#outBytes;
    const taken: Buffer[] = [];
    let whole = 0;
    while (this.#takenBytes < settled) {
      const piece = this.#out[whole] as Buffer;
      const take = Math.min(piece.length, settled - this.#takenBytes);
      this.#takenBytes += take;
      if (take < piece.length) {
        taken.push(piece.subarray(0, take));
        this.#out[whole] = piece.subarray(take);
        break;
      }
      taken.push(piece);
      whole += 1;
    }
    if (whole > 0) this.#out = this.#out.slice(whole);
    return taken;
  }

  /** The message's text, cut (what `takeSettled` did not take of it). */
  end(): Buffer {
    // An unterminated string: what is held of it, unterminated still (the message stays unparsable).
    if (this.#inString && this.#long !== undefined) this.#endLong(false);
    const text = this.#out.length === 1 ? (this.#out[0] as Buffer) : Buffer.concat(this.#out, this.#outBytes - this.#takenBytes);
    this.#out = [];
    this.#outBytes = 0;
    this.#takenBytes = 0;
    return text;
  }

  /** Where the current string closes in `piece` (from `at`), or -1; tracks escapes and validity. */
  #scan(piece: Buffer, at: number): number {
    for (let k = at; k < piece.length; k += 1) {
      const byte = piece[k] as number;
      if (this.#escaped) {
        this.#escaped = false;
        if (!ESCAPED.has(byte)) this.#valid = false;
        if (byte === U) this.#hexLeft = 4;
        continue;
      }
      if (this.#hexLeft > 0) {
        this.#hexLeft -= 1;
        if (!isHex(byte)) this.#valid = false;
      }
      if (byte === QUOTE) return k;
      if (byte === BACKSLASH) this.#escaped = true;
      else if (byte < 0x20) this.#valid = false;
    }
    return -1;
  }

  #push(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.#out.push(bytes);
    this.#outBytes += bytes.length;
  }

  /** The current string passed LONG_STRING_BYTES: its content leaves the output, its head stays aside. */
  #turnLong(): void {
    const content = this.#truncate(this.#contentAt);
    const long: LongString = { head: Buffer.from(content.subarray(0, headEnd(content, 0))), bytes: content.length, tail: Buffer.alloc(0), found: new Set() };
    this.#long = long;
    this.#search(long, content);
  }

  /** Cuts the output back to `length` bytes; returns what was cut off, as one buffer. */
  #truncate(length: number): Buffer {
    const cut: Buffer[] = [];
    while (this.#outBytes > length) {
      // Never past what was taken: `length` is where the current string's content starts, which is not settled.
      const last = this.#out.pop() as Buffer;
      this.#outBytes -= last.length;
      const keep = Math.max(0, length - this.#outBytes);
      if (keep > 0) {
        this.#out.push(last.subarray(0, keep));
        this.#outBytes += keep;
      }
      cut.unshift(last.subarray(keep));
    }
    return Buffer.concat(cut);
  }

  #skipped(long: LongString, part: Buffer): void {
    if (part.length === 0) return;
    long.bytes += part.length;
    this.#search(long, part);
  }

  #search(long: LongString, part: Buffer): void {
    if (this.#secrets.length === 0) return;
    const window = long.tail.length === 0 ? part : Buffer.concat([long.tail, part]);
    for (const secret of this.#secrets) if (!long.found.has(secret) && window.includes(secret)) long.found.add(secret);
    long.tail = Buffer.from(window.subarray(Math.max(0, window.length - this.#overlap)));
  }

  /** Puts the long string's head and marker in the output in place of its content. */
  #endLong(closed: boolean): void {
    const long = this.#long as LongString;
    this.#push(long.head);
    this.#push(marker(long.bytes - long.head.length, [...long.found]));
    // Not valid string content: the cut form must not parse either.
    if (closed && !this.#valid) this.#push(RAW_CONTROL);
    this.#long = undefined;
  }
}
