// What the target lets a scenario use. Generators only produce what the server negotiated
// (a script needing `progress` is never sent to a session without it), so a generated
// scenario fails only on a real violation, never on an unsupported request.

export interface Capabilities {
  /** Features the submitting session negotiated. */
  readonly features: ReadonlySet<string>;
  /** A second principal is configured (ARCP_TOKEN_2). */
  readonly secondary: boolean;
  /** The deployment lets another principal subscribe (profile subscribePolicy 'any'). */
  readonly foreignSubscribe: boolean;
}

export function capabilities(features: Iterable<string>, secondary: boolean, subscribePolicy: 'same-principal' | 'any'): Capabilities {
  return Object.freeze({ features: new Set(features), secondary, foreignSubscribe: secondary && subscribePolicy === 'any' });
}

export function has(caps: Capabilities, feature: string): boolean {
  return caps.features.has(feature);
}
