// Starts a server under test from a shell command (`--server-cmd`), so the kit knows its
// process and can sample its memory: the URL is the first line the command prints on stdout.
// The pid returned is the process that listens on the URL's port (found in /proc), not the
// shell or an `npx` wrapper around it, whose memory says nothing about the server's.
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

export interface LaunchOptions {
  /** Bound for the first stdout line. */
  readonly timeoutMs: number;
  /** Bound between SIGTERM and SIGKILL in stop() (default 3000 ms). */
  readonly stopGraceMs?: number;
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Applied to the server's stderr before it is quoted in an error (it may print secrets). */
  readonly redact?: (text: string) => string;
}

export interface LaunchedServer {
  /** The WebSocket URL the command printed. */
  readonly url: string;
  /** The process listening on the URL's port (the shell's pid when it cannot be told). */
  readonly pid: number;
  /** The shell the command runs in (the process group leader). */
  readonly shellPid: number;
  /** SIGTERM to the whole process group, SIGKILL after the grace bound; resolves when it has exited. */
  stop(): Promise<void>;
}

export class LaunchError extends Error {
  override readonly name = 'LaunchError';
}

const STDERR_TAIL_CHARS = 2000;
const PID_LOOKUP_TRIES = 20;

/** Child pids of `pid` (every thread's), from /proc. Empty when unknown. */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const text = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
      if (text !== '') out.push(...text.split(/\s+/).map(Number));
    }
  } catch {
    // Gone, or no /proc: no children known.
  }
  return out;
}

/** `root` and its descendants (up to 256), from /proc. */
export function processTree(root: number): number[] {
  const seen: number[] = [];
  const queue = [root];
  while (queue.length > 0 && seen.length < 256) {
    const pid = queue.shift() as number;
    seen.push(pid);
    queue.push(...childrenOf(pid));
  }
  return seen;
}

/** Inodes of sockets listening on `port` (IPv4 and IPv6), from /proc/net. */
function listeningInodes(port: number): Set<string> {
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      const local = cols[1];
      if (local === undefined || cols[3] !== '0A') continue; // 0A: LISTEN
      if (Number.parseInt(local.slice(local.lastIndexOf(':') + 1), 16) === port && cols[9] !== undefined) inodes.add(cols[9]);
    }
  }
  return inodes;
}

function holdsSocket(pid: number, inodes: ReadonlySet<string>): boolean {
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return false;
  }
  for (const fd of fds) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m !== null && inodes.has(m[1] as string)) return true;
    } catch {
      // The fd closed meanwhile.
    }
  }
  return false;
}

/** The process of the tree under `root` that listens on `port`; undefined when /proc cannot tell. */
export function findListeningProcess(root: number, port: number): number | undefined {
  const inodes = listeningInodes(port);
  if (inodes.size === 0) return undefined;
  return processTree(root).find((pid) => holdsSocket(pid, inodes));
}

