// A baseline written from one run passes the next run of the same server, when the failure
// is a concurrency defect found by chance (reference defect seq-race: seq stamped, then an
// async hop of random length, then enqueued): the second run sees it with other frames,
// other sessions and other messages. `node bin/arcp-conformance.js` in a subprocess.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Baseline } from '../reporters/baseline.ts';
import type { ConformanceRecord } from '../reporters/record.ts';
import { KIT_ROOT } from './paths.ts';
import { spawnCli } from './testing/spawn-cli.ts';

const BOUND_MS = 180_000;
const SELECTION = ['--suites', join(KIT_ROOT, 'suites/events/sequence.suite.ts'), '--only', 'SEQ-002', '--defect', 'seq-race'];

async function run(args: string[], out: string) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ARCP_')));
  const result = await spawnCli(['run', ...SELECTION, '--out', out, ...args], { cwd: KIT_ROOT, env: { ...clean, NO_COLOR: '1' }, boundMs: BOUND_MS });
  return { ...result, record: JSON.parse(readFileSync(join(out, 'record.json'), 'utf8')) as ConformanceRecord };
}

describe('a written baseline on the next run of the same server', () => {
  it('passes when the same requirements fail again with other messages', { timeout: 2 * BOUND_MS + 10_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'arcp-baseline-rerun-'));
    const file = join(dir, 'baseline.json');
    const first = await run(['--write-baseline', file], join(dir, 'first'));
    expect(first.code).toBe(1);
    const written = JSON.parse(readFileSync(file, 'utf8')) as Baseline;
    expect(written.entries.map((e) => e.requirement)).toEqual(['SEQ-002']);

    const second = await run(['--baseline', file], join(dir, 'second'));
    const failing = (r: ConformanceRecord) => r.tests.filter((t) => t.failingRequirements.length > 0);
    // The same defect, seen again: other messages, and the baseline absorbs every failure.
    expect(failing(second.record).length).toBeGreaterThan(0);
    expect(failing(second.record).map((t) => t.detail)).not.toEqual(failing(first.record).map((t) => t.detail));
    expect(second.stdout).toContain('PASSED: no failing tests');
    expect(second.code).toBe(0);
  });
});
