import { describe, expect, it } from 'vitest';
import { slots } from './slots.ts';

describe('slots', () => {
  it('runs at most n tasks at once, the others in the order they asked, and frees a slot when a task fails', async () => {
    const inSlot = slots(2);
    let running = 0;
    let most = 0;
    const started: number[] = [];
    const gates = Array.from({ length: 5 }, () => {
      let resolve = () => {};
      const promise = new Promise<void>((r) => (resolve = r));
      return { promise, resolve };
    });
    const tasks = gates.map((gate, k) =>
      inSlot(async () => {
        started.push(k);
        running += 1;
        most = Math.max(most, running);
        await gate.promise;
        running -= 1;
        if (k === 0) throw new Error('task 0 failed');
        return k;
      }),
    );
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    gates[0]?.resolve();
    await expect(tasks[0]).rejects.toThrow('task 0 failed');
    expect(started).toEqual([0, 1, 2]);
    for (const gate of gates) gate.resolve();
    expect(await Promise.all(tasks.slice(1))).toEqual([1, 2, 3, 4]);
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(most).toBe(2);
  });
});
