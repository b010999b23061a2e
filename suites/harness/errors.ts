// The one error type the harness throws. Tests branch on `kind`; the message is one or two
// sentences a vendor can act on, already redacted (callers pass the redaction function).
import type { TranscriptEntry } from './transcript-types.ts';

export type HarnessErrorKind =
  /** No WebSocket connection could be made (refused, unknown host, timeout, HTTP error). */
  | 'unreachable'
  /** A bounded wait ended without the awaited frame. */
  | 'timeout'
  /** The socket closed while the harness was waiting or sending. */
  | 'closed'
  /** The server refused a hello or resume (session.error, or a close before the welcome). */
  | 'rejected'
  /** The server answered, but not in a shape the harness can work with (e.g. no session id). */
  | 'protocol'
  /**
   * The frames a judgement reads were let go: the server sent more than the kit keeps for one
   * test (a flood). The test cannot be judged (UNTESTABLE), which blames neither side.
   */
  | 'incomplete';

export interface HarnessErrorOptions {
  /** Applied to the message before it is stored: every known secret is replaced. */
  readonly redact: (text: string) => string;
  /** For `rejected`: the server's error payload (code, message, ...), already redacted. */
  readonly payload?: Readonly<Record<string, unknown>>;
  readonly cause?: unknown;
  /** For `timeout` and `closed`: the frames up to the failure, for the report. */
  readonly evidence?: HarnessEvidence;
}

/** The transcript up to a failed wait; `witnesses` are what the wait answered and what ended it. */
export interface HarnessEvidence {
  readonly transcript: readonly TranscriptEntry[];
  readonly witnesses: readonly number[];
}

/**
 * Said by a wait that ran out while a server frame was part-way in and no message had come
 * whole for half the wait: the reply is coming, slower than the wait bound. Direct evidence of
 * a slow server (reporters/slow-server.ts, suites/properties/run-scenario.ts read it).
 */
export const FRAME_STILL_ARRIVING = 'a frame was still arriving when the wait ran out';

export class HarnessError extends Error {
  override readonly name = 'HarnessError';
  readonly kind: HarnessErrorKind;
  readonly payload?: Readonly<Record<string, unknown>>;
  readonly evidence?: HarnessEvidence;

  constructor(kind: HarnessErrorKind, message: string, options: HarnessErrorOptions) {
    super(options.redact(message), options.cause === undefined ? undefined : { cause: options.cause });
    this.kind = kind;
    if (options.payload !== undefined) this.payload = options.payload;
    if (options.evidence !== undefined) this.evidence = options.evidence;
  }

  /** The `code` of a rejection payload, when there is one. */
  get code(): string | undefined {
    const code = this.payload?.code;
    return typeof code === 'string' ? code : undefined;
  }
}

/**
 * Lets through a harness error that is the server's doing (a wait ran out, a refusal, a close),
 * for a step whose failure the caller judges or notes; rethrows anything else, which is no
 * finding about the server: the kit's own error, or frames the kit let go (`incomplete`).
 */
export function assertServerStop(error: unknown): asserts error is HarnessError {
  if (!isHarnessError(error) || error.kind === 'incomplete') throw error;
}

export function isHarnessError(error: unknown, kind?: HarnessErrorKind): error is HarnessError {
  return error instanceof HarnessError && (kind === undefined || error.kind === kind);
}

/** A wait that ran out on a reply still arriving (FRAME_STILL_ARRIVING): the server is slower than the wait bound. */
export function isSlowReply(error: unknown): boolean {
  return isHarnessError(error, 'timeout') && error.message.includes(FRAME_STILL_ARRIVING);
}

/** The harness error behind `error`: itself, or the cause it wraps (a scenario aborted on a wait). */
export function harnessErrorBehind(error: unknown): HarnessError | undefined {
  if (isHarnessError(error)) return error;
  const cause = error instanceof Error ? error.cause : undefined;
  return isHarnessError(cause) ? cause : undefined;
}
