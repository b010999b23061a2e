// Errors the command reports as one line with exit code 2: the user's input or the
// environment is wrong (bad flag, unreadable file, unreachable URL, refused token), so
// no verdict about the server could be reached.

/** Exit code of usage and configuration errors (0 and 1 come from the verdicts). */
export const EXIT_USAGE = 2;

export class UsageError extends Error {
  override readonly name = 'UsageError';
  /** A follow-up hint printed after the message, e.g. `see arcp-conformance run --help`. */
  readonly hint?: string;

  constructor(message: string, hint?: string) {
    super(message);
    if (hint !== undefined) this.hint = hint;
  }
}

/** The message of any thrown value, on one line. */
export function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/\s*\n\s*/g, '; ').trim();
}
