// An Output that records what the command printed, for in-process tests.
import { createOutput, type Output } from '../output.ts';

export interface Captured {
  readonly out: Output;
  readonly stdout: () => string;
  readonly stderr: () => string;
}

export function capture(): Captured {
  let stdout = '';
  let stderr = '';
  const out = createOutput(
    { write: (t: string) => (stdout += t), isTTY: false },
    { write: (t: string) => (stderr += t), isTTY: false },
    {},
  );
  return { out, stdout: () => stdout, stderr: () => stderr };
}
