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

const BIN = join(KIT_ROOT, 'bin', 'arcp-conformance.js');
const FIXTURES = resolve(KIT_ROOT, 'cli/testing/fixtures');
const BOUND_MS = 90_000;

interface Signalled {
  readonly code: number | null;
  readonly output: string;
  readonly out: string;
}

/** Runs the command in its own process group; once `ready` matches its output, signals the group, then the process again. */
function runAndInterrupt(args: readonly string[], ready: RegExp): Promise<Signalled> {
  const cwd = mkdtempSync(join(tmpdir(), 'arcp-interrupt-'));
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ARCP_')));
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let output = '';
    let signalled = false;
    const onData = (d: Buffer): void => {
      output += d.toString();
      if (signalled || !ready.test(output) || child.pid === undefined) return;
      signalled = true;
      process.kill(-child.pid, 'SIGINT'); // a terminal's Ctrl-C: the whole foreground group
      setTimeout(() => child.exitCode === null && child.kill('SIGINT'), 200); // npx forwarding it once more
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
      done({ code, output: `${output}\n(exit ${code}, signal ${signal})`, out: join(cwd, 'arcp-conformance-report') });
    });
  });
}

describe('Interrupt', () => {
  it('takes a repeat within DUPLICATE_MS as the same signal, and quits at once on a later one', () => {
    const quits: number[] = [];
    const firsts: string[] = [];
    const interrupt = new Interrupt((s) => firsts.push(s), (code) => quits.push(code));
    expect(interrupt.exitCode).toBeUndefined();
    interrupt.receive('SIGTERM', 1000);
    interrupt.receive('SIGTERM', 1000 + DUPLICATE_MS - 1);
    expect(interrupt.signal.aborted).toBe(true);
    expect(firsts).toEqual(['SIGTERM']);
    expect(quits).toEqual([]);
    expect(interrupt.exitCode).toBe(143);
    interrupt.receive('SIGINT', 1000 + DUPLICATE_MS);
    expect(quits).toEqual([130]);
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
    for (const name of ['record.json', 'junit.xml', 'report.html']) expect(existsSync(join(run.out, name)), name).toBe(true);
    const record = JSON.parse(readFileSync(join(run.out, 'record.json'), 'utf8')) as ConformanceRecord;
    expect(record.interrupted).toMatch(/SIGINT/);
    expect(record.unfinished).toContain('cli/testing/fixtures/slow.suite.ts > waits for a frame that never comes [ENV-003]');
    expect(record.tests.filter((t) => t.verdict === 'FAIL'), run.output).toEqual([]);
    expect(run.output).not.toMatch(/Worker forks emitted error/);
    expect(readFileSync(join(run.out, 'report.html'), 'utf8')).toMatch(/interrupted/i);
  }, BOUND_MS + 10_000);
});
