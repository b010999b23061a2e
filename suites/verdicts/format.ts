import { describeFrame } from '../harness/frames.ts';
import type { TranscriptEntry } from '../harness/transcript-types.ts';

export { describeFrame };

const MAX_LINE = 160;

/** One line per transcript entry: `#12 c1 ← job.event job=J1 seq=4 kind=log`. */
export function describeEntry(entry: TranscriptEntry): string {
  if (entry.kind === 'conn') {
    const detail = [entry.code !== undefined ? `code=${entry.code}` : '', entry.reason ? `reason=${entry.reason}` : '', entry.error ? `error=${entry.error}` : '']
      .filter(Boolean)
      .join(' ');
    return `#${entry.index} ${entry.conn} ── ${entry.event}${entry.label ? ` (${entry.label})` : ''}${detail ? ` ${detail}` : ''}`;
  }
  const arrow = entry.dir === 'in' ? '←' : '→';
  const line = `#${entry.index} ${entry.conn} ${arrow} ${describeFrame(entry.frame, entry.raw)}${
    entry.verdict.valid ? '' : `  [schema: ${entry.verdict.errors.join('; ')}]`
  }${entry.elided === undefined ? '' : `  [${entry.bytes} bytes, kept cut short; sha256 ${entry.elided.sha256.slice(0, 16)}…]`}`;
  return line.length > MAX_LINE ? `${line.slice(0, MAX_LINE - 1)}…` : line;
}

export function describeEntries(entries: readonly TranscriptEntry[]): string {
  return entries.map((e) => `    ${describeEntry(e)}`).join('\n');
}
