// Bearer tokens -> principals (v1.1 §6.1). Comparisons run in constant time so a token
// cannot be guessed byte by byte; no token value is ever logged or echoed.
import { createHash, timingSafeEqual } from 'node:crypto';

/** Default principals when none are configured (the README lists them). */
export const DEFAULT_TOKENS: Readonly<Record<string, string>> = Object.freeze({
  'tok-alice': 'alice',
  'tok-bob': 'bob',
});

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** Constant-time equality of two secrets of any length. */
export function secretsEqual(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

export class Authenticator {
  readonly #entries: ReadonlyArray<{ digest: Buffer; principal: string }>;

  constructor(tokens: Readonly<Record<string, string>>) {
    this.#entries = Object.entries(tokens).map(([token, principal]) => ({ digest: digest(token), principal }));
  }

  /** The principal a bearer token belongs to, or undefined. Checks every entry, always. */
  principalOf(token: unknown): string | undefined {
    if (typeof token !== 'string' || token === '') return undefined;
    const presented = digest(token);
    let found: string | undefined;
    for (const entry of this.#entries) {
      if (timingSafeEqual(entry.digest, presented)) found = entry.principal;
    }
    return found;
  }
}
