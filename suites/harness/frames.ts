// Reading received frames without trusting them: a received frame is any JSON object, so
// every field is `unknown` until a test narrows it. Small helpers cover the common reads.
import type { FrameEntry } from './transcript-types.ts';

/** A received (or sent) JSON object frame, redacted. Envelope fields are unchecked. */
export interface WireFrame {
  readonly arcp?: unknown;
  readonly id?: unknown;
  readonly type?: unknown;
  readonly session_id?: unknown;
  readonly job_id?: unknown;
  readonly trace_id?: unknown;
  readonly event_seq?: unknown;
  readonly payload?: unknown;
  readonly [field: string]: unknown;
}

/** Decides whether a frame is the one being waited for. */
export type FramePredicate = (frame: WireFrame, entry: FrameEntry) => boolean;

export function isWireFrame(value: unknown): value is WireFrame {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The payload as an object; `{}` when it is missing or not an object. */
export function payloadOf(frame: WireFrame): Readonly<Record<string, unknown>> {
  return isWireFrame(frame.payload) ? frame.payload : {};
}

/** Matches frames whose `type` is one of `types`. */
export function isType(...types: string[]): FramePredicate {
  return (frame) => typeof frame.type === 'string' && types.includes(frame.type);
}

/** Matches frames about job `jobId` (envelope `job_id`, or `payload.job_id`), optionally of given types. */
export function forJob(jobId: string, ...types: string[]): FramePredicate {
  return (frame) =>
    (frame.job_id === jobId || payloadOf(frame).job_id === jobId) &&
    (types.length === 0 || (typeof frame.type === 'string' && types.includes(frame.type)));
}

/** One short line per entry, for timeout messages: `job.event job=j1 seq=4 kind=log`. */
export function describeEntry(entry: FrameEntry): string {
  if (!isWireFrame(entry.frame)) {
    return entry.frame === undefined ? `<not a JSON frame, ${entry.bytes} bytes>` : `<JSON ${typeof entry.frame}, not an object>`;
  }
  const frame = entry.frame;
  const payload = payloadOf(frame);
  const parts = [typeof frame.type === 'string' ? frame.type : '<no type>'];
  if (frame.job_id !== undefined) parts.push(`job=${String(frame.job_id)}`);
  else if (payload.job_id !== undefined) parts.push(`job=${String(payload.job_id)}`);
  if (frame.event_seq !== undefined) parts.push(`seq=${String(frame.event_seq)}`);
  if (typeof payload.kind === 'string') parts.push(`kind=${payload.kind}`);
  if (typeof payload.code === 'string') parts.push(`code=${payload.code}`);
  if (!entry.verdict.valid) parts.push('(invalid)');
  return parts.join(' ');
}

/** The last `limit` entries, described on one line. */
export function summarizeEntries(entries: readonly FrameEntry[], limit = 8): string {
  if (entries.length === 0) return 'nothing arrived';
  const shown = entries.slice(-limit).map(describeEntry).join('; ');
  const hidden = entries.length - Math.min(limit, entries.length);
  return `${entries.length} frame(s) arrived${hidden > 0 ? ` (last ${limit} shown)` : ''}: ${shown}`;
}
