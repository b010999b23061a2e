// The ways the hostile test server misbehaves, as data: fast-check generates them, the URL
// path carries one to the server, and the test knows which requirement each must surface as.
import fc from 'fast-check';

/**
 * Where the misbehaviour happens: instead of the welcome (`hello`), instead of job.accepted
 * (`submit`), or after a few valid events of the job (`stream`).
 */
export type Stage = 'hello' | 'submit' | 'stream';

export type Misbehaviour =
  /** A text message that is not JSON. */
  | { readonly kind: 'not-json'; readonly stage: Stage; readonly text: string }
  /** A binary message. */
  | { readonly kind: 'binary'; readonly stage: Stage; readonly bytes: number }
  /** A huge text message, under the kit's 64 MiB limit, that is not JSON. */
  | { readonly kind: 'huge-text'; readonly stage: Stage; readonly mib: number }
  /** A frame header announcing more than the kit's 64 MiB limit. */
  | { readonly kind: 'over-limit'; readonly stage: Stage; readonly mib: number }
  /** Job events carrying another session's id. */
  | { readonly kind: 'wrong-session'; readonly stage: 'stream' }
  /** One job event repeats the previous event_seq. */
  | { readonly kind: 'seq-repeat'; readonly stage: 'stream' }
  /** One job event goes back `by` seqs. */
  | { readonly kind: 'seq-decrease'; readonly stage: 'stream'; readonly by: number }
  /** Job events as fast as the socket takes them, and never a terminal. */
  | { readonly kind: 'flood'; readonly stage: 'stream' }
  /** Nothing more, ever (at `hello`: no welcome; `upgrade`: not even the WebSocket handshake). */
  | { readonly kind: 'silence'; readonly stage: Stage | 'upgrade' }
  /** Half a WebSocket frame on the raw socket, then the socket is destroyed. */
  | { readonly kind: 'cut-mid-frame'; readonly stage: Stage }
  /** A TCP reset (RST) instead of the next frame. */
  | { readonly kind: 'reset'; readonly stage: Stage }
  /** The next valid frame, a few bytes at a time, far too slowly to arrive in time. */
  | { readonly kind: 'slow-drip'; readonly stage: Stage; readonly chunkBytes: number; readonly intervalMs: number }
  /** Half a WebSocket frame, then a TCP reset (RST) instead of the rest. */
  | { readonly kind: 'reset-mid-frame'; readonly stage: Stage }
  /** A well-behaved server whose job's first event is a schema-valid log of `mib` MiB (legal: verdicts as for a small one). */
  | { readonly kind: 'giant-frame'; readonly stage: 'stream'; readonly mib: number }
  /** A welcome whose agent inventory is `mib` MiB of agents (the conformance agent last). */
  | { readonly kind: 'giant-welcome'; readonly stage: 'hello'; readonly mib: number }
  /** Right after every welcome, job events of a job nobody submitted, as fast as the socket takes them. */
  | { readonly kind: 'welcome-flood'; readonly stage: 'hello' };

export type MisbehaviourKind = Misbehaviour['kind'];

/** A server that never runs a job: every job.submit resets the connection (issue 11 cause 10). */
export const RESET_ON_SUBMIT: Misbehaviour = { kind: 'reset', stage: 'submit' };

const stage = fc.constantFrom<Stage>('hello', 'submit', 'stream');

/** Every kind of misbehaviour with its parameters; sizes keep a run under a second or two. */
export const misbehaviourArbitrary: fc.Arbitrary<Misbehaviour> = fc.oneof(
  fc.record({ kind: fc.constant('not-json' as const), stage, text: fc.constantFrom('{"arcp":"1.1",', 'hello there', '<html>502</html>', '{]', 'NaN') }),
  fc.record({ kind: fc.constant('binary' as const), stage, bytes: fc.integer({ min: 1, max: 4096 }) }),
  fc.record({ kind: fc.constant('huge-text' as const), stage, mib: fc.integer({ min: 16, max: 40 }) }),
  fc.record({ kind: fc.constant('over-limit' as const), stage, mib: fc.integer({ min: 65, max: 4096 }) }),
  fc.record({ kind: fc.constant('wrong-session' as const), stage: fc.constant('stream' as const) }),
  fc.record({ kind: fc.constant('seq-repeat' as const), stage: fc.constant('stream' as const) }),
  fc.record({ kind: fc.constant('seq-decrease' as const), stage: fc.constant('stream' as const), by: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ kind: fc.constant('flood' as const), stage: fc.constant('stream' as const) }),
  fc.record({ kind: fc.constant('silence' as const), stage: fc.constantFrom<Stage | 'upgrade'>('upgrade', 'hello', 'submit', 'stream') }),
  fc.record({ kind: fc.constant('cut-mid-frame' as const), stage }),
  fc.record({ kind: fc.constant('reset' as const), stage }),
  fc.record({ kind: fc.constant('slow-drip' as const), stage, chunkBytes: fc.integer({ min: 1, max: 8 }), intervalMs: fc.integer({ min: 40, max: 120 }) }),
  fc.record({ kind: fc.constant('reset-mid-frame' as const), stage }),
);

/** Valid job events the server sends before a `stream` misbehaviour. */
export const EVENTS_BEFORE = 3;
/** Events of the job's script (and of a server that misbehaves only in their envelopes). */
export const SCRIPT_EVENTS = 6;

/** The URL path segment that carries a misbehaviour to the server. */
export function misbehaviourPath(m: Misbehaviour): string {
  return encodeURIComponent(JSON.stringify(m));
}

export function parseMisbehaviourPath(segment: string): Misbehaviour | undefined {
  try {
    const value: unknown = JSON.parse(decodeURIComponent(segment));
    return typeof value === 'object' && value !== null && typeof (value as { kind?: unknown }).kind === 'string' ? (value as Misbehaviour) : undefined;
  } catch {
    return undefined;
  }
}

/** One line for messages: `over-limit at submit (900 MiB)`. */
export function describeMisbehaviour(m: Misbehaviour): string {
  const detail =
    m.kind === 'huge-text' || m.kind === 'over-limit' || m.kind === 'giant-frame' || m.kind === 'giant-welcome'
      ? ` (${m.mib} MiB)`
      : m.kind === 'binary'
        ? ` (${m.bytes} bytes)`
        : m.kind === 'seq-decrease'
          ? ` (back ${m.by})`
          : m.kind === 'slow-drip'
            ? ` (${m.chunkBytes} bytes every ${m.intervalMs} ms)`
            : '';
  return `${m.kind} at ${m.stage}${detail}`;
}
