// The `arcp-conformance` command: dispatches to run (the default), merge, compare, replay,
// list, serve and help. Usage and configuration problems print one line and exit 2; a stack trace only
// with --debug. Command modules load lazily so `--help` stays fast.
import { EXIT_USAGE, UsageError, oneLine } from './errors.ts';
import { COMPARE_HELP, HELP_HELP, LIST_HELP, MAIN_HELP, MERGE_HELP, REPLAY_HELP, RUN_HELP } from './help.ts';
import { createOutput, type Output } from './output.ts';

export const COMMANDS = ['run', 'merge', 'compare', 'replay', 'list', 'serve', 'help'] as const;
type Command = (typeof COMMANDS)[number];

function isCommand(value: string): value is Command {
  return (COMMANDS as readonly string[]).includes(value);
}

async function runServe(argv: readonly string[]): Promise<number> {
  let serve: { runServe?: (argv: string[]) => Promise<number> };
  try {
    serve = await import('../reference/serve.ts');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') {
      throw new UsageError('serve is not available yet: reference/serve.ts is missing');
    }
    throw error;
  }
  if (typeof serve.runServe !== 'function') throw new UsageError('serve is not available yet: reference/serve.ts exports no runServe');
  return serve.runServe([...argv]);
}

async function help(topic: string | undefined, out: Output): Promise<number> {
  const texts: Record<string, string> = { run: RUN_HELP, merge: MERGE_HELP, compare: COMPARE_HELP, replay: REPLAY_HELP, list: LIST_HELP, help: HELP_HELP };
  if (topic === undefined) out.print(MAIN_HELP);
  else if (topic === 'serve') return runServe(['--help']);
  else if (texts[topic] !== undefined) out.print(texts[topic]);
  else throw new UsageError(`no help for "${topic}": commands are ${COMMANDS.join(', ')}`);
  return 0;
}

async function version(out: Output): Promise<number> {
  const { catalogue, kitInfo } = await import('./catalogue.ts');
  const kit = kitInfo();
  out.print(`${kit.name} ${kit.version} (requirement catalogue ${catalogue().version})`);
  return 0;
}

async function dispatch(argv: readonly string[], out: Output): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) return (await import('./run-command.ts')).runCommand([], out);
  if (first === '--help' || first === '-h') return help(undefined, out);
  if (first === '--version') return version(out);
  if (!first.startsWith('-') && !isCommand(first)) {
    throw new UsageError(`unknown command "${first}" (commands: ${COMMANDS.join(', ')})`, 'see: arcp-conformance --help');
  }
  const command: Command = isCommand(first) ? first : 'run';
  const args = isCommand(first) ? rest : argv;
  switch (command) {
    case 'run':
      return (await import('./run-command.ts')).runCommand(args, out);
    case 'merge':
      return (await import('./merge-command.ts')).mergeCommand(args, out);
    case 'compare':
      return (await import('./compare-command.ts')).compareCommand(args, out);
    case 'replay':
      return (await import('./replay-command.ts')).replayCommand(args, out);
    case 'list':
      return (await import('./list-command.ts')).listCommand(args, out);
    case 'serve':
      return runServe(args);
    case 'help':
      if (args.length > 1) throw new UsageError('help takes at most one command name');
      return help(args[0] === '--help' || args[0] === '-h' ? 'help' : args[0], out);
  }
}

/** Runs the command line; resolves with the exit code. Never throws. */
export async function main(argv: readonly string[], out: Output = createOutput()): Promise<number> {
  const debug = argv.includes('--debug');
  try {
    return await dispatch(argv, out);
  } catch (error) {
    if (error instanceof UsageError) {
      out.error(`arcp-conformance: ${oneLine(error)}${error.hint ? ` (${error.hint})` : ''}`);
      if (debug && error.stack) out.error(error.stack);
      return EXIT_USAGE;
    }
    // Anything else is a bug in the kit (or its environment): still one line, and exit 2
    // because no verdict about the server was reached.
    out.error(`arcp-conformance: internal error: ${oneLine(error)}${debug ? '' : ' (run with --debug for the stack trace)'}`);
    if (debug && error instanceof Error && error.stack) out.error(error.stack);
    return EXIT_USAGE;
  }
}
