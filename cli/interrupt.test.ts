// Interrupts end cleanly: the command signalled the way a terminal does (SIGINT to its whole
// process group, workers included) and the way npx does (the same signal forwarded once more)
// stops its workers, writes the partial reports marked interrupted, adds no verdict, and exits
// 130 once they are on disk.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ConformanceRecord } from '../reporters/record.ts';
import { DUPLICATE_MS, Interrupt, isWorkerLoss } from './interrupt.ts';
import { KIT_ROOT } from './paths.ts';
import { alive } from '../suites/leak/server-process.ts';

const BIN = join(KIT_ROOT, 'bin', 'arcp-conformance.js');
const FIXTURES = resolve(KIT_ROOT, 'cli/testing/fixtures');
const BOUND_MS = 90_000;

interface Signalled {
  readonly code: number | null;
  readonly output: string;
  readonly out: string;
}

/** Sends signals to the command: `group` to its whole process group, `process` to it alone. */
type Send = (pid: number, to: { group: (signal: NodeJS.Signals) => void; process: (signal: NodeJS.Signals) => void }) => void;

/** A terminal's Ctrl-C (the whole foreground group), and npx forwarding it once more. */
const ctrlCThroughNpx: Send = (_pid, to) => {
  to.group('SIGINT');
  setTimeout(() => to.process('SIGINT'), 200);
};

/** Runs the command in its own process group; once `ready` matches its output (or holds), `send` signals it. */
function runAndInterrupt(args: readonly string[], ready: RegExp | (() => boolean), send: Send = ctrlCThroughNpx): Promise<Signalled> {
  const cwd = mkdtempSync(join(tmpdir(), 'arcp-interrupt-'));
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ARCP_')));
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...env, NO_COLOR: '1', ARCP_TOKEN: 'tok-alice' }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let output = '';
    let signalled = false;
    const running = (): boolean => child.exitCode === null && child.signalCode === null;
    const isReady = (): boolean => (typeof ready === 'function' ? ready() : ready.test(output));
    const check = (): void => {
      if (signalled || !isReady() || child.pid === undefined) return;
      signalled = true;
      clearInterval(poll);
      const pid = child.pid;
      send(pid, {
        group: (signal) => running() && process.kill(-pid, signal),
        process: (signal) => running() && process.kill(pid, signal),
      });
    };
    const poll = setInterval(check, 50);
    const onData = (d: Buffer): void => {
      output += d.toString();
      check();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      fail(new Error(`not finished within ${BOUND_MS} ms:\n${output.slice(-3000)}`));
    }, BOUND_MS);
    child.on('error', fail);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      clearInterval(poll);
      done({ code, output: `${output}\n(exit ${code}, signal ${signal})`, out: join(cwd, 'arcp-conformance-report') });
    });
  });
}

function readRecord(out: string): ConformanceRecord {
  for (const name of ['record.json', 'junit.xml', 'report.html']) expect(existsSync(join(out, name)), name).toBe(true);
  return JSON.parse(readFileSync(join(out, 'record.json'), 'utf8')) as ConformanceRecord;
}

describe('Interrupt', () => {
  it('takes a repeat within DUPLICATE_MS as the same signal; a later one hurries the stop, and the process ends within the bound', async () => {
    const firsts: string[] = [];
    const hurried: string[] = [];
    let quit: (code: number) => void = () => undefined;
    const quits = new Promise<number>((resolve) => (quit = resolve));
    const interrupt = new Interrupt((s) => firsts.push(s), { quit, onHurry: (s) => hurried.push(s), hurryBoundMs: 10 });
    expect(interrupt.exitCode).toBeUndefined();
    interrupt.receive('SIGTERM', 1000);
    interrupt.receive('SIGTERM', 1000 + DUPLICATE_MS - 1);
    expect(interrupt.signal.aborted).toBe(true);
    expect(interrupt.hurry.aborted).toBe(false);
    expect(firsts).toEqual(['SIGTERM']);
    expect(interrupt.exitCode).toBe(143);
    interrupt.receive('SIGINT', 1000 + DUPLICATE_MS);
    interrupt.receive('SIGINT', 1000 + 3 * DUPLICATE_MS);
    expect(interrupt.hurry.aborted).toBe(true);
    expect(hurried).toEqual(['SIGINT']);
    // The exit code stays the first signal's.
    expect(await quits).toBe(143);
  });

  it('knows a worker the signal killed from a finding', () => {
    expect(isWorkerLoss({ origin: 'run-error', file: '(run)', message: 'unhandled error: [vitest-pool]: Worker forks emitted error.' })).toBe(true);
    expect(isWorkerLoss({ origin: 'run-error', file: '(run)', message: 'unhandled error: TypeError: x is undefined' })).toBe(false);
    expect(isWorkerLoss({ origin: 'load-error', file: 'a.suite.ts', message: 'Worker exited unexpectedly' })).toBe(false);
  });
});

describe('arcp-conformance run, interrupted (subprocess)', () => {
  it('writes partial reports marked interrupted, adds no FAIL, and exits 130 after they are on disk', async () => {
    const run = await runAndInterrupt(['--suites', join(FIXTURES, 'passing.suite.ts'), '--suites', join(FIXTURES, 'slow.suite.ts')], /\b[1-9]\d*\/\d+ tests\b/);
    expect(run.code, run.output.split('\n').join(' | ')).toBe(130);
    const record = readRecord(run.out);
    expect(record.interrupted).toMatch(/SIGINT/);
    expect(record.unfinished).toContain('cli/testing/fixtures/slow.suite.ts > waits for a frame that never comes [ENV-003]');
    expect(record.tests.filter((t) => t.verdict === 'FAIL'), run.output).toEqual([]);
    expect(run.output).not.toMatch(/Worker forks emitted error/);
    expect(readFileSync(join(run.out, 'report.html'), 'utf8')).toMatch(/interrupted/i);
  }, BOUND_MS + 10_000);

  it('asked again later, still writes the reports marked interrupted and stops the server it started', async () => {
    const pidFile = join(mkdtempSync(join(tmpdir(), 'arcp-interrupt-server-')), 'pid');
    // A server slow to start: both signals come while the kit waits for its URL, the second
    // well after DUPLICATE_MS (a user asking again). exec: the shell's pid becomes the server's.
    const serverCmd = `echo $$ > '${pidFile}'; sleep ${(2 * DUPLICATE_MS) / 1000 + 1}; exec '${process.execPath}' '${BIN}' serve --port 0`;
    const run = await runAndInterrupt(['--server-cmd', serverCmd, '--suites', join(FIXTURES, 'passing.suite.ts')], () => existsSync(pidFile), (_pid, to) => {
      to.process('SIGINT');
      setTimeout(() => to.process('SIGINT'), DUPLICATE_MS + 500);
    });
    expect(run.code, run.output.split('\n').join(' | ')).toBe(130);
    expect(run.output).toMatch(/SIGINT again: not waiting for the tests under way/);
    const record = readRecord(run.out);
    expect(record.interrupted).toMatch(/SIGINT/);
    expect(record.tests.filter((t) => t.verdict === 'FAIL'), run.output).toEqual([]);
    const serverPid = Number(readFileSync(pidFile, 'utf8').trim());
    expect(serverPid).toBeGreaterThan(0);
    expect(alive(serverPid)).toBe(false);
  }, BOUND_MS + 10_000);
});
