// A server message of many MiB is cut while it arrives, never held whole. ws gathers a
// message's bytes and then copies them into one buffer, so a 50 MiB frame cost a worker over
// 100 MiB for each connection it arrived on, several at once. This sits between the socket and
// ws's frame parser: a single-frame text or binary message over the bound streams through a
// LongStringCutter (long-strings.ts), an AgentListBounder (long-agent-lists.ts) and a digest,
// and ws gets, in its place, one frame of the same type holding the cut text (a binary
// message: its first bytes). The connection learns, by the message's ordinal, the size and
// digest of what was on the wire and how many agent entries were left out.
//
// Everything else passes through byte for byte, so ws judges it as ever: control frames,
// fragmented messages (still bounded by ws's maxPayload), frames over maxPayload (ws refuses
// them at their header), masked or RSV frames (ws fails the connection on them). Invalid UTF-8
// in a cut text message ends the stand-in with an invalid byte, so ws closes with 1007 as it
// would have.
import { createHash, type Hash } from 'node:crypto';
import { isUtf8 } from 'node:buffer';
import { AgentListBounder } from './long-agent-lists.ts';
import { LongStringCutter } from './long-strings.ts';

/** Single-frame messages with more payload bytes than this are cut as they arrive. */
export const STREAMED_FRAME_BYTES = 1024 * 1024;
/** Bytes a cut binary message keeps. */
const BINARY_HEAD_BYTES = 256;

const TEXT = 0x1;
const BINARY = 0x2;
const CONTINUATION = 0x0;

/** What was on the wire of a message that reached ws cut. */
export interface CutMessage {
  readonly wireBytes: number;
  readonly sha256: string;
  /** Entries of a long agent list left out of the text. */
  readonly agentsElided: number;
}

interface FrameHeader {
  readonly fin: boolean;
  readonly opcode: number;
  /** RSV bits or a mask: ws fails the connection on these (a server must not mask). */
  readonly irregular: boolean;
  readonly payloadBytes: number;
  readonly headerBytes: number;
}

/** The header at `at` in `bytes`, or undefined while it is incomplete. */
function parseHeader(bytes: Buffer, at: number): FrameHeader | undefined {
  if (bytes.length - at < 2) return undefined;
  const first = bytes[at] as number;
  const second = bytes[at + 1] as number;
  const masked = (second & 0x80) !== 0;
  const short = second & 0x7f;
  const extended = short === 126 ? 2 : short === 127 ? 8 : 0;
  const headerBytes = 2 + extended + (masked ? 4 : 0);
  if (bytes.length - at < headerBytes) return undefined;
  const payloadBytes = extended === 0 ? short : extended === 2 ? bytes.readUInt16BE(at + 2) : Number(bytes.readBigUInt64BE(at + 2));
  return { fin: (first & 0x80) !== 0, opcode: first & 0x0f, irregular: masked || (first & 0x70) !== 0, payloadBytes, headerBytes };
}

/** The header of an unmasked, final frame (as a server sends) of `opcode` carrying `length` bytes. */
export function serverFrameHeader(opcode: number, length: number): Buffer {
  if (length < 126) return Buffer.from([0x80 | opcode, length]);
  if (length < 65_536) {
    const header = Buffer.from([0x80 | opcode, 126, 0, 0]);
    header.writeUInt16BE(length, 2);
    return header;
  }
  const header = Buffer.alloc(10);
  header[0] = 0x80 | opcode;
  header[1] = 127;
  header.writeBigUInt64BE(BigInt(length), 2);
  return header;
}

/** UTF-8 validation of a text that arrives in pieces (a sequence may straddle two). */
class Utf8Check {
  #carry = Buffer.alloc(0);
  valid = true;

  write(piece: Buffer): void {
    if (!this.valid) return;
    const bytes = this.#carry.length === 0 ? piece : Buffer.concat([this.#carry, piece]);
    const whole = completeUpTo(bytes);
    if (!isUtf8(bytes.subarray(0, whole))) this.valid = false;
    this.#carry = Buffer.from(bytes.subarray(whole));
  }

