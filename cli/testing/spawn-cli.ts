// Runs the command as a vendor does, `node bin/arcp-conformance.js ...`, in a subprocess,
// for the tests that judge it from outside: the exit code and everything it printed.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { KIT_ROOT } from '../paths.ts';

const BIN = join(KIT_ROOT, 'bin', 'arcp-conformance.js');

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface SpawnOptions {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** Past it the process is killed and the promise rejects with what it had printed. */
  readonly boundMs: number;
}

export function spawnCli(args: readonly string[], options: SpawnOptions): Promise<CliResult> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`arcp-conformance ${args.join(' ')} did not finish within ${options.boundMs} ms:\n${stdout.slice(-2000)}\n${stderr.slice(-2000)}`));
    }, options.boundMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      fail(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}
