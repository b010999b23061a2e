// Turns the `evidence` a test left in its meta into a transcript window the reports can
// draw. The meta field is typed `unknown`, so the shape is checked here, entry by entry:
// a malformed entry is dropped, never allowed to break a report.
import type { ConnectionEntry, Elision, FrameEntry, TranscriptEntry } from '../suites/harness/transcript-types.ts';

/** Entries kept per test in the record; property transcripts can be long. */
export const MAX_EVIDENCE_ENTRIES = 400;

export interface EvidenceWindow {
  readonly entries: readonly TranscriptEntry[];
  /** Transcript `index` values of the frames that prove the violation (highlighted). */
  readonly witnesses: readonly number[];
  /** How many entries were cut to respect MAX_EVIDENCE_ENTRIES. */
  readonly omitted: number;
}

type Loose = Record<string, unknown>;

function isObject(value: unknown): value is Loose {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const CONN_EVENTS = new Set(['open', 'dropped', 'closing', 'closed']);

function isElision(value: unknown): value is Elision {
  return isObject(value) && typeof value.sha256 === 'string' && typeof value.head === 'string' && isObject(value.cut);
}

function asEntry(value: unknown): TranscriptEntry | undefined {
  if (!isObject(value)) return undefined;
  const { kind, index, conn, t } = value;
  if (typeof index !== 'number' || typeof conn !== 'string' || typeof t !== 'number') return undefined;
  if (kind === 'frame') {
    if (value.dir !== 'in' && value.dir !== 'out') return undefined;
    const verdict = isObject(value.verdict) && value.verdict.valid === false
      ? { valid: false as const, errors: Array.isArray(value.verdict.errors) ? value.verdict.errors.map(String) : [] }
      : { valid: true as const };
    const entry: FrameEntry = {
      kind: 'frame',
      index,
      conn,
      dir: value.dir,
      t,
      frame: value.frame,
      ...(typeof value.raw === 'string' ? { raw: value.raw } : {}),
      bytes: typeof value.bytes === 'number' ? value.bytes : 0,
      verdict,
      ...(isElision(value.elided) ? { elided: value.elided } : {}),
    };
    return entry;
  }
  if (kind === 'conn' && typeof value.event === 'string' && CONN_EVENTS.has(value.event)) {
    const entry: ConnectionEntry = {
      kind: 'conn',
      index,
      conn,
      t,
      event: value.event as ConnectionEntry['event'],
      ...(typeof value.code === 'number' ? { code: value.code } : {}),
      ...(typeof value.reason === 'string' ? { reason: value.reason } : {}),
      ...(typeof value.label === 'string' ? { label: value.label } : {}),
      ...(typeof value.error === 'string' ? { error: value.error } : {}),
    };
    return entry;
  }
  return undefined;
}

/**
 * Accepts `TranscriptEntry[]` (what `conformanceTest` stores today) or
 * `{ transcript | entries: TranscriptEntry[], witnesses?: number[] }`.
 */
export function readEvidence(evidence: unknown): EvidenceWindow | undefined {
  let raw: unknown;
  let witnesses: number[] = [];
  if (Array.isArray(evidence)) raw = evidence;
  else if (isObject(evidence)) {
    raw = evidence.transcript ?? evidence.entries;
    if (Array.isArray(evidence.witnesses)) {
      witnesses = evidence.witnesses.filter((w): w is number => typeof w === 'number');
    }
  }
  if (!Array.isArray(raw)) return undefined;
  const entries = raw.map(asEntry).filter((e): e is TranscriptEntry => e !== undefined);
  if (entries.length === 0) return undefined;
  return limitWindow(entries, witnesses);
}

// Keeps the witnesses visible: the cut keeps the span around them when there are any.
function limitWindow(entries: TranscriptEntry[], witnesses: number[]): EvidenceWindow {
  if (entries.length <= MAX_EVIDENCE_ENTRIES) return { entries, witnesses, omitted: 0 };
  const positions = witnesses.map((w) => entries.findIndex((e) => e.index === w)).filter((p) => p >= 0);
  const centre = positions.length > 0 ? Math.min(...positions) : entries.length - MAX_EVIDENCE_ENTRIES / 2;
  const start = Math.max(0, Math.min(entries.length - MAX_EVIDENCE_ENTRIES, centre - MAX_EVIDENCE_ENTRIES / 2));
  return {
    entries: entries.slice(start, start + MAX_EVIDENCE_ENTRIES),
    witnesses,
    omitted: entries.length - MAX_EVIDENCE_ENTRIES,
  };
}
