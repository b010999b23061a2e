import { describe, expect, it } from 'vitest';
import { isUlid, ulid, ulidFactory, ulidTime } from './ulid.ts';

describe('ulid', () => {
  it('is 26 Crockford base32 characters carrying the millisecond it was minted in', () => {
    const id = ulidFactory(() => 1_700_000_000_123)();
    expect(id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(isUlid(id)).toBe(true);
    expect(ulidTime(id)).toBe(1_700_000_000_123);
  });

  it('counts up within one millisecond, so ids sort in minting order and never repeat', () => {
    const next = ulidFactory(() => 42);
    const ids = Array.from({ length: 1000 }, next);
    expect(new Set(ids).size).toBe(1000);
    expect([...ids].sort()).toEqual(ids);
    expect(ids.every((id) => ulidTime(id) === 42)).toBe(true);
  });

  it('stays monotonic when the clock steps back', () => {
    let clock = 1000;
    const next = ulidFactory(() => clock);
    const first = next();
    clock = 900;
    const second = next();
    expect(second > first).toBe(true);
  });

  it('refuses a time outside 48 bits instead of minting a wrong id', () => {
    expect(() => ulidFactory(() => 2 ** 48)()).toThrow(RangeError);
  });

  it('tells ULIDs from other ids', () => {
    expect(isUlid(ulid())).toBe(true);
    for (const other of ['m-1a2b3c4d-17', '01ARZ3NDEKTSV4RRFFQ69G5FA', '81ARZ3NDEKTSV4RRFFQ69G5FAV', '01arz3ndektsv4rrffq69g5fav', '01ARZ3NDEKTSV4RRFFQ69G5FAU', 7]) {
      expect(isUlid(other)).toBe(false);
    }
  });
});
