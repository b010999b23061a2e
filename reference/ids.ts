// Identifiers, secrets and the clock. Secrets come from the CSPRNG; plain ids only need to
// be unique, so message ids are a random server prefix plus a counter (cheap on the hot path).
import { randomBytes } from 'node:crypto';

/** `prefix` + `bytes` random bytes as lowercase hex. */
export function randomId(prefix: string, bytes = 12): string {
  return prefix + randomBytes(bytes).toString('hex');
}

/** A resume token: 256 random bits (v1.0 §14 requires at least 128). */
export function newResumeToken(): string {
  return 'rt_' + randomBytes(32).toString('base64url');
}

/** A W3C trace-id: 32 lowercase hex characters (v1.0 §11), generated when the client sent none. */
export function newTraceId(): string {
  return randomBytes(16).toString('hex');
}

/** Unique envelope `id`s for outbound frames. */
export class MessageIds {
  readonly #prefix = 'm_' + randomBytes(4).toString('hex') + '_';
  #next = 0;

  next(): string {
    this.#next += 1;
    return this.#prefix + this.#next.toString(36);
  }
}

let cachedMs = -1;
let cachedIso = '';

/** The current time as ISO 8601 UTC; cached per millisecond because every event stamps it. */
export function isoNow(): string {
  const now = Date.now();
  if (now !== cachedMs) {
    cachedMs = now;
    cachedIso = new Date(now).toISOString();
  }
  return cachedIso;
}
