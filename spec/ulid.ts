// ULIDs (https://github.com/ulid/spec): what v1.0 §5.1 recommends for message ids, and what
// some servers insist on. 26 Crockford base32 characters: 48 bits of Unix milliseconds, then
// 80 random bits; within one millisecond the random part counts up, so ids minted by one
// process sort in minting order and never repeat.
import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const RANDOM_BITS = 80n;
const MAX_TIME = 2 ** 48 - 1;

/** 26 characters, first one 0-7 (the 48-bit time cannot overflow it). */
const ULID_PATTERN = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;

function encode(value: bigint, length: number): string {
  let out = '';
  for (let k = 0; k < length; k += 1) {
    out = ALPHABET[Number(value & 31n)] + out;
    value >>= 5n;
  }
  return out;
}

/** A ULID generator with its own monotonic state; `now` is injectable for tests. */
export function ulidFactory(now: () => number = Date.now): () => string {
  let lastTime = -1;
  let lastRandom = 0n;
  return () => {
    const time = Math.max(now(), lastTime);
    if (!Number.isInteger(time) || time < 0 || time > MAX_TIME) throw new RangeError(`ULID time out of range: ${time}`);
    if (time === lastTime) {
      lastRandom += 1n;
      // 2^80 ids in one millisecond: not reachable, but never wrap into a repeat.
      if (lastRandom >> RANDOM_BITS !== 0n) throw new RangeError('ULID random part exhausted within one millisecond');
    } else {
      lastTime = time;
      lastRandom = BigInt(`0x${randomBytes(10).toString('hex')}`);
    }
    return encode(BigInt(time), 10) + encode(lastRandom, 16);
  };
}

/** A fresh ULID, monotonic within this process. */
export const ulid: () => string = ulidFactory();

/** Whether `value` is a canonical (upper-case) ULID. */
export function isUlid(value: unknown): value is string {
  return typeof value === 'string' && ULID_PATTERN.test(value);
}

/** The millisecond timestamp a ULID carries. */
export function ulidTime(id: string): number {
  let time = 0;
  for (const char of id.slice(0, 10)) time = time * 32 + ALPHABET.indexOf(char);
  return time;
}
