// Where a checker records what it found: at most N violations per requirement, the rest
// only counted, each stamped with its catalogue level. A checker may emit only the ids it
// declared, and only ids the catalogue knows; anything else is a bug in the checker and
// throws at once.
import { requirement } from '../../spec/requirements.ts';
import type { Violation } from './types.ts';

export const DEFAULT_MAX_VIOLATIONS_PER_REQUIREMENT = 20;

export class ViolationLog {
  private readonly recorded: Violation[] = [];
  private readonly perRequirement = new Map<string, { recorded: number; omitted: number }>();
  private readonly declared: ReadonlySet<string>;

  constructor(
    private readonly checker: string,
    declared: readonly string[],
    private readonly maxPerRequirement: number = DEFAULT_MAX_VIOLATIONS_PER_REQUIREMENT,
    private readonly onRecord?: (violation: Violation) => void,
  ) {
    this.declared = new Set(declared);
    for (const id of declared) requirement(id); // throws for an id the catalogue lacks
  }

  add(id: string, message: string, witnesses: readonly (number | undefined)[]): void {
    if (!this.declared.has(id)) throw new Error(`Checker "${this.checker}" emitted ${id}, which it does not declare`);
    const counts = this.perRequirement.get(id) ?? { recorded: 0, omitted: 0 };
    this.perRequirement.set(id, counts);
    if (counts.recorded >= this.maxPerRequirement) {
      counts.omitted++;
      return;
    }
    counts.recorded++;
    const level = requirement(id).level;
    const proof = [...new Set(witnesses.filter((w): w is number => w !== undefined))].sort((a, b) => a - b);
    const violation: Violation = {
      requirement: id,
      message,
      witnesses: proof,
      ...(level === 'MAY' ? {} : { severity: level }),
    };
    this.recorded.push(violation);
    this.onRecord?.(violation);
  }

  /** Everything recorded, the last violation of each requirement carrying its omitted count. */
  violations(): Violation[] {
    const out = [...this.recorded];
    for (const [id, counts] of this.perRequirement) {
      if (counts.omitted === 0) continue;
      const last = out.findLastIndex((v) => v.requirement === id);
      const violation = out[last];
      if (violation !== undefined) out[last] = { ...violation, omitted: counts.omitted };
    }
    return out;
  }
}
