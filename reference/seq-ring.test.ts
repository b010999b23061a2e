import { describe, expect, it } from 'vitest';
import { SeqRing } from './seq-ring.ts';

describe('SeqRing', () => {
  it('keeps consecutive items, frees by number, age and capacity', () => {
    const ring = new SeqRing<string>(3);
    for (let seq = 1; seq <= 5; seq++) ring.push(seq, `f${seq}`, seq * 10);
    expect([ring.first, ring.next, ring.size]).toEqual([3, 6, 3]); // 1 and 2 evicted by the cap
    expect(ring.covers(2)).toBe(true); // everything after 2 is held
    expect(ring.covers(1)).toBe(false);
    expect(ring.slice(4, 99)).toEqual(['f4', 'f5']);
    ring.freeThrough(3);
    expect(ring.slice(0, 99)).toEqual(['f4', 'f5']);
    ring.freeOlderThan(50);
    expect(ring.slice(0, 99)).toEqual(['f5']);
    ring.clear();
    expect([ring.size, ring.next, ring.covers(4), ring.covers(5)]).toEqual([0, 6, false, true]);
  });

  it('refuses a gap and restarts numbering when empty', () => {
    const ring = new SeqRing<number>(10);
    ring.push(1, 1, 0);
    expect(() => ring.push(3, 3, 0)).toThrow(/expected 2/);
    ring.freeThrough(1);
    ring.push(7, 7, 0);
    expect([ring.first, ring.slice(7, 7)]).toEqual([7, [7]]);
  });

  it('stays correct across compaction', () => {
    const ring = new SeqRing<number>(100);
    for (let seq = 1; seq <= 5000; seq++) {
      ring.push(seq, seq, seq);
      if (seq % 7 === 0) ring.freeThrough(seq - 3);
    }
    // The last free was at 4998 (a multiple of 7), through 4995.
    expect(ring.first).toBe(4996);
    expect(ring.slice(4990, 5000)).toEqual([4996, 4997, 4998, 4999, 5000]);
  });
});
