import type { TranscriptEntry } from '../harness/transcript-types.ts';

const MAX_LINE = 160;

/** One line per transcript entry: `#12 c1 ← job.event job=J1 seq=4 kind=log`. */
export function describeEntry(entry: TranscriptEntry): string {
  if (entry.kind === 'conn') {
    const detail = [entry.code !== undefined ? `code=${entry.code}` : '', entry.reason ? `reason=${entry.reason}` : '']
      .filter(Boolean)
      .join(' ');
    return `#${entry.index} ${entry.conn} ── ${entry.event}${entry.label ? ` (${entry.label})` : ''}${detail ? ` ${detail}` : ''}`;
  }
  const arrow = entry.dir === 'in' ? '←' : '→';
  const line = `#${entry.index} ${entry.conn} ${arrow} ${describeFrame(entry.frame, entry.raw)}${
    entry.verdict.valid ? '' : `  [schema: ${entry.verdict.errors.join('; ')}]`
  }`;
  return line.length > MAX_LINE ? `${line.slice(0, MAX_LINE - 1)}…` : line;
}

/** A compact label for a frame: type, job, seq, kind and the fields that matter for it. */
export function describeFrame(frame: unknown, raw?: string): string {
  if (frame === null || typeof frame !== 'object' || Array.isArray(frame)) {
    return `<not an object: ${(raw ?? JSON.stringify(frame) ?? String(frame)).slice(0, 60)}>`;
  }
  const f = frame as Record<string, unknown>;
  const payload = (f.payload ?? {}) as Record<string, unknown>;
  const parts: string[] = [String(f.type ?? '<no type>')];
  if (f.job_id !== undefined) parts.push(`job=${String(f.job_id)}`);
  else if (typeof payload.job_id === 'string') parts.push(`job=${payload.job_id}`);
  if (f.event_seq !== undefined) parts.push(`seq=${String(f.event_seq)}`);
  if (typeof payload.kind === 'string') parts.push(`kind=${payload.kind}`);
  if (typeof payload.code === 'string') parts.push(`code=${payload.code}`);
  if (typeof payload.final_status === 'string') parts.push(`final=${payload.final_status}`);
  const body = payload.body as Record<string, unknown> | undefined;
  const marker = body?.marker as { branch?: unknown; i?: unknown } | undefined;
  if (marker && typeof marker === 'object') parts.push(`marker=${String(marker.branch)}/${String(marker.i)}`);
  return parts.join(' ');
}

export function describeEntries(entries: readonly TranscriptEntry[]): string {
  return entries.map((e) => `    ${describeEntry(e)}`).join('\n');
}
