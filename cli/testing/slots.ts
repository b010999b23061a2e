// At most `n` tasks at a time (kit runs, which are mostly CPU); the others wait their turn in
// the order they asked.
export function slots(n: number): <T>(run: () => Promise<T>) => Promise<T> {
  let free = Math.max(1, n);
  const waiting: (() => void)[] = [];
  return async (run) => {
    if (free > 0) free -= 1;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await run();
    } finally {
      const next = waiting.shift();
      if (next === undefined) free += 1;
      else next();
    }
  };
}
