// Everything `run` and `replay` need before talking to a server: tokens, profile, the
// target (a URL, or the embedded reference runtime), and the preflight handshake.
import { resolve } from 'node:path';
import { ConfigError, type Profile, DEFAULT_PROFILE, parseProfile } from '../suites/harness/config.ts';
import { UsageError } from './errors.ts';
import { readJsonFile } from './json-file.ts';
import { type PreflightResult, preflight } from './preflight.ts';
import { EMBEDDED_TARGET, parseTargetUrl, publicUrl, secretsInUrl } from './target.ts';
import { resolveTokens } from './tokens.ts';

export interface TargetRequest {
  readonly url?: string;
  /** A command that starts the server under test and prints its URL first (--server-cmd). */
  readonly serverCmd?: string;
  readonly tokenFile?: string;
  readonly profilePath?: string;
  readonly defects: readonly string[];
  /** Legal variants of the embedded reference (reference/variants.ts); absent means none. */
  readonly variants?: readonly string[];
  readonly timeoutMs: number;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

export interface ResolvedTarget {
  /** The real URL (may carry credentials): only for connecting and for worker env. */
  readonly url: string;
  /** What reports show. */
  readonly shownUrl: string;
  readonly embedded: boolean;
  /** The server process, when the kit started it (--server-cmd): the leak check samples it. */
  readonly serverPid?: number;
  /** Reference defects switched on (embedded target only). */
  readonly defects: readonly string[];
  /** Reference legal variants switched on (embedded target only). */
  readonly variants: readonly string[];
  readonly tokens: { readonly primary: string; readonly secondary?: string };
  readonly profile: Profile;
  /** Absolute path of the profile file, for ARCP_PROFILE. */
  readonly profilePath?: string;
  readonly preflight: PreflightResult;
  /** Every secret the output redactor must know. */
  readonly secrets: readonly string[];
  stop(): Promise<void>;
}

export function loadProfile(path: string | undefined, cwd: string): { profile: Profile; path?: string } {
  if (path === undefined) return { profile: DEFAULT_PROFILE };
  const absolute = resolve(cwd, path);
  const json = readJsonFile(absolute, `--profile ${path}`);
  try {
    return { profile: parseProfile(json, `profile ${path}`), path: absolute };
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(`invalid --profile ${path}: ${error.problems.join('; ')}`);
    throw error;
  }
}

/** Validates the inputs (exit 2 on any problem), starts the target if embedded, runs the preflight. */
export async function setUpTarget(request: TargetRequest): Promise<ResolvedTarget> {
  const tokens = resolveTokens(request.env, request.tokenFile);
  const { profile, path: profilePath } = loadProfile(request.profilePath, request.cwd);

  if (request.url === undefined) {
    // The reference runtime loads only when it is the target. It brings its own tokens and,
    // unless --profile says otherwise, the profile matching its options.
    const { checkDefects, checkVariants, startEmbedded } = await import('./embedded.ts');
    const embedded = await startEmbedded(checkDefects(request.defects), checkVariants(request.variants ?? []));
    try {
      const chosen = profilePath === undefined ? loadProfile(embedded.profilePath, request.cwd) : { profile, path: profilePath };
      const result = await preflight({ url: embedded.url, token: embedded.tokens.primary, tokenName: 'ARCP_TOKEN', profile: chosen.profile, timeoutMs: request.timeoutMs });
      return {
        url: embedded.url,
        shownUrl: EMBEDDED_TARGET,
        embedded: true,
        defects: request.defects,
        variants: request.variants ?? [],
        tokens: embedded.tokens,
        profile: chosen.profile,
        ...(chosen.path === undefined ? {} : { profilePath: chosen.path }),
        preflight: result,
        secrets: [embedded.tokens.primary, embedded.tokens.secondary],
        stop: embedded.stop,
      };
    } catch (error) {
      await embedded.stop();
      throw error;
    }
  }

  refuseEmbeddedOnlyFlags(request, '--url');
  return urlTarget(request, request.url, tokens, profile, profilePath);
}

/** Starts the server under test with --server-cmd, tests it at the URL it prints, stops it after. */
export async function setUpLaunchedTarget(request: TargetRequest & { readonly serverCmd: string }): Promise<ResolvedTarget> {
  if (request.url !== undefined) throw new UsageError('--server-cmd starts the server and reads its URL: drop --url (or ARCP_URL)');
  refuseEmbeddedOnlyFlags(request, '--server-cmd');
  const tokens = resolveTokens(request.env, request.tokenFile);
  const { profile, path: profilePath } = loadProfile(request.profilePath, request.cwd);
  const { launchServer, LaunchError } = await import('../suites/leak/server-process.ts');
  const secrets = [tokens.primary, tokens.secondary].filter((t): t is string => t !== undefined);
  const redact = (text: string) => secrets.reduce((acc, secret) => acc.split(secret).join('[redacted]'), text);
  let server;
  try {
    server = await launchServer(request.serverCmd, { timeoutMs: SERVER_START_TIMEOUT_MS, cwd: request.cwd, redact });
  } catch (error) {
    if (error instanceof LaunchError) throw new UsageError(`--server-cmd: ${error.message}`);
    throw error;
  }
  try {
    const target = await urlTarget(request, server.url, tokens, profile, profilePath);
    return { ...target, serverPid: server.pid, stop: () => server.stop() };
  } catch (error) {
    await server.stop();
    throw error;
  }
}

function refuseEmbeddedOnlyFlags(request: TargetRequest, target: string): void {
  if (request.defects.length > 0) throw new UsageError(`--defect applies only to the embedded reference runtime (drop ${target})`);
  if ((request.variants ?? []).length > 0) throw new UsageError(`--variant applies only to the embedded reference runtime (drop ${target})`);
}

/** How long a --server-cmd server may take to print its URL. */
const SERVER_START_TIMEOUT_MS = 30_000;

async function urlTarget(
  request: TargetRequest,
  rawUrl: string,
  tokens: ReturnType<typeof resolveTokens>,
  profile: Profile,
  profilePath: string | undefined,
): Promise<ResolvedTarget> {
  const url = parseTargetUrl(rawUrl);
  if (tokens.primary === undefined) {
    throw new UsageError('no token for the server: set ARCP_TOKEN (and ARCP_TOKEN_2 for a second principal) or use --token-file FILE');
  }
  const primary = tokens.primary;
  const result = await preflight({ url: url.href, token: primary, tokenName: 'ARCP_TOKEN', profile, timeoutMs: request.timeoutMs });
  if (tokens.secondary !== undefined) {
    // The second principal is checked too: a wrong one would fail every multi-principal test.
    await preflight({ url: url.href, token: tokens.secondary, tokenName: 'ARCP_TOKEN_2', profile, timeoutMs: request.timeoutMs });
  }
  return {
    url: url.href,
    shownUrl: publicUrl(url),
    embedded: false,
    defects: [],
    variants: [],
    tokens: { primary, ...(tokens.secondary === undefined ? {} : { secondary: tokens.secondary }) },
    profile,
    ...(profilePath === undefined ? {} : { profilePath }),
    preflight: result,
    secrets: [primary, ...(tokens.secondary === undefined ? [] : [tokens.secondary]), ...secretsInUrl(url)],
    stop: async () => undefined,
  };
}
