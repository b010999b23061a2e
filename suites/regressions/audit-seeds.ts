// The audit reports (../shared/audit/) and the reference defect that re-creates each one; their
// fixtures live in fixtures/audit/<defect>.json, made by the property machinery
// (make-audit-fixtures.ts), never by hand.
import type { DefectName } from '../../reference/defects.ts';
import type { PropertyName } from '../properties/scenario.ts';

export interface AuditSeed {
  readonly defect: DefectName;
  /** The audit report's file name. */
  readonly report: string;
  /** The property whose scenarios reproduce it. */
  readonly property: PropertyName;
  /** No wire symptom: judged only with a server-side probe (LEAK-001). */
  readonly needsProbe: boolean;
  /**
   * While shrinking, a smaller scenario must fail this many runs in a row to be kept: a race
   * (seq-race) needs several, or the shrinker settles on a scenario that fails only now and then.
   */
  readonly confirmRuns: number;
}

export const AUDIT_SEEDS: readonly AuditSeed[] = [
  { defect: 'seq-race', report: 'csharp-event-seq-reorder.txt', property: 'concurrent-emitters', needsProbe: false, confirmRuns: 5 },
  { defect: 'cancel-after-terminal', report: 'ruby-cancel-after-terminal.txt', property: 'duplicate-cancels', needsProbe: false, confirmRuns: 2 },
  { defect: 'subscription-leak', report: 'ruby-subscription-leak-on-close.txt', property: 'mid-job-disconnects', needsProbe: true, confirmRuns: 1 },
];

export function auditFixtureName(seed: AuditSeed): string {
  return `${seed.defect}.json`;
}
