// The inline result of a job.result. v1.1 §8.4 says only "When `result_id` is absent, the
// result is inline in the payload": no sentence names the field. The kit reads `result`
// (spec/conformance-agent.md); a server that uses another name still has a result, and
// LIFE-008 (a SHOULD) reports the name as an interoperability problem, once.
import { payloadOf, type WireFrame } from '../harness/frames.ts';
import { evidenceAround } from './index.ts';
import type { Session } from '../harness/session.ts';
import type { ConformanceContext } from '../verdicts/conformance-test.ts';

/** job.result payload fields the spec gives another meaning. */
const NOT_THE_RESULT = new Set(['final_status', 'summary', 'result_id', 'result_size', 'job_id', 'trace_id', 'credentials']);

export interface InlineResult {
  readonly field: string;
  readonly value: unknown;
}

/** `result`, else the one other object field of the payload; undefined when neither is there. */
export function inlineResult(terminal: WireFrame): InlineResult | undefined {
  const p = payloadOf(terminal);
  if ('result' in p) return { field: 'result', value: p.result };
  const others = Object.entries(p).filter(([key, value]) => !NOT_THE_RESULT.has(key) && typeof value === 'object' && value !== null);
  const [only] = others;
  return others.length === 1 && only !== undefined ? { field: only[0], value: only[1] } : undefined;
}

/**
 * The inline result of a successful job.result, judging LIFE-008 (the field name) on the way:
 * WARN when the result is under another name or not found.
 */
export function readInlineResult(t: ConformanceContext, session: Session, terminal: WireFrame): InlineResult | undefined {
  const found = inlineResult(terminal);
  t.should('LIFE-008', found?.field === 'result', () => ({
    expected: 'the inline result in job.result under `result` (the field clients read; v1.1 §8.4 names none)',
    actual: found === undefined ? `no inline result field in ${JSON.stringify(Object.keys(payloadOf(terminal)))}` : `the result under \`${found.field}\``,
    ...evidenceAround(session, terminal),
  }));
  return found;
}
