// A test that must wait out a server timer (heartbeat loss, resume window) can only do so
// within --max-wait. Past it the test is UNTESTABLE, with one sentence that says exactly
// what to change: the flag and its value, or (past what the flag allows) the server's timer.
// Its evidence is the welcome that announced the timer, highlighted in the frames seen.
import { MAX_TIMEOUT_MS } from '../harness/config.ts';
import type { Session } from '../harness/session.ts';
import type { ConformanceContext } from '../verdicts/conformance-test.ts';
import { evidenceAround } from './index.ts';

/** Ends the test as UNTESTABLE when waiting `ms` for `timer` (announced in `session`'s welcome) exceeds the run's --max-wait. */
export function requireWaitWithinMax(t: ConformanceContext, ms: number, timer: string, session: Session): void {
  const needed = Math.ceil(ms);
  if (needed <= t.target.maxWaitMs) return;
  const fix =
    needed <= MAX_TIMEOUT_MS
      ? `run with --max-wait ${needed} (or ARCP_MAX_WAIT_MS=${needed}), or give the server a shorter timer`
      : `give the server a shorter timer (--max-wait goes up to ${MAX_TIMEOUT_MS})`;
  t.untestable(`needs to wait ${needed} ms for the ${timer}, more than --max-wait ${t.target.maxWaitMs}: ${fix}`, evidenceAround(session, session.welcome));
}
