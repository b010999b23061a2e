// A test that would wait out a server timer past --max-wait is UNTESTABLE with its evidence:
// the frames it saw, the welcome that announced the timer highlighted, in record.json and as
// a diagram in report.html. The whole command, on the heartbeat and resume suites, against
// the embedded reference runtime with --max-wait 0.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KIT_ROOT } from '../../cli/paths.ts';
import { spawnCli } from '../../cli/testing/spawn-cli.ts';
import type { ConformanceRecord } from '../../reporters/record.ts';

const BOUND_MS = 120_000;
const TIMER_TESTS = ['HB-002', 'HB-003', 'HB-005', 'RESUME-005'];

describe('a server timer past --max-wait (subprocess)', () => {
  it('is UNTESTABLE with the frames seen and the welcome that announced the timer highlighted', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'arcp-timers-'));
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ARCP_')));
    const suites = ['suites/session/heartbeat.suite.ts', 'suites/resume/resume.suite.ts'].flatMap((s) => ['--suites', join(KIT_ROOT, s)]);
    const run = await spawnCli(['run', ...suites, '--only', TIMER_TESTS.join(','), '--max-wait', '0'], { cwd, env: { ...env, NO_COLOR: '1' }, boundMs: BOUND_MS });
    const out = join(cwd, 'arcp-conformance-report');
    const record = JSON.parse(readFileSync(join(out, 'record.json'), 'utf8')) as ConformanceRecord;
    const untestable = record.tests.filter((t) => t.verdict === 'UNTESTABLE');
    expect(untestable.flatMap((t) => t.requirements).sort(), run.stdout).toEqual([...TIMER_TESTS].sort());
    for (const t of untestable) {
      expect(t.detail, t.key).toMatch(/more than --max-wait 0/);
      const highlighted = t.evidence?.entries.filter((e) => t.evidence?.witnesses.includes(e.index)) ?? [];
      expect(highlighted.map((e) => (e.kind === 'frame' ? (e.frame as { type?: string }).type : e.kind)), t.key).toEqual(['session.welcome']);
    }
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html.match(/class="diagram"/g)).toHaveLength(untestable.length);
  }, BOUND_MS + 10_000);
});
