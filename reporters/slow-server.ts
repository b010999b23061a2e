// A server too slow to test: when test after test fails only because a wait for the server
// ran out, the rest of the run would do the same for many minutes. The run stops, and what it
// did not judge is UNTESTABLE "too slow", never a PASS and never a FAIL that blames a MUST: a
// wait that ran out on such a server cannot tell a missing reply from a late one. Two kinds of
// evidence stop it: TOO_SLOW_STREAK such tests in a row (none passing or failing otherwise
// between them), or TOO_SLOW_ARRIVING such tests, in a row or not, whose waits ran out while
// a frame was part-way in: the reply was seen coming, slower than the bound. Tests that pass in
// between (a server slow only after job.submit) do not hide that.
import { FRAME_STILL_ARRIVING } from '../suites/harness/errors.ts';
import type { RequirementOutcome } from '../suites/verdicts/types.ts';
import { type CollectedTest, verdictOf } from './record.ts';

/** Consecutive tests that failed only on a wait's timeout before the server is judged too slow. */
export const TOO_SLOW_STREAK = 8;
/** Tests that failed only on waits, one of which saw its reply still arriving, before the same. */
export const TOO_SLOW_ARRIVING = 3;

const TIMEOUT = /timed out after (\d+) ms\b/;

/** What the run measured of a server too slow to test. */
export interface TooSlow {
  /** No reply came within this many ms in any wait of the streak (the smallest wait bound). */
  readonly overMsPerReply: number;
  /** How many tests found no answer within their wait, and how they show it: `in 8 tests in a row`. */
  readonly evidence: string;
  /** `too slow: over N ms per reply (...)`: the run's interruption reason. */
  readonly reason: string;
}

/** The wait bounds of a failed test's errors when every one is a harness wait that ran out; else undefined. */
function waitBounds(state: string, errors: readonly string[]): number[] | undefined {
  if (state !== 'failed' || errors.length === 0) return undefined;
  const bounds: number[] = [];
  for (const error of errors) {
    const m = TIMEOUT.exec(error);
    if (m === null) return undefined;
    bounds.push(Number(m[1]));
  }
  return bounds;
}

export class SlowServerWatch {
  #streak = 0;
  #streakOverMs = Number.POSITIVE_INFINITY;
  #arriving = 0;
  #arrivingOverMs = Number.POSITIVE_INFINITY;
  #fired = false;

  constructor(
    private readonly onTooSlow: (finding: TooSlow) => void,
    private readonly streak = TOO_SLOW_STREAK,
    private readonly arriving = TOO_SLOW_ARRIVING,
  ) {}

  /** One finished test: its state and error messages. */
  observe(state: string, errors: readonly string[]): void {
    if (state === 'skipped' || state === 'pending' || this.#fired) return;
    const bounds = waitBounds(state, errors);
    if (bounds === undefined) {
      this.#streak = 0;
      this.#streakOverMs = Number.POSITIVE_INFINITY;
      return;
    }
    this.#streak += 1;
    // Every reply of the streak took longer than its wait: the smallest wait is what held for all.
    this.#streakOverMs = Math.min(this.#streakOverMs, ...bounds);
    if (errors.some((e) => e.includes(FRAME_STILL_ARRIVING))) {
      this.#arriving += 1;
      this.#arrivingOverMs = Math.min(this.#arrivingOverMs, ...bounds);
    }
    if (this.#arriving >= this.arriving) {
      this.#fire(this.#arrivingOverMs, `in ${this.#arriving} tests, each with a reply still arriving when its wait ran out`);
    } else if (this.#streak >= this.streak) {
      this.#fire(this.#streakOverMs, `in ${this.#streak} tests in a row`);
    }
  }

  #fire(overMsPerReply: number, evidence: string): void {
    this.#fired = true;
    this.onTooSlow({ overMsPerReply, evidence, reason: `too slow: over ${overMsPerReply} ms per reply (no answer within the wait bound, --timeout, ${evidence})` });
  }
}

/** What a too-slow run says of each requirement it did not judge. */
export function notJudgedBecauseTooSlow(finding: TooSlow): string {
  return `not judged: the server is too slow to test (no reply within ${finding.overMsPerReply} ms ${finding.evidence}; the run stopped). Raise --timeout above the server's reply time to judge it`;
}

/** A test that said something of its own: passed, or failed on more than a wait. */
function judgedItself(test: CollectedTest): boolean {
  if (test.state === 'passed') return true;
  if (test.state === 'failed') return waitBounds(test.state, test.errors) === undefined || (test.meta?.outcomes ?? []).some((o) => o.verdict === 'FAIL');
  // Skipped with a verdict a skip carries (N/A, UNTESTABLE) said it too. A skipped test with
  // another verdict is one the stop cut short: its body ended on the cancel's harness error
  // (which set the stop's verdict) before vitest marked it skipped, and it judged nothing.
  return test.state === 'skipped' && verdictOf(test) !== undefined;
}

/**
 * The tests of a run stopped as too slow, made honest: each test that failed only on waits,
 * and each test the stop left unfinished, becomes UNTESTABLE with the reason and the measured
 * bound, for every id it declares (`declared` reads them from the title when the test never
 * started). What a test judged other than PASS before its wait ran out (a WARN, an N/A) stays.
 * A test with no frames of its own (the stop cut it short) shows the frames of the last test
 * whose wait ran out, named in a note: the evidence that the server is too slow.
 */
export function judgeTooSlow(tests: readonly CollectedTest[], finding: TooSlow, declared: (test: CollectedTest) => readonly string[]): CollectedTest[] {
  const reason = notJudgedBecauseTooSlow(finding);
  const witness = [...tests].reverse().find((t) => waitBounds(t.state, t.errors) !== undefined && t.meta?.evidence !== undefined);
  const borrowed = (test: CollectedTest) =>
    witness?.meta?.evidence === undefined || test.meta?.evidence !== undefined || test === witness
      ? {}
      : { evidence: witness.meta.evidence, notes: [...(test.meta?.notes ?? []), `the frames shown are those of "${witness.title}" (${witness.file}), a test whose wait ran out before the run stopped`] };
  return tests.map((test) => {
    if (judgedItself(test)) return test;
    const ids = test.meta?.requirements ?? declared(test);
    if (ids.length === 0) return test; // an it.todo or a helper test: nothing to judge
    const kept = new Map((test.meta?.outcomes ?? []).filter((o) => o.verdict !== 'PASS').map((o) => [o.id, o]));
    const outcomes: RequirementOutcome[] = ids.map((id) => kept.get(id) ?? { id, verdict: 'UNTESTABLE', detail: reason });
    return {
      ...test,
      state: 'failed',
      meta: { ...test.meta, ...borrowed(test), requirements: ids, verdict: 'UNTESTABLE', outcomes },
      // The waits that ran out stay in the message; a test that never ran gets the reason.
      errors: test.errors.length > 0 ? test.errors : [`UNTESTABLE: ${reason}`],
    };
  });
}
