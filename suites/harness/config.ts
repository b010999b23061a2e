// Where the kit points and how it talks: the target (URL, tokens, timeouts, run options,
// from environment variables the CLI sets) and the profile (the wire dialect a server speaks
// where the spec allows more than one form, from a JSON file).
import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { z } from 'zod';
import { FEATURES } from '../../spec/features.ts';

/** Bad configuration: names every bad field, never echoes a token. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly problems: readonly string[];

  constructor(subject: string, problems: readonly string[]) {
    super(`${subject}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.problems = problems;
  }
}

function packageVersion(): string {
  const pkg: unknown = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  const version = typeof pkg === 'object' && pkg !== null ? (pkg as { version?: unknown }).version : undefined;
  return typeof version === 'string' ? version : '0.0.0';
}

export const KIT_CLIENT = Object.freeze({ name: 'arcp-conformance', version: packageVersion() });

export const RESUME_FORMS = ['hello-resume', 'session-resume', 'hello-flat'] as const;
export const CLOSE_FORMS = ['session.close', 'session.bye'] as const;

const FeatureName = z.string().regex(/^[a-z][a-z0-9_.-]*$/, 'must be a lowercase feature name like "subscribe"');

export const ProfileSchema = z.strictObject({
  /**
   * `hello-resume` (DESIGN §5 default): session.hello with payload.resume {session_id,
   * resume_token, last_event_seq}; `session-resume`: a session.resume message; `hello-flat`:
   * those three fields directly in the hello payload.
   */
  resumeForm: z.enum(RESUME_FORMS).default('hello-resume'),
  /** The message that ends a session: v1.1 `session.close` or v1.0 `session.bye`. */
  closeForm: z.enum(CLOSE_FORMS).default('session.close'),
  /** The conformance agent's name (DESIGN §4). */
  agent: z.string().min(1).default('conformance'),
  /** A WebSocket subprotocol to request, if the server needs one. */
  subprotocol: z.string().min(1).optional(),
  /** Features offered in the hello. */
  features: z.array(FeatureName).default(() => [...FEATURES]),
  /**
   * The server's deployment policy for subscribing to another principal's job (v1.1 §14):
   * `same-principal` (the spec's default) or `any`. Cross-principal checks (a foreign
   * subscriber cannot cancel, never sees credentials) need `any`; with `same-principal`
   * the kit checks that a foreign subscribe is refused.
   */
  subscribePolicy: z.enum(['same-principal', 'any']).default('same-principal'),
  /**
   * Whose jobs session.list_jobs shows (v1.1 §6.6): `own` (typical: the principal's own
   * jobs) or `any` (deployment policy lists other principals' jobs on purpose).
   */
  listPolicy: z.enum(['own', 'any']).default('own'),
  /** What the hello says the client is. */
  client: z.strictObject({ name: z.string().min(1), version: z.string() }).default(() => ({ ...KIT_CLIENT })),
});

export type ResumeForm = (typeof RESUME_FORMS)[number];
export type CloseForm = (typeof CLOSE_FORMS)[number];
export type Profile = Readonly<z.infer<typeof ProfileSchema>>;

function describeIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    return path === '' ? issue.message : `${path}: ${issue.message}`;
  });
}

/** Validates a profile (every field optional; defaults fill the rest). */
export function parseProfile(json: unknown, source = 'profile'): Profile {
  const parsed = ProfileSchema.safeParse(json ?? {});
  if (!parsed.success) throw new ConfigError(`invalid ${source}`, describeIssues(parsed.error.issues));
  return Object.freeze(parsed.data);
}

export const DEFAULT_PROFILE: Profile = parseProfile({});

/** Bearer tokens; hidden from JSON.stringify and console.log. */
export interface Tokens {
  /** The principal that submits jobs. */
  readonly primary: string;
  /** A second, different principal (for subscribe and permission tests). */
  readonly secondary?: string;
}

