import type { Feature } from './features.ts';

/** RFC 2119 level of a requirement (DESIGN §3). */
export type Level = 'MUST' | 'SHOULD' | 'MAY';

/** One testable requirement of the ARCP drafts, in the kit's own words. */
export interface Requirement {
  /** Stable id `AREA-NNN`; never renumbered once published. */
  readonly id: string;
  /** Where it comes from, e.g. `1.1 §8.3` or `1.0 §6.3`. */
  readonly section: string;
  readonly level: Level;
  /** The requirement in our own words, one sentence. */
  readonly text: string;
  /** Negotiated features without which the requirement does not apply (N/A). */
  readonly features: readonly Feature[];
  /** Whether a black-box client on the wire can observe it. */
  readonly observable: boolean;
  /** Whether observing it needs the conformance agent (UNTESTABLE without it). */
  readonly needsAgent: boolean;
}
