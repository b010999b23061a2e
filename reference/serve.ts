// `arcp-conformance serve` (and reference/serve-main.ts): runs the reference runtime until
// SIGINT/SIGTERM. The URL is the first line on stdout; token values are never printed.
import { parseArgs } from 'node:util';
import { DEFECTS, isDefectName } from './defects.ts';
import { CONFORMANCE_TIMERS, type ReferenceOptions } from './options.ts';
import { VARIANTS, isVariantName } from './variants.ts';
import { startReference } from './server.ts';

const USAGE = `Usage: arcp-conformance serve [options]

Runs the ARCP v1.1 reference runtime. Prints its URL as the first line on stdout.

Options:
  --host HOST               interface to listen on (default 127.0.0.1)
  --port PORT               port; 0 picks a free one (default 0)
  --token TOKEN=PRINCIPAL   accept a bearer token (repeatable; default tok-alice=alice, tok-bob=bob)
  --heartbeat-sec N         heartbeat interval in seconds (default 2, short for conformance runs)
  --resume-window-sec N     resume window in seconds (default 5, short for conformance runs)
  --defect NAME             switch on a defect (repeatable; see below)
  --variant NAME            switch on a legal variant (repeatable; see below)
  --help                    this text

Example:
  arcp-conformance serve --port 8080 --token s3cret=ci --defect seq-race

Defects:
${DEFECTS.map((d) => `  ${d.name.padEnd(24)}${d.description}`).join('\n')}

Legal variants (behaviours the spec allows; the kit must pass with any of them):
${VARIANTS.map((v) => `  ${v.name.padEnd(24)}${v.description}`).join('\n')}
`;

class UsageError extends Error {}

function number(flag: string, text: string | undefined, { integer = false, min = 0 } = {}): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || (integer && !Number.isInteger(value)) || value < min) {
    throw new UsageError(`${flag} must be a ${integer ? 'whole ' : ''}number >= ${min} (got ${JSON.stringify(text)})`);
  }
  return value;
}

/** The values of a repeatable --KIND flag, each one a name `isName` knows. */
function knownNames<Name extends string>(kind: string, values: readonly string[], isName: (name: string) => name is Name, known: readonly { name: string }[]): Name[] {
  return values.map((name) => {
    if (!isName(name)) throw new UsageError(`unknown ${kind} ${JSON.stringify(name)}; known: ${known.map((k) => k.name).join(', ')}`);
    return name;
  });
}

/** Parses serve's flags into startReference options; throws UsageError on bad input. */
export function parseServeArgs(argv: readonly string[]): ReferenceOptions | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        host: { type: 'string' },
        port: { type: 'string' },
        token: { type: 'string', multiple: true },
        'heartbeat-sec': { type: 'string' },
        'resume-window-sec': { type: 'string' },
        defect: { type: 'string', multiple: true },
        variant: { type: 'string', multiple: true },
        help: { type: 'boolean' },
      },
    }));
  } catch (error) {
    // A stray argument may be a token typed without --token: name it by position, never echo it.
    const { code, message } = error as { code?: string; message: string };
    if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') throw new UsageError('unexpected argument; serve takes only --flags');
    throw new UsageError(message);
  }
  if (values.help) return 'help';
  // A newcomer's first target: timers the kit's default --max-wait can wait out.
  const options: ReferenceOptions = { ...CONFORMANCE_TIMERS };
  if (values.host !== undefined) options.host = values.host;
  const port = number('--port', values.port, { integer: true });
  if (port !== undefined) {
    if (port > 65535) throw new UsageError('--port must be 0-65535');
    options.port = port;
  }
  if (values.token !== undefined) {
    const tokens: Record<string, string> = {};
    for (const entry of values.token) {
      const eq = entry.indexOf('=');
      if (eq <= 0 || eq === entry.length - 1) throw new UsageError('--token must look like TOKEN=PRINCIPAL (both non-empty)');
      tokens[entry.slice(0, eq)] = entry.slice(eq + 1);
    }
    options.tokens = tokens;
  }
  const heartbeat = number('--heartbeat-sec', values['heartbeat-sec']);
  if (heartbeat !== undefined) {
    if (heartbeat <= 0) throw new UsageError('--heartbeat-sec must be > 0');
    options.heartbeatSec = heartbeat;
  }
  const window = number('--resume-window-sec', values['resume-window-sec']);
  if (window !== undefined) options.resumeWindowSec = window;
  if (values.defect !== undefined) options.defects = knownNames('defect', values.defect, isDefectName, DEFECTS);
  if (values.variant !== undefined) options.variants = knownNames('variant', values.variant, isVariantName, VARIANTS);
  return options;
}

export interface ServeIo {
  readonly stdout: (line: string) => void;
  readonly stderr: (line: string) => void;
}

const processIo: ServeIo = {
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
};

/** Runs until SIGINT/SIGTERM; resolves to the exit code (0 clean stop, 1 start failure, 2 bad flags). */
export async function runServe(argv: string[], io: ServeIo = processIo): Promise<number> {
  let options: ReferenceOptions | 'help';
  try {
    options = parseServeArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`arcp-conformance serve: ${error.message} (see: arcp-conformance serve --help)`);
    return 2;
  }
  if (options === 'help') {
    io.stdout(USAGE);
    return 0;
  }
  let server;
  try {
    server = await startReference(options);
  } catch (error) {
    io.stderr(`serve: cannot start: ${(error as Error).message}`);
    return 1;
  }
  io.stdout(server.url);
  const switched = [['defects', options.defects ?? []], ['variants', options.variants ?? []]] as const;
  const notes = switched.filter(([, names]) => names.length > 0).map(([what, names]) => `${what}: ${names.join(', ')}`);
  io.stderr(`arcp reference runtime listening on ${server.url}${notes.length > 0 ? ` (${notes.join('; ')})` : ''}`);
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  io.stderr(`serve: ${signal}, stopping`);
  await server.stop();
  return 0;
}