  end(): boolean {
    if (this.#carry.length > 0) this.valid = false;
    return this.valid;
  }
}

/** The length of `bytes` without a multi-byte sequence its end cuts short. */
function completeUpTo(bytes: Buffer): number {
  for (let back = 1; back <= Math.min(3, bytes.length); back += 1) {
    const byte = bytes[bytes.length - back] as number;
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: look further back
    const needs = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return needs > back ? bytes.length - back : bytes.length;
  }
  return bytes.length;
}

/** The message being cut: its remaining payload, what it becomes, and its digest. */
interface Cutting {
  readonly opcode: number;
  readonly wireBytes: number;
  left: number;
  readonly hash: Hash;
  readonly text: LongStringCutter | undefined;
  /** Takes the cut text as it settles: a long agent list is never held whole either. */
  readonly agents: AgentListBounder | undefined;
  readonly utf8: Utf8Check | undefined;
  binaryHead: Buffer;
}

export interface GiantFrameOptions {
  /** ws's maxPayload: a frame over it passes through for ws to refuse. */
  readonly maxPayloadBytes: number;
  /** Messages over this many bytes are cut (at least STREAMED_FRAME_BYTES). */
  readonly streamedBytes?: number;
  /** The known secrets as JSON text, read when a message starts (Redactor.secretsInJson). */
  readonly secrets: () => readonly Buffer[];
  /** Texts whose agent list entries stay (long-agent-lists.ts), read when a message starts; the secrets when absent. */
  readonly wantedInAgentLists?: () => readonly Buffer[];
}

/** The bytes one connection's server sends, on their way to ws's parser. */
export class GiantFrameCutter {
  readonly #options: GiantFrameOptions;
  readonly #threshold: number;
  #header = Buffer.alloc(0);
  /** Payload bytes of the current frame that pass through untouched. */
  #passing = 0;
  #cutting: Cutting | undefined;
  /** A fragmented message is open: its frames pass through. */
  #fragmented = false;
  /** Something ws will fail the connection on went by: pass everything from then on. */
  #standingAside = false;
  /** Data messages completed so far (the ordinal of the next one). */
  #messages = 0;
  readonly #cut = new Map<number, CutMessage>();

  constructor(options: GiantFrameOptions) {
    this.#options = options;
    this.#threshold = Math.max(STREAMED_FRAME_BYTES, options.streamedBytes ?? 0);
  }

  /** Whether the bytes so far end inside a frame (a server that cut the connection mid-frame). */
  get midFrame(): boolean {
    return !this.#standingAside && (this.#header.length > 0 || this.#passing > 0 || this.#cutting !== undefined);
  }