function hiddenTokens(primary: string, secondary: string | undefined): Tokens {
  const shown = { primary: '[redacted]', ...(secondary === undefined ? {} : { secondary: '[redacted]' }) };
  const tokens = { primary, ...(secondary === undefined ? {} : { secondary }) };
  Object.defineProperties(tokens, {
    toJSON: { value: () => shown, enumerable: false },
    [inspect.custom]: { value: () => shown, enumerable: false },
  });
  return Object.freeze(tokens);
}

export interface TargetConfig {
  readonly url: string;
  readonly tokens: Tokens;
  readonly profile: Profile;
  /** Default bound of each wait, in milliseconds: the configured one times `waitScale`. */
  readonly timeoutMs: number;
  /** How much slower than a quick server this one answered the preflight (absent or 1: not slower). */
  readonly waitScale?: number;
  /**
   * The bound as configured, before scaling. Whether a check fits ARCP_MAX_WAIT_MS is decided
   * with this one, so that decision (UNTESTABLE or not) does not move with the machine's load.
   */
  readonly configuredTimeoutMs?: number;
  /** UNTESTABLE verdicts do not fail the run. */
  readonly allowUntestable: boolean;
  /**
   * Longest a test may wait for a server-side timer (heartbeat loss, resume window,
   * max_runtime_sec). A test whose timer is longer is UNTESTABLE, never silently skipped.
   */
  readonly maxWaitMs: number;
  /** Set when the target is the CLI's embedded reference runtime (ARCP_EMBEDDED=1, with ARCP_EMBEDDED_DEFECTS). */
  readonly embedded?: { readonly defects: readonly string[] };
  /** fast-check seed, to replay a property run. */
  readonly seed?: number;
  /** fast-check runs per property. */
  readonly runs?: number;
}

export const DEFAULT_TIMEOUT_MS = 5000;
export const DEFAULT_MAX_WAIT_MS = 15_000;
export const MAX_TIMEOUT_MS = 10 * 60 * 1000;

/** A hello answered slower than this means a slow (loaded, remote) server: waits grow with it. */
const QUICK_ROUND_TRIP_MS = 250;
export const MAX_WAIT_SCALE = 4;

/**
 * The factor every wait bound grows by for a server that answered the preflight hello in
 * `roundTripMs`: waits sized for a quick server stretch in proportion to how slowly this one
 * was seen to answer (up to MAX_WAIT_SCALE), so a busy runner does not turn into timeouts.
 */
export function waitScaleFor(roundTripMs: number): number {
  if (!Number.isFinite(roundTripMs) || roundTripMs <= QUICK_ROUND_TRIP_MS) return 1;
  return Math.min(MAX_WAIT_SCALE, Math.ceil(roundTripMs / QUICK_ROUND_TRIP_MS));
}

type Env = Readonly<Record<string, string | undefined>>;

function present(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value;
}

function integerVar(env: Env, name: string, problems: string[], min: number, max: number): number | undefined {
  const text = present(env, name);
  if (text === undefined) return undefined;
  const value = Number(text.trim());
  if (!Number.isInteger(value) || value < min || value > max) {
    problems.push(`${name}=${JSON.stringify(text)}: must be an integer from ${min} to ${max}`);
    return undefined;
  }
  return value;
}

function booleanVar(env: Env, name: string, problems: string[]): boolean {
  const text = present(env, name)?.trim().toLowerCase();
  if (text === undefined) return false;
  if (['1', 'true', 'yes', 'on'].includes(text)) return true;
  if (['0', 'false', 'no', 'off'].includes(text)) return false;
  problems.push(`${name}=${JSON.stringify(env[name])}: must be true or false (or 1/0, yes/no)`);
  return false;
}

