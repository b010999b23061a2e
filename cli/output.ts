// Where the command's text goes. Results (summary, listings) go to stdout; progress,
// diagnostics and errors to stderr. Everything passes the output redactor, and lines
// printed while the progress line is showing go above it.
import type { ProgressDisplay, ProgressStream } from '../reporters/progress.ts';
import type { OutputRedactor } from '../reporters/redact-output.ts';

export interface Stream extends ProgressStream {
  write(text: string): unknown;
}

export interface Output {
  /** A result line on stdout. */
  print(text: string): void;
  /** A status line (target, files written) on stdout. */
  info(text: string): void;
  /** Only with --debug, on stderr. */
  debug(text: string): void;
  /** One error line on stderr. */
  error(text: string): void;
  setDebug(on: boolean): void;
  setRedactor(redact: OutputRedactor): void;
  setProgress(progress: ProgressDisplay | undefined): void;
  /** Progress rewrites one line in place (stderr is a TTY). */
  readonly interactive: boolean;
  /** Colours in the summary (stdout is a TTY and NO_COLOR is unset). */
  readonly color: boolean;
  readonly columns: number;
  readonly progressStream: ProgressStream;
}

const pipeGuarded = new WeakSet<NodeJS.WriteStream>();

/**
 * `arcp-conformance list | head`: a closed pipe ends the output, not the process with a stack.
 * (Marked per stream: tsx's loader already listens for errors on stdout, so a listener count says nothing.)
 */
function ignoreClosedPipe(stream: NodeJS.WriteStream): void {
  if (pipeGuarded.has(stream)) return;
  pipeGuarded.add(stream);
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}

export function createOutput(
  stdout: Stream = process.stdout,
  stderr: Stream = process.stderr,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Output {
  if (stdout === process.stdout) ignoreClosedPipe(process.stdout);
  if (stderr === process.stderr) ignoreClosedPipe(process.stderr);
  let redact: OutputRedactor = (t) => t;
  let debugging = false;
  let progress: ProgressDisplay | undefined;
  const line = (text: string): string => (text.endsWith('\n') ? text : `${text}\n`);
  const toStderr = (text: string): void => {
    const safe = redact(text);
    if (progress) progress.log(safe);
    else stderr.write(line(safe));
  };
  return {
    print: (text) => stdout.write(line(redact(text))),
    info: (text) => stdout.write(line(redact(text))),
    debug: (text) => {
      if (debugging) toStderr(text);
    },
    error: toStderr,
    setDebug: (on) => {
      debugging = on;
    },
    setRedactor: (r) => {
      redact = r;
    },
    setProgress: (p) => {
      progress = p;
    },
    interactive: stderr.isTTY === true,
    color: stdout.isTTY === true && (env.NO_COLOR ?? '') === '',
    // A pseudo-terminal without a size reports 0 columns.
    columns: stdout.columns || 100,
    progressStream: { write: (text: string) => stderr.write(redact(text)), isTTY: stderr.isTTY === true, columns: stderr.columns || 100 },
  };
}
