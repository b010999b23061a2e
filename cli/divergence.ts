// Where a replayed transcript first departs from the recorded one. Frames are compared
// per connection, in each connection's own order, on what a server controls and a
// replay should reproduce: direction, type, job, seq and event kind. Job ids are minted
// by the server, so each transcript's jobs are renamed J1, J2, ... in order of first
// appearance before comparing. Timing and cross-connection interleaving are not compared:
// they legitimately differ between runs.
import type { FrameEntry, TranscriptEntry } from '../suites/harness/transcript-types.ts';
import { describeEntry } from '../suites/verdicts/format.ts';

export interface FrameKey {
  /** Transcript index of the frame. */
  readonly index: number;
  readonly conn: string;
  /** Position of the frame among its connection's frames, 0-based. */
  readonly position: number;
  readonly dir: FrameEntry['dir'];
  readonly type?: string;
  /** Normalised job id (J1, J2, ...). */
  readonly job?: string;
  readonly seq?: number;
  readonly kind?: string;
}

export const COMPARED_FIELDS = ['dir', 'type', 'job', 'seq', 'kind'] as const;
export type ComparedField = (typeof COMPARED_FIELDS)[number];

export interface Divergence {
  readonly conn: string;
  readonly position: number;
  /** The recorded frame at that position; absent when the replay sent/received more. */
  readonly recorded?: FrameKey & { readonly text: string };
  /** The replayed frame; absent when the replay stopped short. */
  readonly replayed?: FrameKey & { readonly text: string };
  readonly differs: readonly ComparedField[];
}

type Loose = Record<string, unknown>;

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Loose)[key] : undefined;
}

function rawJob(frame: unknown): string | undefined {
  const job = field(frame, 'job_id') ?? field(field(frame, 'payload'), 'job_id');
  return typeof job === 'string' ? job : undefined;
}

/** The comparable keys of a transcript's frames, grouped per connection. */
export function frameKeys(transcript: readonly TranscriptEntry[]): Map<string, (FrameKey & { text: string })[]> {
  const jobNames = new Map<string, string>();
  const byConn = new Map<string, (FrameKey & { text: string })[]>();
  for (const entry of transcript) {
    if (entry.kind !== 'frame') continue;
    const frame = entry.frame;
    const type = field(frame, 'type');
    const seq = field(frame, 'event_seq');
    const kind = field(field(frame, 'payload'), 'kind');
    const job = rawJob(frame);
    if (job !== undefined && !jobNames.has(job)) jobNames.set(job, `J${jobNames.size + 1}`);
    const list = byConn.get(entry.conn) ?? [];
    list.push({
      index: entry.index,
      conn: entry.conn,
      position: list.length,
      dir: entry.dir,
      ...(typeof type === 'string' ? { type } : {}),
      ...(job === undefined ? {} : { job: jobNames.get(job) as string }),
      ...(typeof seq === 'number' ? { seq } : {}),
      ...(typeof kind === 'string' ? { kind } : {}),
      text: describeEntry(entry),
    });
    byConn.set(entry.conn, list);
  }
  return byConn;
}

function differingFields(a: FrameKey, b: FrameKey): ComparedField[] {
  return COMPARED_FIELDS.filter((f) => a[f] !== b[f]);
}

/**
 * The first divergence, or null when every connection's frames match. With several
 * diverging connections, the one whose divergence comes earliest in the recording wins.
 */
export function firstDivergence(
  recorded: readonly TranscriptEntry[],
  replayed: readonly TranscriptEntry[],
): Divergence | null {
  const a = frameKeys(recorded);
  const b = frameKeys(replayed);
  const conns = [...new Set([...a.keys(), ...b.keys()])];
  let best: { order: number; divergence: Divergence } | undefined;
  for (const conn of conns) {
    const left = a.get(conn) ?? [];
    const right = b.get(conn) ?? [];
    for (let i = 0; i < Math.max(left.length, right.length); i++) {
      const x = left[i];
      const y = right[i];
      const differs = x && y ? differingFields(x, y) : [...COMPARED_FIELDS];
      if (differs.length === 0) continue;
      // Order by the recorded index; a frame only the replay has sorts after the recording.
      const order = x?.index ?? Number.MAX_SAFE_INTEGER - 1_000_000 + (y?.index ?? 0);
      if (best === undefined || order < best.order) {
        best = {
          order,
          divergence: { conn, position: i, ...(x ? { recorded: x } : {}), ...(y ? { replayed: y } : {}), differs },
        };
      }
      break;
    }
  }
  return best?.divergence ?? null;
}

/** Two or three lines for the terminal. */
export function formatDivergence(divergence: Divergence | null): string {
  if (divergence === null) return 'The replayed transcript matches the recorded one frame for frame (per connection).';
  const { conn, position, recorded, replayed, differs } = divergence;
  const what = recorded && replayed ? `${differs.join(', ')} differ${differs.length === 1 ? 's' : ''}` : recorded ? 'the replay has no such frame' : 'the recording has no such frame';
  return [
    `First divergence on ${conn}, frame ${position + 1} of that connection (${what}):`,
    `  recorded: ${recorded ? recorded.text : '(none)'}`,
    `  replayed: ${replayed ? replayed.text : '(none)'}`,
  ].join('\n');
}
