import { describe, expect, it } from 'vitest';
import { summaryLines, terminalSafe } from './summary.ts';
import { passed, sampleRecord, sampleTests } from './testing/sample-record.ts';

describe('summaryLines', () => {
  const lines = summaryLines(sampleRecord({ baseline: { version: 1, entries: [{ requirement: 'SEQ-001' }] } }), { color: false, width: 120 });
  const text = lines.join('\n');

  it('prints a table by area with a column per verdict', () => {
    expect(lines.find((l) => l.startsWith('Requirements by area'))).toMatch(/PASS\s+FAIL\s+WARN\s+N\/A\s+UNTESTABLE\s+BASELINED$/);
    expect(lines.find((l) => l.startsWith('CANCEL Cancellation'))).toMatch(/^CANCEL Cancellation\s+0\s+1\s+0\s+0\s+0\s+0$/);
    expect(lines.find((l) => l.startsWith('Total'))).toMatch(/^Total\s+1\s+1\s+1\s+1\s+1\s+0$/);
  });

  it('lists failures with requirement ids, detail and replay command', () => {
    expect(text).toContain('Failures (2):');
    expect(text).toMatch(/FAIL CANCEL-001 {2}one terminal per job/);
    expect(text).toContain('replay: arcp-conformance replay fixtures/cancel-42.json');
    expect(text).toMatch(/UNTESTABLE LIFE-001/);
  });

  it('reports stale baseline entries and the verdict line', () => {
    expect(text).toContain('STALE entry 0: {"requirement":"SEQ-001"} now passes; remove it.');
    expect(lines.at(-1)).toBe('FAILED: 2 failing tests: 1 FAIL, 1 UNTESTABLE; 1 stale baseline entry (remove from baseline.json)');
  });

  it('names the shards a merged record came from, and the missing ones', () => {
    const merged = summaryLines(sampleRecord({ merged: { shards: ['1/3', '3/3'], missing: ['2/3'] } }), { color: false }).join('\n');
    expect(merged).toContain('Merged from shards 1/3, 3/3.\nMissing shard: 2/3 (its tests are not in this record).');
    expect(text).not.toContain('Merged from');
  });

  it('shows a long detail whole, wrapped at words, and cuts a long title at a word', () => {
    const fix = 'needs to wait 80500 ms for the heartbeat loss (two heartbeat intervals), more than ARCP_MAX_WAIT_MS=15000; raise ARCP_MAX_WAIT_MS (or shorten the server\'s timer) to run it';
    const tests = sampleTests().map((t) =>
      t.title.startsWith('needs the agent')
        ? { ...t, title: `a job outlives a lost heartbeat and the session stays resumable for its whole window [LIFE-001]`, meta: { ...t.meta, requirements: ['LIFE-001'], outcomes: [{ id: 'LIFE-001', verdict: 'UNTESTABLE' as const, detail: fix }] } }
        : t,
    );
    const narrow = summaryLines(sampleRecord({ tests }), { color: false, width: 60 });
    const at = narrow.findIndex((l) => l.includes('UNTESTABLE LIFE-001'));
    expect(narrow[at]).toBe('  UNTESTABLE LIFE-001  a job outlives a lost heartbeat and…');
    const after = narrow.slice(at + 2);
    const detail = after.slice(0, after.findIndex((l) => !l.startsWith('       '))).map((l) => l.trim());
    expect(detail.join(' ')).toBe(fix);
    expect(detail.length).toBeGreaterThan(1);
    for (const line of after.slice(0, detail.length)) expect(line.length).toBeLessThanOrEqual(60);
  });

  it('uses no ANSI codes without colour and never passes a server escape sequence through', () => {
    expect(text).not.toContain('\u001b');
    expect(terminalSafe('a\u001b[2Jb\u0007c')).toBe('a�[2Jb�c');
    const coloured = summaryLines(sampleRecord(), { color: true }).join('\n');
    expect(coloured).toContain('\u001b[31m');
  });

  it('shows kit notes apart from the verdicts, and a test with notes still passes', () => {
    const test = passed('suites/sub.suite.ts', 'subscribe [SUB-003]', ['SUB-003']);
    const record = sampleRecord({ tests: [{ ...test, meta: { ...test.meta!, notes: ['cleanup of job j1 did not complete (not a verdict): timed out'] } }] });
    expect(record.tests[0]?.verdict).toBe('PASS');
    expect(record.tests[0]?.notes).toEqual(['cleanup of job j1 did not complete (not a verdict): timed out']);
    const shown = summaryLines(record, { color: false, width: 160 }).join('\n');
    expect(shown).toContain('Kit notes (1 test(s); never verdicts):');
    expect(shown).toContain('  cleanup of job j1 did not complete (not a verdict): timed out  (subscribe [SUB-003])');
    expect(shown).toContain('PASSED');
  });
});
