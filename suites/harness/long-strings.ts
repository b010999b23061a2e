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

/** String values longer than this many bytes of JSON text are cut (in messages over the frame bound). */
export const LONG_STRING_BYTES = 64 * 1024;
const HEAD_BYTES = 256;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const ESCAPED = new Set([...'"\\/bfnrtu'].map((c) => c.charCodeAt(0)));

/** The index of the quote that closes the string opened at `open`, or -1. */
function closingQuote(bytes: Buffer, open: number): number {
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
