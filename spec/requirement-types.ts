import type { Feature } from './features.ts';

/** RFC 2119 level of a requirement (DESIGN §3). */
export type Level = 'MUST' | 'SHOULD' | 'MAY';

/**
 * A passage of one of the drafts, copied verbatim (only whitespace may differ) from the
 * section it names. spec/quotes.test.ts checks every quote against ../shared/arcp-spec.
 */
export interface SpecQuote {
  /** The draft and the section whose text contains the quote, e.g. `1.1 §8.3` or `1.0 §6.2`. */
  readonly section: string;
  /** The sentence (or the part of one) the requirement rests on. */
  readonly quote: string;
}

/** One testable requirement of the ARCP drafts, in the kit's own words. */
export interface Requirement {
  /** Stable id `AREA-NNN`; never renumbered once published. */
  readonly id: string;
  /** Where it comes from, e.g. `1.1 §8.3` or `1.0 §6.3`. */
  readonly section: string;
  readonly level: Level;
  /** The requirement in our own words, one sentence. */
  readonly text: string;
  /**
   * The normative sentences it rests on, the deciding one first. A MUST quotes at least
   * one sentence with MUST, MUST NOT, REQUIRED or SHALL (spec/normative.ts).
   */
  readonly quotes: readonly [SpecQuote, ...SpecQuote[]];
  /** Negotiated features without which the requirement does not apply (N/A). */
  readonly features: readonly Feature[];
  /** Whether a black-box client on the wire can observe it. */
  readonly observable: boolean;
  /** Whether observing it needs the conformance agent (UNTESTABLE without it). */
  readonly needsAgent: boolean;
}
