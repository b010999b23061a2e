// Compact views of checker output for exact assertions in tests.
import type { Violation } from '../types.ts';

/** Requirement id and witnesses of each violation, in order: what a test pins exactly. */
export function findings(violations: readonly Violation[]): { requirement: string; witnesses: readonly number[] }[] {
  return violations.map(({ requirement, witnesses }) => ({ requirement, witnesses }));
}

/** The distinct requirement ids found. */
export function ids(violations: readonly Violation[]): string[] {
  return [...new Set(violations.map((v) => v.requirement))].sort();
}
