// A welcome may list hundreds of thousands of agents (a hostile server's 10 MiB welcome).
// Parsed whole, that is some 75 MB of objects in every session that receives it, though the
// kit reads no entry by value but the conformance agent's. So in a message over the bound, an
// agent list (payload.capabilities.agents) longer than AGENT_LIST_KEPT is parsed entry by
// entry, and keeps: its first AGENT_LIST_KEPT entries, every entry that holds a wanted text
// (the agent the kit asks for, a known secret), and the first entry of each shape (its keys
// and value types, empty strings apart). What the kit judges of an agents entry (VER-001, the
// schema's non-empty strings) depends on its shape alone, so the verdicts are those of the
// whole list. Anything unexpected (a parse error, the list found twice, more than MAX_SHAPES
// shapes) gives up, and the caller parses the message whole as before.

import { closingQuote } from './long-strings.ts';

/** Messages over this size are scanned for a long agent list (smaller ones are cheap to parse whole). */
export const AGENT_LIST_SCAN_BYTES = 1024 * 1024;
/** Entries of a long agent list kept in order before any is elided. */
export const AGENT_LIST_KEPT = 1024;
/** Distinct entry shapes kept; past this the list is parsed whole. */
const MAX_SHAPES = 256;

const QUOTE = 0x22;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const AGENTS_PATH = ['payload', 'capabilities', 'agents'] as const;

export interface BoundedParse {
  readonly value: unknown;
  /** Entries of the agent list left out (each has the shape of one kept). */
  readonly agentsElided: number;
}

interface Container {
  readonly array: boolean;
  /** Where it opens. */
  readonly open: number;
  /** An object's latest key. */
  key: string | undefined;
  /** The agent list's entries, as start and end offsets in turn. */
  entries?: number[];
  /** Where the agent list's current entry starts. */
  entryAt?: number;
  /** The agent list's last token was a comma (an entry must follow). */
  afterComma?: boolean;
}

interface AgentList {
  /** Where `[` and the byte after `]` are. */
  readonly open: number;
  readonly close: number;
  readonly entries: readonly number[];
}

/** The byte range of payload.capabilities.agents when it is an array, with its entries; undefined when absent, found twice, or the text is not well nested. */
function locateAgentList(bytes: Buffer): AgentList | undefined {
  const stack: Container[] = [];
  let found: AgentList | undefined;
  let lastString: [number, number] | undefined;
  for (let at = 0; at < bytes.length; at += 1) {
    const byte = bytes[at] as number;
    const top = stack[stack.length - 1];
    if (top?.entries !== undefined && top.entryAt === undefined && byte > 0x20 && byte !== COMMA && byte !== CLOSE_ARRAY) {
      top.entryAt = at;
      top.afterComma = false;
    }
    if (byte === QUOTE) {
      const close = closingQuote(bytes, at);
      if (close < 0) return undefined;
      lastString = [at, close + 1];
      at = close;
    } else if (byte === COLON) {
      if (top === undefined || top.array || lastString === undefined) return undefined;
      top.key = bytes.toString('utf8', lastString[0] + 1, lastString[1] - 1);
    } else if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) {
      const array = byte === OPEN_ARRAY;
      const container: Container = { array, open: at, key: undefined };
      if (array && stack.length === AGENTS_PATH.length && stack.every((c, k) => !c.array && c.key === AGENTS_PATH[k])) {
        if (found !== undefined) return undefined;
        container.entries = [];
      }
      stack.push(container);
    } else if (byte === COMMA || byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) {
      if (top === undefined) return undefined;
      if (top.entries !== undefined) {
        // An empty entry (`[a,,b]`, `[a,]`) is not JSON: the whole parse must say so.
        if (top.entryAt === undefined && (byte === COMMA || top.afterComma === true)) return undefined;
        if (top.entryAt !== undefined) top.entries.push(top.entryAt, at);
        top.entryAt = undefined;
        top.afterComma = byte === COMMA;
      }
      if (byte === COMMA) continue;
      if (top.array !== (byte === CLOSE_ARRAY)) return undefined;
      stack.pop();
      if (top.entries !== undefined) found = { open: top.open, close: at + 1, entries: top.entries };
    }
  }
  return stack.length === 0 ? found : undefined;
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

function agentsSlot(value: unknown): Record<string, unknown> | undefined {
  const payload = (value as Record<string, unknown> | null)?.payload as Record<string, unknown> | undefined;
  const capabilities = payload?.capabilities as Record<string, unknown> | undefined;
  return typeof capabilities === 'object' && capabilities !== null && Array.isArray(capabilities.agents) && capabilities.agents.length === 0 ? capabilities : undefined;
}

/**
 * Parses `bytes` (a JSON message) with a long agent list bounded as the file's comment says;
 * undefined for a message of at most AGENT_LIST_SCAN_BYTES, when there is no list longer than
 * AGENT_LIST_KEPT, or when anything is unexpected (parse the message whole then). `wanted`
 * gives texts (as JSON, e.g. `"conformance"`) whose entries stay; it is asked only past the size.
 */
export function parseBoundingAgentList(bytes: Buffer, wantedTexts: () => readonly Buffer[]): BoundedParse | undefined {
  if (bytes.length <= AGENT_LIST_SCAN_BYTES) return undefined;
  const list = locateAgentList(bytes);
  if (list === undefined || list.entries.length / 2 <= AGENT_LIST_KEPT) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.concat([bytes.subarray(0, list.open), Buffer.from('[]'), bytes.subarray(list.close)]).toString('utf8'));
    const slot = agentsSlot(value);
    if (slot === undefined) return undefined;
    const wanted = wantedTexts();
    const kept: unknown[] = [];
    const shapes = new Set<string>();
    for (let k = 0; k < list.entries.length; k += 2) {
      const from = list.entries[k] as number;
      const to = list.entries[k + 1] as number;
      const entry: unknown = JSON.parse(bytes.toString('utf8', from, to));
      const shape = shapeOf(entry);
      const isNewShape = !shapes.has(shape);
      if (isNewShape) {
        if (shapes.size >= MAX_SHAPES) return undefined;
        shapes.add(shape);
      }
      if (k / 2 < AGENT_LIST_KEPT || isNewShape || wanted.some((w) => bytes.subarray(from, to).includes(w))) kept.push(entry);
    }
    slot.agents = kept;
    return { value, agentsElided: list.entries.length / 2 - kept.length };
  } catch {
    return undefined;
  }
}
