// What a test stopped outside any check concluded (a wait ran out, the socket closed, a
// crash): nothing more. One rule for the test's verdict (conformance-test.ts) and the
// record's outcomes (reporters/record.ts), so the two never disagree.
import type { RequirementOutcome } from './types.ts';

/**
 * The outcomes of a stopped test: each id it declared and did not find broken counts as
 * broken at its own level (FAIL for a MUST or an id the catalogue does not know, WARN for a
 * SHOULD: every FAIL rests on a MUST), with `detail`; what it found broken stays.
 */
export function outcomesOfStoppedTest(
  declared: readonly string[],
  judged: readonly RequirementOutcome[],
  levelOf: (id: string) => string | undefined,
  detail: string,
): RequirementOutcome[] {
  const byId = new Map(judged.map((o) => [o.id, o]));
  return [...new Set([...declared, ...byId.keys()])].map((id) => {
    const found = byId.get(id);
    if (found !== undefined && found.verdict !== 'PASS') return found;
    const level = levelOf(id);
    return { id, verdict: level === 'MUST' || level === undefined ? 'FAIL' : 'WARN', detail };
  });
}
