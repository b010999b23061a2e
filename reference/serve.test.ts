// The serve entry point as a real process: URL on the first stdout line, a working
// endpoint, clean stop on SIGTERM, exit 2 on bad flags, never a token value in its output.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CONFORMANCE_TIMERS } from './options.ts';
import { parseServeArgs, runServe } from './serve.ts';
import { VARIANTS } from './variants.ts';
import { TestClient } from './testing/client.ts';

const ENTRY = fileURLToPath(new URL('./serve-main.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('..', import.meta.url));

function serve(args: string[]): { child: ChildProcessWithoutNullStreams; out: () => string; err: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, ...args], { cwd: ROOT, stdio: 'pipe' });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  return { child, out: () => out, err: () => err };
}

async function firstLine(child: ChildProcessWithoutNullStreams, timeoutMs = 20_000): Promise<string> {
  let buffered = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no URL line in time')), timeoutMs);
    child.stdout.on('data', (d) => {
      buffered += d;
      const nl = buffered.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        resolve(buffered.slice(0, nl));
      }
    });
    child.once('exit', () => reject(new Error('exited before printing its URL')));
  });
}

async function exitCode(child: ChildProcessWithoutNullStreams, timeoutMs = 20_000): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const [code] = await once(child, 'exit');
  clearTimeout(timer);
  return code as number | null;
}

describe('serve process', () => {
  it('prints its URL first, serves, and stops cleanly on SIGTERM', { timeout: 60_000 }, async () => {
    const secret = 'tok-do-not-print-7f3a';
    const proc = serve(['--port', '0', '--token', `${secret}=ci`, '--heartbeat-sec', '5', '--defect', 'seq-race']);
    const url = await firstLine(proc.child);
    expect(url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/arcp$/);
    const c = await TestClient.open(url, { token: secret });
    expect((c.frames[0]?.payload as { heartbeat_interval_sec: number }).heartbeat_interval_sec).toBe(5);
    const job = await c.start({ steps: [{ op: 'emit', kind: 'log', count: 3 }] });
    expect((await c.terminal(job)).type).toBe('job.result');
    await c.disconnect();
    proc.child.kill('SIGTERM');
    expect(await exitCode(proc.child)).toBe(0);
    expect(proc.out() + proc.err()).not.toContain(secret);
    expect(proc.err()).toContain('seq-race');
  });


  it('exits 2 with a clear message on bad flags, without echoing token values', { timeout: 60_000 }, async () => {
    const proc = serve(['--port', 'eighty', '--token', 'tok-hidden-99=x']);
    expect(await exitCode(proc.child)).toBe(2);
    expect(proc.err()).toContain('--port must be');
    expect(proc.out() + proc.err()).not.toContain('tok-hidden-99');
  });
});

describe('parseServeArgs', () => {
  it('--help lists every legal variant with its one line', async () => {
    const out: string[] = [];
    expect(await runServe(['--help'], { stdout: (line) => out.push(line), stderr: () => undefined })).toBe(0);
    for (const variant of VARIANTS) expect(out.join('\n')).toContain(`${variant.name.padEnd(24)}${variant.description}`);
  });

  it('maps flags to options', () => {
    expect(
      parseServeArgs(['--host', '0.0.0.0', '--port', '8080', '--token', 'a=b', '--token', 'c=d=e', '--heartbeat-sec', '0.5', '--resume-window-sec', '60', '--defect', 'seq-race', '--defect', 'list-jobs-leak', '--variant', 'ulid-ids', '--variant', 'open-subscribe']),
    ).toEqual({
      host: '0.0.0.0',
      port: 8080,
      tokens: { a: 'b', c: 'd=e' },
      heartbeatSec: 0.5,
      resumeWindowSec: 60,
      defects: ['seq-race', 'list-jobs-leak'],
      variants: ['ulid-ids', 'open-subscribe'],
    });
    expect(parseServeArgs(['--help'])).toBe('help');
  });

  it('defaults to the short timers a conformance run can wait out', () => {
    expect(parseServeArgs([])).toEqual({ heartbeatSec: CONFORMANCE_TIMERS.heartbeatSec, resumeWindowSec: CONFORMANCE_TIMERS.resumeWindowSec });
  });

  it('answers a bad flag with one line, not the whole usage', async () => {
    const lines: string[] = [];
    const code = await runServe(['--port', 'x'], { stdout: (l) => lines.push(l), stderr: (l) => lines.push(l) });
    expect(code).toBe(2);
    expect(lines).toEqual(['arcp-conformance serve: --port must be a whole number >= 0 (got "x") (see: arcp-conformance serve --help)']);
  });

  it('never echoes a stray argument (it may be a token)', () => {
    expect(() => parseServeArgs(['tok-stray-secret'])).toThrow(/unexpected argument/);
    try {
      parseServeArgs(['tok-stray-secret']);
    } catch (error) {
      expect((error as Error).message).not.toContain('tok-stray-secret');
    }
  });

  it.each([
    [['--port', '70000']],
    [['--port', '-1']],
    [['--token', 'novalue']],
    [['--token', '=x']],
    [['--heartbeat-sec', '0']],
    [['--defect', 'made-up']],
    [['--variant', 'made-up']],
    [['--bogus']],
    [['stray']],
  ])('rejects %j', (argv) => {
    expect(() => parseServeArgs(argv)).toThrow();
  });
});
