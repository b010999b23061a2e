// Single faults injected into a correct transcript, each the wire trace of a real server bug,
// with the requirement ids a checker must name for it. `pick` chooses among the places the
// fault fits; a corruption returns undefined when the transcript has no such place.
import type { FrameEntry, TranscriptEntry } from '../../harness/transcript-types.ts';
import { isObject, isSequencedFrame, isTerminalFrame, readWireFrame } from '../wire.ts';

export type CorruptionKind = 'swapSeqs' | 'duplicateTerminal' | 'dropReplayed' | 'changeSessionId';

export const CORRUPTION_KINDS: readonly CorruptionKind[] = ['swapSeqs', 'duplicateTerminal', 'dropReplayed', 'changeSessionId'];

/** The ids at least one of which the checkers must report for each fault. */
export const EXPECTED_IDS: Readonly<Record<CorruptionKind, readonly string[]>> = {
  swapSeqs: ['SEQ-002', 'SEQ-004'],
  duplicateTerminal: ['LIFE-001', 'CANCEL-003', 'CANCEL-004'],
  dropReplayed: ['SEQ-004', 'RESUME-003'],
  changeSessionId: ['ENV-004', 'SUB-006'],
};

type Frame = Record<string, unknown>;

function frameOf(entry: TranscriptEntry): Frame | undefined {
  return entry.kind === 'frame' && isObject(entry.frame) ? (entry.frame as Frame) : undefined;
}

function sequencedIn(entry: TranscriptEntry): entry is FrameEntry {
  if (entry.kind !== 'frame' || entry.dir !== 'in') return false;
  const wire = readWireFrame(entry.frame);
  return wire !== undefined && isSequencedFrame(wire);
}

function withFrame(entry: FrameEntry, frame: Frame): FrameEntry {
  return { ...entry, frame };
}

function renumber(entries: readonly TranscriptEntry[]): TranscriptEntry[] {
  return entries.map((e, index) => ({ ...e, index }));
}

/** The session each connection speaks for, from its welcome or resume request. */
function sessionsOfConnections(entries: readonly TranscriptEntry[]): Map<string, string> {
  const sessions = new Map<string, string>();
  for (const entry of entries) {
    const frame = frameOf(entry);
    if (frame === undefined) continue;
    const resume = isObject(frame.payload) && isObject(frame.payload.resume) ? frame.payload.resume : undefined;
    if (frame.type === 'session.welcome' && typeof frame.session_id === 'string') sessions.set(entry.conn, frame.session_id);
    if (typeof resume?.session_id === 'string') sessions.set(entry.conn, resume.session_id);
  }
  return sessions;
}

function pickOne<T>(options: readonly T[], pick: number): T | undefined {
  return options.length === 0 ? undefined : options[pick % options.length];
}

/** Two consecutive sequenced frames of one connection trade their event_seq (audit: csharp-event-seq-reorder). */
function swapSeqs(entries: readonly TranscriptEntry[], pick: number): TranscriptEntry[] | undefined {
  const pairs: [number, number][] = [];
  const lastOnConn = new Map<string, number>();
  entries.forEach((entry, k) => {
    if (!sequencedIn(entry)) return;
    const previous = lastOnConn.get(entry.conn);
    if (previous !== undefined) pairs.push([previous, k]);
    lastOnConn.set(entry.conn, k);
  });
  const pair = pickOne(pairs, pick);
  if (pair === undefined) return undefined;
  const [a, b] = pair.map((k) => entries[k] as FrameEntry) as [FrameEntry, FrameEntry];
  const out = [...entries];
  out[pair[0]] = withFrame(a, { ...(a.frame as Frame), event_seq: (b.frame as Frame).event_seq });
  out[pair[1]] = withFrame(b, { ...(b.frame as Frame), event_seq: (a.frame as Frame).event_seq });
  return out;
}

/**
 * A job's terminal is emitted twice (audit: ruby-cancel-after-terminal): a copy follows the
 * first receipt of a terminal under the next seq, and everything later in that session moves
 * up one seq, resume points included, as if the server had logged the extra frame.
 */
