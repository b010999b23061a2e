// The size budget of a record's evidence: every failure keeps its transcript window until the
// windows together pass the budget; after that a failure keeps only its witness entries, and
// past twice the budget none. The record says what was cut (`elided`), and each trimmed
// window counts its entries in `omitted`. Frames are bounded already (the transcript keeps a
// frame over 64 KiB as its skeleton); this bounds how many of them a report carries.
import type { TranscriptEntry } from '../suites/harness/transcript-types.ts';
import type { EvidenceWindow } from './evidence.ts';
import type { ConformanceRecord, RecordTest } from './record.ts';

/** Characters of evidence JSON a record carries in full (then witnesses only, up to twice it). */
export const EVIDENCE_BUDGET_CHARS = 32 * 1024 * 1024;

export interface Elided {
  /** Failures whose window was cut to its witness entries. */
  readonly trimmed: number;
  /** Failures whose window was left out. */
  readonly dropped: number;
  readonly budgetChars: number;
}

function sizeOf(entries: readonly TranscriptEntry[]): number {
  let chars = 0;
  for (const entry of entries) chars += (JSON.stringify(entry) ?? '').length;
  return chars;
}

/** Blocking failures first, then the rest, in record order. */
function byPriority(tests: readonly RecordTest[]): number[] {
  const order = tests.map((_, k) => k);
  return [...order.filter((k) => tests[k]?.blocking), ...order.filter((k) => !tests[k]?.blocking)];
}

/** The record within the evidence budget, and what was cut (undefined when nothing was). */
export function withinBudget(record: ConformanceRecord, budgetChars = EVIDENCE_BUDGET_CHARS): { record: ConformanceRecord; elided?: Elided } {
  let used = 0;
  let trimmed = 0;
  let dropped = 0;
  const tests = [...record.tests];
  for (const k of byPriority(record.tests)) {
    const test = tests[k] as RecordTest;
    const window = test.evidence;
    if (window === undefined) continue;
    const full = sizeOf(window.entries);
    if (used + full <= budgetChars) {
      used += full;
      continue;
    }
    const witnesses = new Set(window.witnesses);
    const kept = window.entries.filter((e) => witnesses.has(e.index));
    const small = sizeOf(kept);
    if (kept.length > 0 && used + small <= 2 * budgetChars) {
      used += small;
      trimmed += 1;
      const cut: EvidenceWindow = { entries: kept, witnesses: window.witnesses, omitted: window.omitted + window.entries.length - kept.length };
      tests[k] = { ...test, evidence: cut };
    } else {
      dropped += 1;
      const { evidence: _dropped, ...rest } = test;
      tests[k] = rest;
    }
  }
  if (trimmed === 0 && dropped === 0) return { record };
  return { record: { ...record, tests }, elided: { trimmed, dropped, budgetChars } };
}
