// Options of startReference and their defaults, checked once at start.
import { DEFAULT_TOKENS } from './auth.ts';
import { Defects, type DefectName } from './defects.ts';
import { Variants, type VariantName } from './variants.ts';

export type SubscribePolicy = 'same-principal' | 'any';

/**
 * Timers for a runtime that a conformance run drives: short enough that the heartbeat-loss
 * and resume-window checks finish within the kit's default --max-wait (15 s). The embedded
 * target and `serve` use them; the library defaults below are production-like.
 */
export const CONFORMANCE_TIMERS = Object.freeze({ heartbeatSec: 2, resumeWindowSec: 5 });

export interface ReferenceOptions {
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /** WebSocket path (default `/arcp`, v1.0 §4.1). */
  path?: string;
  /** Bearer token -> principal. Default: `tok-alice` -> alice, `tok-bob` -> bob. */
  tokens?: Readonly<Record<string, string>>;
  /** Defects to switch on (reference/defects.ts); none by default. */
  defects?: readonly DefectName[];
  /** Legal variants to switch on (reference/variants.ts); none by default. */
  variants?: readonly VariantName[];
  /** heartbeat_interval_sec advertised and enforced (default 30; fractions allowed for tests). */
  heartbeatSec?: number;
  /** resume_window_sec: how long a detached session stays resumable (default 600). */
  resumeWindowSec?: number;
  /** Largest inbound frame in bytes; larger frames close the socket with 1009 (default 1 MiB). */
  maxFrameBytes?: number;
  /** Un-acked events after which a `status {phase: back_pressure}` is sent (default 10,000). */
  backPressureLag?: number;
  /** Most events kept per session for resume; the oldest are evicted (default 100,000). */
  eventBufferCap?: number;
  /** Most events kept per job for subscribe history (default 1,000; more costs GC time on huge jobs). */
  jobHistoryCap?: number;
  /** Who may subscribe to a job: only its submitting principal (default, v1.1 §14) or anyone. */
  subscribePolicy?: SubscribePolicy;
  /** The lease watchdog ends a job this long after its expires_at (default 1000 ms). */
  leaseGraceMs?: number;
  /** Finished jobs stay listed and idempotent this long (default 3600 s). */
  jobRetentionSec?: number;
  /** A connection that sends no hello within this time is closed (default 10,000 ms). */
  helloTimeoutMs?: number;
  /** Bytes queued on a socket above which agents wait for it to drain (default 1 MiB). */
  socketHighWaterBytes?: number;
}

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly path: string;
  readonly tokens: Readonly<Record<string, string>>;
  readonly defects: Defects;
  readonly variants: Variants;
  readonly heartbeatSec: number;
  readonly resumeWindowSec: number;
  readonly maxFrameBytes: number;
  readonly backPressureLag: number;
  readonly eventBufferCap: number;
  readonly jobHistoryCap: number;
  readonly subscribePolicy: SubscribePolicy;
  readonly leaseGraceMs: number;
  readonly jobRetentionSec: number;
  readonly helloTimeoutMs: number;
  readonly socketHighWaterBytes: number;
}

function positive(name: string, value: number | undefined, fallback: number, { integer = false, zero = false } = {}): number {
  const v = value ?? fallback;
  const ok = Number.isFinite(v) && (zero ? v >= 0 : v > 0) && (!integer || Number.isInteger(v));
  if (!ok) throw new RangeError(`${name} must be a ${integer ? 'whole' : 'finite'} number ${zero ? '>= 0' : '> 0'} (got ${String(value)})`);
  return v;
}

/** Resolves options to a config; throws RangeError naming the bad option. */
export function resolveConfig(options: ReferenceOptions = {}): Config {
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`port must be 0-65535 (got ${String(options.port)})`);
  const path = options.path ?? '/arcp';
  if (!path.startsWith('/')) throw new RangeError(`path must start with / (got ${JSON.stringify(path)})`);
  const tokens = options.tokens ?? DEFAULT_TOKENS;
  if (Object.keys(tokens).length === 0) throw new RangeError('tokens must name at least one token');
  const policy = options.subscribePolicy ?? 'same-principal';
  if (policy !== 'same-principal' && policy !== 'any') throw new RangeError(`subscribePolicy must be same-principal or any`);
  const variants = new Variants(options.variants ?? []);
  return Object.freeze({
    port,
    host: options.host ?? '127.0.0.1',
    path,
    tokens,
    defects: new Defects(options.defects ?? []),
    variants,
    heartbeatSec: positive('heartbeatSec', options.heartbeatSec, 30),
    resumeWindowSec: positive('resumeWindowSec', options.resumeWindowSec, 600, { zero: true }),
    maxFrameBytes: Math.min(positive('maxFrameBytes', options.maxFrameBytes, 1_048_576, { integer: true }), variants.has('frame-limit-64k') ? 65_536 : Infinity),
    backPressureLag: positive('backPressureLag', options.backPressureLag, 10_000, { integer: true }),
    eventBufferCap: positive('eventBufferCap', options.eventBufferCap, 100_000, { integer: true }),
    jobHistoryCap: positive('jobHistoryCap', options.jobHistoryCap, 1000, { integer: true }),
    subscribePolicy: variants.has('open-subscribe') ? 'any' : policy,
    leaseGraceMs: variants.has('proactive-lease-expiry') ? 0 : positive('leaseGraceMs', options.leaseGraceMs, 1000, { integer: true, zero: true }),
    jobRetentionSec: positive('jobRetentionSec', options.jobRetentionSec, 3600),
    helloTimeoutMs: positive('helloTimeoutMs', options.helloTimeoutMs, 10_000, { integer: true }),
    socketHighWaterBytes: positive('socketHighWaterBytes', options.socketHighWaterBytes, 1_048_576, { integer: true }),
  });
}
