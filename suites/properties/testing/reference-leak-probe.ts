// LEAK-001 judged from the reference runtime's own bookkeeping: after the resume window of
// every session the clients left for good has passed, no job may still hold a delivery row
// for them (reference/runtime.ts RuntimeStats.orphanedSubscriptionRows). This is the check a
// vendor gets from server memory sampling (`--server-cmd`, not built yet); here the
// reference reports it directly. For the project's tests and scripts only.
import type { Violation } from '../../checkers/index.ts';
import type { TranscriptEntry } from '../../harness/transcript-types.ts';
import type { ServerProbe } from '../probe.ts';

/** A resume window short enough for a leak to show within one run (the probe waits it out). */
export const LEAK_RESUME_WINDOW_SEC = 0.3;

export interface LeakStats {
  readonly orphanedSubscriptionRows: number;
  readonly orphanedBufferedEvents: number;
}

const CLOSE_MESSAGES: readonly unknown[] = ['session.close', 'session.bye'];

/**
 * Where the client left each session that never came back (its last connection was dropped,
 * closed by the client, or sent session.close / session.bye): transcript entries.
 */
export function sessionsLeftForGood(entries: readonly TranscriptEntry[]): TranscriptEntry[] {
  const lastConnOfSession = new Map<string, string>();
  const cutOf = new Map<string, TranscriptEntry>();
  for (const entry of entries) {
    if (entry.kind === 'conn' && entry.event === 'open') lastConnOfSession.set((entry.label ?? entry.conn).split(/[\s,]+/)[0] ?? entry.conn, entry.conn);
    const cut =
      entry.kind === 'conn'
        ? entry.event === 'dropped' || entry.event === 'closing'
        : entry.dir === 'out' && CLOSE_MESSAGES.includes((entry.frame as { type?: unknown } | undefined)?.type);
    if (cut && !cutOf.has(entry.conn)) cutOf.set(entry.conn, entry);
  }
  // The probe sees the transcript before the executor's final clean-up closes, so every cut here is the scenario's.
  return [...lastConnOfSession.values()].map((conn) => cutOf.get(conn)).filter((cut): cut is TranscriptEntry => cut !== undefined);
}

export function referenceLeakProbe(server: { stats(): LeakStats }, resumeWindowMs: number): ServerProbe {
  let baseline: LeakStats = { orphanedSubscriptionRows: 0, orphanedBufferedEvents: 0 };
  return {
    requirements: ['LEAK-001'],
    async before() {
      baseline = server.stats();
    },
    async after({ entries }): Promise<Violation[]> {
      const left = sessionsLeftForGood(entries);
      if (left.length === 0) return [];
      await new Promise((resolve) => setTimeout(resolve, resumeWindowMs + 150));
      const stats = server.stats();
      const rows = stats.orphanedSubscriptionRows - baseline.orphanedSubscriptionRows;
      const events = Math.max(0, stats.orphanedBufferedEvents - baseline.orphanedBufferedEvents);
      if (rows <= 0) return [];
      return [
        {
          requirement: 'LEAK-001',
          message: `After the resume window of ${left.length} session(s) the clients left for good had passed, the server still held ${rows} job delivery row(s) for gone sessions (${events} more events buffered into dead outboxes).`,
          witnesses: left.map((cut) => cut.index),
          severity: 'MUST',
        },
      ];
    },
  };
}