function urlVar(env: Env, problems: string[]): string {
  const text = present(env, 'ARCP_URL')?.trim();
  if (text === undefined) {
    problems.push('ARCP_URL is not set: the WebSocket URL of the server under test, e.g. ws://127.0.0.1:8080/arcp');
    return '';
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    problems.push('ARCP_URL is not a valid URL (expected ws://host:port/path or wss://...)');
    return '';
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
    problems.push(`ARCP_URL must use ws:// or wss:// (got ${url.protocol}//)`);
  }
  return text;
}

function tokensVar(env: Env, problems: string[]): Tokens {
  const primary = present(env, 'ARCP_TOKEN');
  const secondary = present(env, 'ARCP_TOKEN_2');
  if (primary === undefined) problems.push('ARCP_TOKEN is not set: the bearer token the kit authenticates with');
  if (primary !== undefined && secondary === primary) {
    problems.push('ARCP_TOKEN_2 must be a different principal from ARCP_TOKEN (the values are equal)');
  }
  return hiddenTokens(primary ?? '', secondary);
}

function profileVar(env: Env, problems: string[]): Profile {
  const path = present(env, 'ARCP_PROFILE');
  if (path === undefined) return DEFAULT_PROFILE;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    problems.push(
      code === undefined
        ? `ARCP_PROFILE=${path}: not valid JSON (${(error as Error).message})`
        : `ARCP_PROFILE=${path}: cannot read the file (${code})`,
    );
    return DEFAULT_PROFILE;
  }
  try {
    return parseProfile(json, `profile ${path}`);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems.map((p) => `ARCP_PROFILE=${path}: ${p}`));
    return DEFAULT_PROFILE;
  }
}

/**
 * How long a check waits for a server timer of `timerMs` plus one wait bound, as far as the
 * ARCP_MAX_WAIT_MS budget is concerned: counted with the configured bound, not the scaled
 * one, so whether a check fits (or is UNTESTABLE) does not move with the machine's load.
 */
export function timerWaitMs(target: Pick<TargetConfig, 'timeoutMs' | 'configuredTimeoutMs'>, timerMs: number): number {
  return timerMs + (target.configuredTimeoutMs ?? target.timeoutMs);
}

/** Reads the target from the environment; reports every bad variable at once. */
export function loadTargetConfig(env: Env = process.env): TargetConfig {
  const problems: string[] = [];
  const url = urlVar(env, problems);
  const tokens = tokensVar(env, problems);
  const profile = profileVar(env, problems);
  const baseTimeoutMs = integerVar(env, 'ARCP_TIMEOUT_MS', problems, 1, MAX_TIMEOUT_MS) ?? DEFAULT_TIMEOUT_MS;
  const waitScale = integerVar(env, 'ARCP_WAIT_SCALE', problems, 1, MAX_WAIT_SCALE) ?? 1;
  const maxWaitMs = integerVar(env, 'ARCP_MAX_WAIT_MS', problems, 0, MAX_TIMEOUT_MS) ?? DEFAULT_MAX_WAIT_MS;
  const allowUntestable = booleanVar(env, 'ARCP_ALLOW_UNTESTABLE', problems);
  // fast-check seeds are 32-bit integers.
  const seed = integerVar(env, 'ARCP_SEED', problems, -(2 ** 31), 2 ** 31 - 1);
  const runs = integerVar(env, 'ARCP_RUNS', problems, 1, 1_000_000);
  const embedded = booleanVar(env, 'ARCP_EMBEDDED', problems);
  if (problems.length > 0) throw new ConfigError('invalid arcp-conformance configuration', problems);
  const embeddedDefects = (env.ARCP_EMBEDDED_DEFECTS ?? '').split(',').filter(Boolean);
  return Object.freeze({
    url,
    tokens,
    profile,
    timeoutMs: baseTimeoutMs * waitScale,
    waitScale,
    configuredTimeoutMs: baseTimeoutMs,
    maxWaitMs,
    allowUntestable,
    ...(embedded ? { embedded: { defects: embeddedDefects } } : {}),
    ...(seed === undefined ? {} : { seed }),
    ...(runs === undefined ? {} : { runs }),
  });
}
