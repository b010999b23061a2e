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

/**
 * A compact label for a frame: type, job, seq, then the payload fields that matter
 * (`job.event job=j1 seq=4 kind=log marker=0.1/3`). The one describer every message and
 * report uses.
 */
export function describeFrame(frame: unknown, raw?: string): string {
  if (!isWireFrame(frame)) {
    return `<not an object: ${(raw ?? JSON.stringify(frame) ?? String(frame)).slice(0, 60)}>`;
  }
  const payload = payloadOf(frame);
  const parts: string[] = [typeof frame.type === 'string' ? frame.type : '<no type>'];
  const job = frame.job_id ?? payload.job_id;
  if (job !== undefined) parts.push(`job=${String(job)}`);
  if (frame.event_seq !== undefined) parts.push(`seq=${String(frame.event_seq)}`);
  if (typeof payload.kind === 'string') parts.push(`kind=${payload.kind}`);
  if (typeof payload.code === 'string') parts.push(`code=${payload.code}`);
  if (typeof payload.final_status === 'string') parts.push(`final=${payload.final_status}`);
  for (const key of ['status', 'current_status', 'agent'] as const) {
    if (payload[key] !== undefined) parts.push(`${key}=${typeof payload[key] === 'string' ? payload[key] : JSON.stringify(payload[key])}`);
  }
  const body = payload.body as Record<string, unknown> | undefined;
  const marker = body?.marker as { branch?: unknown; i?: unknown } | undefined;
  if (marker && typeof marker === 'object') parts.push(`marker=${String(marker.branch)}/${String(marker.i)}`);
  return parts.join(' ');
}

/** One short line per entry, for timeout messages: `job.event job=j1 seq=4 kind=log`. */
export function describeEntry(entry: FrameEntry): string {
  if (!isWireFrame(entry.frame)) {
    return entry.frame === undefined ? `<not a JSON frame, ${entry.bytes} bytes>` : `<JSON ${typeof entry.frame}, not an object>`;
  }
  return `${describeFrame(entry.frame)}${entry.verdict.valid ? '' : ' (invalid)'}`;
}

/** The last `limit` entries, described on one line. */
export function summarizeEntries(entries: readonly FrameEntry[], limit = 8): string {
  if (entries.length === 0) return 'nothing arrived';
  const shown = entries.slice(-limit).map(describeEntry).join('; ');
  const hidden = entries.length - Math.min(limit, entries.length);
  return `${entries.length} frame(s) arrived${hidden > 0 ? ` (last ${limit} shown)` : ''}: ${shown}`;
}