  /** What was on the wire of the `ordinal`-th data message (0-based), if it reached ws cut; asked once. */
  takeCut(ordinal: number): CutMessage | undefined {
    if (this.#cut.size === 0) return undefined; // every message but a giant one: no lookup
    const cut = this.#cut.get(ordinal);
    this.#cut.delete(ordinal);
    return cut;
  }

  /**
   * The bytes to give ws for `chunk`, in order: the chunk itself while nothing in it is cut (no
   * copy), nothing while a message is being cut, its stand-in once it is whole.
   */
  transform(chunk: Buffer): readonly Buffer[] {
    if (this.#standingAside) return [chunk];
    const out: Buffer[] = [];
    let at = 0;
    // chunk[run, at) passes through untouched and is not in `out` yet.
    let run = 0;
    const flush = (): void => {
      if (at > run) out.push(chunk.subarray(run, at));
      run = at;
    };
    while (at < chunk.length) {
      const cutting = this.#cutting;
      if (cutting !== undefined) {
        flush();
        at = this.#feed(cutting, chunk, at, out);
        run = at;
        continue;
      }
      if (this.#passing > 0) {
        const take = Math.min(this.#passing, chunk.length - at);
        this.#passing -= take;
        at += take;
        continue;
      }
      if (this.#header.length === 0) {
        const header = parseHeader(chunk, at);
        if (header === undefined) {
          // Cut by the chunk's end: held back until the next chunk completes it.
          flush();
          this.#header = Buffer.from(chunk.subarray(at));
          at = chunk.length;
          run = at;
          continue;
        }
        if (this.#begin(header)) {
          flush();
          at += header.headerBytes;
          run = at;
        } else at += header.headerBytes;
        continue;
      }
      // A header split between two chunks (at most 14 bytes).
      const held = Buffer.concat([this.#header, chunk.subarray(at, at + 14)]);
      const header = parseHeader(held, 0);
      if (header === undefined) {
        this.#header = held;
        at = chunk.length;
        run = at;
        continue;
      }
      at += header.headerBytes - this.#header.length;
      run = at;
      this.#header = Buffer.alloc(0);
      if (!this.#begin(header)) out.push(held.subarray(0, header.headerBytes));
    }
    if (run === 0 && out.length === 0) return [chunk];
    flush();
    return out;
  }

  /** Starts a frame; says whether its bytes are withheld to be cut (else they pass through). */
  #begin(header: FrameHeader): boolean {
    const isData = header.opcode === TEXT || header.opcode === BINARY || header.opcode === CONTINUATION;
    const known = isData || header.opcode >= 0x8;
    if (header.irregular || !known || !Number.isSafeInteger(header.payloadBytes)) {
      this.#standingAside = true;
      this.#passing = Number.POSITIVE_INFINITY;
      return false;
    }
    const cuttable = header.fin && !this.#fragmented && header.opcode !== CONTINUATION && header.payloadBytes > this.#threshold && header.payloadBytes <= this.#options.maxPayloadBytes;
    if (isData) {
      if (header.fin) this.#messages += 1;
      else if (header.opcode !== CONTINUATION) this.#fragmented = true;
      if (header.fin && header.opcode === CONTINUATION) this.#fragmented = false;
    }
    if (!cuttable) {
      this.#passing = header.payloadBytes;
      return false;
    }
    const text = header.opcode === TEXT;
    this.#cutting = {
      opcode: header.opcode,
      wireBytes: header.payloadBytes,
      left: header.payloadBytes,
      hash: createHash('sha256'),
      text: text ? new LongStringCutter(this.#options.secrets()) : undefined,
      agents: text ? new AgentListBounder((this.#options.wantedInAgentLists ?? this.#options.secrets)()) : undefined,
      utf8: text ? new Utf8Check() : undefined,
      binaryHead: Buffer.alloc(0),
    };
    return true;
  }

  /** Feeds the cut message its next payload bytes; when it is whole, hands ws its stand-in. */
  #feed(cutting: Cutting, chunk: Buffer, at: number, out: Buffer[]): number {
    const take = Math.min(cutting.left, chunk.length - at);
    const part = chunk.subarray(at, at + take);
    cutting.hash.update(part);
    cutting.utf8?.write(part);
    if (cutting.text !== undefined) {
      cutting.text.write(part);
      for (const settled of cutting.text.takeSettled()) cutting.agents?.write(settled);
    } else if (cutting.binaryHead.length < BINARY_HEAD_BYTES) cutting.binaryHead = Buffer.concat([cutting.binaryHead, part.subarray(0, BINARY_HEAD_BYTES - cutting.binaryHead.length)]);
    cutting.left -= take;
    if (cutting.left === 0) {
      this.#cutting = undefined;
      let payload = cutting.binaryHead;
      if (cutting.text !== undefined && cutting.agents !== undefined) {
        cutting.agents.write(cutting.text.end());
        payload = cutting.agents.end();
      }
      if (cutting.utf8 !== undefined && !cutting.utf8.end()) payload = Buffer.concat([payload, Buffer.from([0xff])]);
      out.push(serverFrameHeader(cutting.opcode, payload.length), payload);
      this.#cut.set(this.#messages - 1, { wireBytes: cutting.wireBytes, sha256: cutting.hash.digest('hex'), agentsElided: cutting.agents?.agentsElided ?? 0 });
    }
    return at + take;
  }
}