function portOf(url: URL): number {
  if (url.port !== '') return Number(url.port);
  return url.protocol === 'wss:' ? 443 : 80;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Whether a process with this pid exists (one we may not signal counts). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Resolves true once `pid` is gone, false if it is still there after `ms`. */
async function goneWithin(pid: number, ms: number): Promise<boolean> {
  const deadline = performance.now() + ms;
  while (alive(pid)) {
    if (performance.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

function signalPid(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone.
  }
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-(child.pid as number), signal); // the group: the shell and everything it started
  } catch {
    try {
      child.kill(signal);
    } catch {
      // Already gone.
    }
  }
}

/**
 * Runs `cmd` through the shell in its own process group and waits (bounded) for the URL on
 * its first stdout line. Rejects with a LaunchError that says what happened instead (no
 * line in time, the command exited, the line is not a ws:// URL), quoting the end of stderr.
 */
export async function launchServer(cmd: string, options: LaunchOptions): Promise<LaunchedServer> {
  if (cmd.trim() === '') throw new LaunchError('--server-cmd is empty');
  const redact = options.redact ?? ((text: string) => text);
  const child = spawn(cmd, {
    shell: true,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    ...(options.env === undefined ? {} : { env: options.env }),
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_TAIL_CHARS);
  });
  const graceMs = options.stopGraceMs ?? 3000;
  let serverPid: number | undefined;
  let stopping: Promise<void> | undefined;
  // However this process ends before stop() (process.exit on an interrupt's bound, a crash),
  // the server it started goes with it: only synchronous work runs on 'exit'.
  const killOnExit = (): void => {
    signalGroup(child, 'SIGKILL');
    if (serverPid !== undefined) signalPid(serverPid, 'SIGKILL');
  };
  process.once('exit', killOnExit);
  // The shell may exit before the server it started: wait for both, SIGKILL after the grace.
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      const shellGone = child.exitCode !== null || child.signalCode !== null;
      if (shellGone && (serverPid === undefined || !alive(serverPid))) return;
      signalGroup(child, 'SIGTERM');
      if (serverPid !== undefined && serverPid !== child.pid) signalPid(serverPid, 'SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const graceOver = new Promise<'grace'>((resolve) => {
        timer = setTimeout(() => resolve('grace'), graceMs);
      });
      const allGone = Promise.all([exited(child), serverPid === undefined ? true : goneWithin(serverPid, graceMs)]);
      const outcome = await Promise.race([allGone, graceOver]);
      clearTimeout(timer);
      if (outcome === 'grace') {
        signalGroup(child, 'SIGKILL');
        if (serverPid !== undefined) signalPid(serverPid, 'SIGKILL');
        await exited(child);
        if (serverPid !== undefined) await goneWithin(serverPid, 1000);
      }
    })().finally(() => process.off('exit', killOnExit));
    return stopping;
  };
  const describeStderr = (): string => {
    const tail = redact(stderr.trim());
    return tail === '' ? '' : `; its stderr ends with: ${tail.slice(-500)}`;
  };

  let firstLine: string;
  try {
    firstLine = await new Promise<string>((resolve, reject) => {
      let buffered = '';
      const onExit = (code: number | null, signal: NodeJS.Signals | null): void =>
        fail(new LaunchError(`the server command exited (${signal ?? `code ${code}`}) before printing its URL${describeStderr()}`));
      const onData = (chunk: string): void => {
        buffered += chunk;
        const newline = buffered.indexOf('\n');
        if (newline < 0) return;
        cleanup();
        resolve(buffered.slice(0, newline).trim());
      };
      const timer = setTimeout(
        () => fail(new LaunchError(`the server command printed no URL line on stdout within ${options.timeoutMs} ms${describeStderr()}`)),
        options.timeoutMs,
      );
      const cleanup = (): void => {
        clearTimeout(timer);
        child.off('exit', onExit);
        child.stdout?.off('data', onData);
      };
      const fail = (error: LaunchError): void => {
        cleanup();
        reject(error);
      };
      child.once('error', (error) => fail(new LaunchError(`cannot run the server command: ${error.message}`)));
      child.on('exit', onExit);
      child.stdout?.setEncoding('utf8');
      child.stdout?.on('data', onData);
    });
  } catch (error) {
    await stop();
    throw error;
  }
  child.on('error', () => undefined); // a late spawn error must not crash the kit
  child.stdout?.resume(); // keep draining, so a chatty server never blocks on a full pipe

  let url: URL;
  try {
    url = new URL(firstLine);
    if (url.protocol !== 'ws:' && url.protocol !== 'wss:') throw new Error('not ws');
  } catch {
    await stop();
    throw new LaunchError(`the server command's first stdout line is not a ws:// or wss:// URL (got ${JSON.stringify(redact(firstLine).slice(0, 200))})`);
  }
  const shellPid = child.pid as number;
  let pid: number | undefined;
  // The listener may be a grandchild that is still binding: look a few times.
  for (let k = 0; k < PID_LOOKUP_TRIES && pid === undefined; k += 1) {
    pid = findListeningProcess(shellPid, portOf(url));
    if (pid === undefined) await new Promise((resolve) => setTimeout(resolve, 25));
  }
  serverPid = pid;
  return { url: firstLine, pid: pid ?? shellPid, shellPid, stop };
}
