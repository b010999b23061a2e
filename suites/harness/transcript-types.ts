// The shape of a recorded multi-connection history. The harness writes it; checkers,
// reporters and fixtures read it. Kept apart so checkers stay pure and import no sockets.

/** ajv's judgement of one frame against the committed JSON Schema. */
export type FrameVerdict =
  | { readonly valid: true }
  | { readonly valid: false; readonly errors: readonly string[] };

/** `in` = server to client, `out` = client to server. */
export type Direction = 'in' | 'out';

/** One WebSocket message, as sent or received. */
export interface FrameEntry {
  readonly kind: 'frame';
  /** Position in the transcript, 0-based, in recording order. */
  readonly index: number;
  /** Connection id, unique within the transcript (e.g. `c1`, `c2`). */
  readonly conn: string;
  readonly dir: Direction;
  /** Milliseconds since the transcript started, from a monotonic clock. */
  readonly t: number;
  /** The parsed JSON value, redacted; `undefined` when the text was not JSON. */
  readonly frame: unknown;
  /** The raw text (truncated, redacted), kept only when it did not parse as JSON or was binary. */
  readonly raw?: string;
  /** Size of the message on the wire, in bytes. */
  readonly bytes: number;
  readonly verdict: FrameVerdict;
  /**
   * Set when the message was larger than the transcript's frame bound: `frame` then holds its
   * skeleton (every field the checkers read, long values cut), judged on the whole frame.
   */
  readonly elided?: Elision;
}

/** What a transcript kept of a frame larger than its bound. */
export interface Elision {
  /** sha256 of the message as received (its bytes; for a frame the kit sent, its text), hex. */
  readonly sha256: string;
  /** The start of the wire text, redacted. */
  readonly head: string;
  /** What the skeleton left out: strings cut short, array items and object fields dropped. */
  readonly cut: { readonly strings: number; readonly items: number; readonly fields: number };
}

/** A connection opening, closing or being cut. */
export interface ConnectionEntry {
  readonly kind: 'conn';
  readonly index: number;
  readonly conn: string;
  readonly t: number;
  /**
   * `open`: the socket connected; `dropped`: the client cut it abruptly (no close frame);
   * `closing`: the client started a graceful close; `closed`: the socket is gone (either side).
   */
  readonly event: 'open' | 'dropped' | 'closing' | 'closed';
  readonly code?: number;
  readonly reason?: string;
  /** Free-form label set by whoever opened the connection (e.g. `owner`, `subscriber`). */
  readonly label?: string;
  /** On `closed`: the transport error that ended the socket, if any (redacted). */
  readonly error?: string;
}

export type TranscriptEntry = FrameEntry | ConnectionEntry;
