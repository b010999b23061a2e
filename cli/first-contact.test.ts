// What a newcomer does after reading the README, as a subprocess: start `serve`, run the kit
// against it (the timer checks pass with serve's defaults), `list` (read from the suite map,
// no suite loaded), `list --json | head` (ends quietly), and a mistyped serve flag (one line).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ConformanceRecord } from '../reporters/record.ts';
import { KIT_ROOT } from './paths.ts';
import { spawnCli } from './testing/spawn-cli.ts';

const BIN = join(KIT_ROOT, 'bin', 'arcp-conformance.js');
const BOUND_MS = 150_000;
const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ARCP_')));
const cli = (args: string[], env: Record<string, string> = {}) =>
  spawnCli(args, { cwd: mkdtempSync(join(tmpdir(), 'arcp-first-')), env: { ...clean, NO_COLOR: '1', ...env }, boundMs: BOUND_MS });

describe('first contact', () => {
  it('serve, then run against it: the heartbeat and resume-window checks run and pass', { timeout: BOUND_MS + 10_000 }, async () => {
    const out = mkdtempSync(join(tmpdir(), 'arcp-first-run-'));
    const serve = `"${process.execPath}" "${BIN}" serve --port 0`;
    const result = await cli(['run', '--server-cmd', serve, '--only', 'HB,RESUME-005', '--out', out], { ARCP_TOKEN: 'tok-alice', ARCP_TOKEN_2: 'tok-bob' });
    const record = JSON.parse(readFileSync(join(out, 'record.json'), 'utf8')) as ConformanceRecord;
    expect(record.tests.filter((t) => t.verdict !== 'PASS').map((t) => `${t.verdict} ${t.title}: ${t.detail ?? ''}`)).toEqual([]);
    expect(record.requirements.map((r) => r.id)).toEqual(expect.arrayContaining(['HB-002', 'HB-003', 'RESUME-005']));
    expect(result.code).toBe(0);
  });

  it('list answers from the suite map, and `list --json | head` ends quietly', async () => {
    const listed = await cli(['list']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^Requirement catalogue \S+: \d+ requirements, \d+ tests$/m);
    const closed = await new Promise<{ code: number | null; stderr: string }>((done) => {
      const child = spawn(process.execPath, [BIN, 'list', '--json'], { cwd: KIT_ROOT, env: clean, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.stdout.destroy(); // a reader that is gone before the output comes: `| head` at its worst
      child.on('close', (code) => done({ code, stderr }));
    });
    expect(closed.stderr).toBe('');
    expect(closed.code).toBe(0);
  });

  it('a mistyped serve flag is one line, not the whole usage', async () => {
    const result = await cli(['serve', '--prot', '8080']);
    expect(result.code).toBe(2);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^arcp-conformance serve: .*--prot.* \(see: arcp-conformance serve --help\)\n$/);
  });
});
