// Verdict helpers shared by every report view: display names, column order, and how one
// requirement's verdicts from several tests combine.
import type { Verdict } from '../suites/verdicts/types.ts';

export type { Verdict };

/** Column order of every table: worst news first after PASS. */
export const VERDICTS: readonly Verdict[] = ['PASS', 'FAIL', 'WARN', 'NA', 'UNTESTABLE'];

export const VERDICT_LABEL: Record<Verdict, string> = {
  PASS: 'PASS',
  FAIL: 'FAIL',
  WARN: 'WARN',
  NA: 'N/A',
  UNTESTABLE: 'UNTESTABLE',
};

// Across tests, N/A ranks below PASS: a requirement is N/A only when no test could judge
// it. (Within one test the order does not matter: N/A ends the test.)
const AGGREGATE_RANK: Record<Verdict, number> = { NA: 0, PASS: 1, WARN: 2, UNTESTABLE: 3, FAIL: 4 };

/** The verdict of a requirement judged by several tests: the worst one. */
export function combineVerdicts(verdicts: Iterable<Verdict>): Verdict | undefined {
  let worst: Verdict | undefined;
  for (const v of verdicts) if (worst === undefined || AGGREGATE_RANK[v] > AGGREGATE_RANK[worst]) worst = v;
  return worst;
}

export function emptyCounts(): Record<Verdict, number> {
  return { PASS: 0, FAIL: 0, WARN: 0, NA: 0, UNTESTABLE: 0 };
}

/** The area prefix of a requirement id (`SEQ` for `SEQ-002`); the id itself if it has no dash. */
export function areaPrefix(id: string): string {
  const dash = id.indexOf('-');
  return dash <= 0 ? id : id.slice(0, dash);
}