function duplicateTerminal(entries: readonly TranscriptEntry[], pick: number): TranscriptEntry[] | undefined {
  const sessions = sessionsOfConnections(entries);
  const seen = new Set<string>();
  const firsts: number[] = [];
  entries.forEach((entry, k) => {
    if (!sequencedIn(entry)) return;
    const frame = entry.frame as Frame;
    const key = `${sessions.get(entry.conn)}#${frame.event_seq}`;
    if (seen.has(key)) return;
    seen.add(key);
    const wire = readWireFrame(frame);
    if (wire !== undefined && isTerminalFrame(wire)) firsts.push(k);
  });
  const at = pickOne(firsts, pick);
  if (at === undefined) return undefined;
  const original = entries[at] as FrameEntry;
  const session = sessions.get(original.conn);
  const seq = (original.frame as Frame).event_seq as number;
  const shifted = entries.map((entry): TranscriptEntry => {
    const frame = frameOf(entry);
    if (frame === undefined || entry.kind !== 'frame' || sessions.get(entry.conn) !== session) return entry;
    if (sequencedIn(entry) && (frame.event_seq as number) > seq) return withFrame(entry, { ...frame, event_seq: (frame.event_seq as number) + 1 });
    const payload = isObject(frame.payload) ? frame.payload : undefined;
    const resume = payload !== undefined && isObject(payload.resume) ? payload.resume : undefined;
    if (resume !== undefined && typeof resume.last_event_seq === 'number' && resume.last_event_seq >= seq) {
      return withFrame(entry, { ...frame, payload: { ...payload, resume: { ...resume, last_event_seq: resume.last_event_seq + 1 } } });
    }
    return entry;
  });
  const copy = withFrame(original, { ...(original.frame as Frame), id: 'dup-terminal', event_seq: seq + 1 });
  return renumber([...shifted.slice(0, at + 1), copy, ...shifted.slice(at + 1)]);
}

/** A resume's replay leaves out a frame the session had already received above last_event_seq. */
function dropReplayed(entries: readonly TranscriptEntry[], pick: number): TranscriptEntry[] | undefined {
  const sessions = sessionsOfConnections(entries);
  const received = new Map<string, number>(); // session -> highest seq received so far
  const replayFloor = new Map<string, { last: number; owed: number }>(); // resume conn -> its window
  const candidates: number[] = [];
  entries.forEach((entry, k) => {
    const frame = frameOf(entry);
    const session = sessions.get(entry.conn);
    if (frame === undefined || session === undefined) return;
    const resume = isObject(frame.payload) && isObject(frame.payload.resume) ? frame.payload.resume : undefined;
    if (entry.kind === 'frame' && entry.dir === 'out' && typeof resume?.last_event_seq === 'number') {
      replayFloor.set(entry.conn, { last: resume.last_event_seq, owed: received.get(session) ?? 0 });
    }
    if (!sequencedIn(entry)) return;
    const seq = frame.event_seq as number;
    const window = replayFloor.get(entry.conn);
    if (window !== undefined && seq > window.last && seq <= window.owed) candidates.push(k);
    received.set(session, Math.max(received.get(session) ?? 0, seq));
  });
  // Only a frame the server provably owed: one that something still follows on its connection,
  // or whose connection stays open to the end (a client that hangs up early is owed nothing).
  const provable = candidates.filter((k) => {
    const conn = entries[k]!.conn;
    const later = entries.slice(k + 1).filter((e) => e.conn === conn);
    return later.some(sequencedIn) || !later.some((e) => e.kind === 'conn');
  });
  const at = pickOne(provable, pick);
  return at === undefined ? undefined : renumber([...entries.slice(0, at), ...entries.slice(at + 1)]);
}

/** A frame after the welcome carries another session's id. */
function changeSessionId(entries: readonly TranscriptEntry[], pick: number): TranscriptEntry[] | undefined {
  const welcomed = new Set<string>();
  const candidates: number[] = [];
  entries.forEach((entry, k) => {
    const frame = frameOf(entry);
    if (frame === undefined || entry.kind !== 'frame' || entry.dir !== 'in') return;
    if (frame.type === 'session.welcome') welcomed.add(entry.conn);
    else if (welcomed.has(entry.conn)) candidates.push(k);
  });
  const at = pickOne(candidates, pick);
  if (at === undefined) return undefined;
  const out = [...entries];
  const entry = entries[at] as FrameEntry;
  out[at] = withFrame(entry, { ...(entry.frame as Frame), session_id: 'sX' });
  return out;
}

export function corrupt(entries: readonly TranscriptEntry[], kind: CorruptionKind, pick: number): TranscriptEntry[] | undefined {
  switch (kind) {
    case 'swapSeqs':
      return swapSeqs(entries, pick);
    case 'duplicateTerminal':
      return duplicateTerminal(entries, pick);
    case 'dropReplayed':
      return dropReplayed(entries, pick);
    case 'changeSessionId':
      return changeSessionId(entries, pick);
  }
}
