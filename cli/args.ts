// A small strict flag parser: `--name value`, `--name=value`, boolean `--name`. Unknown
// flags, missing values and malformed numbers are usage errors (exit 2), never guesses.
import { UsageError } from './errors.ts';

export type FlagKind = 'string' | 'boolean' | 'integer';

export interface FlagSpec {
  readonly kind: FlagKind;
  /** For integers: the smallest accepted value. */
  readonly min?: number;
  readonly max?: number;
  /** Accepted more than once; values accumulate (strings only). */
  readonly repeatable?: boolean;
}

export type FlagSpecs = Readonly<Record<string, FlagSpec>>;

export interface ParsedArgs {
  readonly flags: ReadonlyMap<string, string | number | boolean | string[]>;
  readonly positionals: readonly string[];
}

/** Flags that look like secrets: refused with a pointer to the safe way. */
const SECRET_FLAGS = new Set(['token', 'token2', 'token-2', 'bearer', 'auth', 'password']);

function parseInteger(name: string, text: string, spec: FlagSpec, command: string): number {
  if (!/^-?\d+$/.test(text.trim())) {
    throw new UsageError(`--${name} needs an integer, got ${JSON.stringify(text)}`, helpHint(command));
  }
  const value = Number(text);
  if (!Number.isSafeInteger(value) || (spec.min !== undefined && value < spec.min) || (spec.max !== undefined && value > spec.max)) {
    const range = spec.max === undefined ? `at least ${spec.min}` : `from ${spec.min} to ${spec.max}`;
    throw new UsageError(`--${name} must be an integer ${range}, got ${text}`, helpHint(command));
  }
  return value;
}

export function helpHint(command: string): string {
  return `see: arcp-conformance ${command} --help`;
}

/**
 * Parses `argv` against the command's flags. `--help`/`-h` is always accepted. A `--`
 * ends the flags; everything after it is positional.
 */
export function parseArgs(argv: readonly string[], specs: FlagSpecs, command: string): ParsedArgs {
  const flags = new Map<string, string | number | boolean | string[]>();
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg === '-h' || arg === '--help') {
      flags.set('help', true);
      continue;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    if (!arg.startsWith('--')) {
      throw new UsageError(`unknown option ${arg} (options are spelled --name)`, helpHint(command));
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const spec = specs[name];
    if (spec === undefined) {
      if (SECRET_FLAGS.has(name)) {
        throw new UsageError(
          `tokens are never read from the command line: set ARCP_TOKEN / ARCP_TOKEN_2 or use --token-file FILE`,
        );
      }
      throw new UsageError(`unknown option --${name} for "${command}"`, helpHint(command));
    }
    let value: string | undefined = eq < 0 ? undefined : arg.slice(eq + 1);
    if (spec.kind === 'boolean') {
      if (value !== undefined) throw new UsageError(`--${name} takes no value`, helpHint(command));
      flags.set(name, true);
      continue;
    }
    if (value === undefined) {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith('--') && next.length > 2)) {
        throw new UsageError(`--${name} needs a value`, helpHint(command));
      }
      value = next;
      i++;
    }
    if (spec.kind === 'integer') {
      if (flags.has(name)) throw new UsageError(`--${name} given twice`, helpHint(command));
      flags.set(name, parseInteger(name, value, spec, command));
    } else if (spec.repeatable) {
      const previous = flags.get(name);
      flags.set(name, [...(Array.isArray(previous) ? previous : []), value]);
    } else {
      if (flags.has(name)) throw new UsageError(`--${name} given twice`, helpHint(command));
      flags.set(name, value);
    }
  }
  return { flags, positionals };
}

// Typed accessors: the spec guarantees the kind, these only narrow it for TypeScript.
export function stringFlag(args: ParsedArgs, name: string): string | undefined {
  const v = args.flags.get(name);
  return typeof v === 'string' ? v : undefined;
}

export function listFlag(args: ParsedArgs, name: string): string[] {
  const v = args.flags.get(name);
  return Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
}

export function integerFlag(args: ParsedArgs, name: string): number | undefined {
  const v = args.flags.get(name);
  return typeof v === 'number' ? v : undefined;
}

export function booleanFlag(args: ParsedArgs, name: string): boolean {
  return args.flags.get(name) === true;
}
