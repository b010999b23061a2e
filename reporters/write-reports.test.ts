import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createOutputRedactor } from './redact-output.ts';
import { failed, sampleRecord } from './testing/sample-record.ts';
import { writeReports } from './write-reports.ts';
import type { ConformanceRecord } from './record.ts';

describe('writeReports', () => {
  const dir = mkdtempSync(join(tmpdir(), 'arcp-reports-'));
  const record = sampleRecord({ tests: [failed('suites/a.suite.ts', 'a [SEQ-001]', 'SEQ-001', 'echoed tok-secret-123')] });
  const redact = createOutputRedactor(['tok-secret-123']);

  it('writes each view where it is sent, creating directories, every text redacted', () => {
    const targets = { json: join(dir, 'a/record.json'), junit: join(dir, 'b/junit.xml'), html: join(dir, 'c/report.html') };
    const result = writeReports(record, targets, redact, {});
    expect(result.written.map((w) => w.kind)).toEqual(['json', 'junit', 'html']);
    for (const path of Object.values(targets)) {
      const text = readFileSync(path, 'utf8');
      expect(text).toContain('echoed [redacted]');
      expect(text).not.toContain('tok-secret-123');
    }
    expect(JSON.parse(readFileSync(targets.json, 'utf8')).version).toBe(1);
  });

  it('appends the step summary to $GITHUB_STEP_SUMMARY, and says so when it is not set', () => {
    const summary = join(dir, 'step-summary.md');
    writeFileSync(summary, '# earlier step\n');
    expect(writeReports(record, { github: 'step-summary' }, redact, { GITHUB_STEP_SUMMARY: summary }).written).toEqual([{ kind: 'github', path: summary }]);
    const text = readFileSync(summary, 'utf8');
    expect(text.startsWith('# earlier step\n## ARCP conformance: ❌ failed')).toBe(true);
    const none = writeReports(record, { github: 'step-summary' }, redact, {});
    expect(none.written).toEqual([]);
    expect(none.notes).toEqual(['GITHUB_STEP_SUMMARY is not set (not on GitHub Actions?): the step summary was not written']);
  });

  it('streams record.json in JSON.stringify’s layout', () => {
    const path = join(dir, 'stream/record.json');
    writeReports(record, { json: path }, redact, {});
    expect(readFileSync(path, 'utf8')).toBe(redact(`${JSON.stringify(record, null, 2)}\n`));
  });

  it('holds the evidence to its budget and says what it cut', () => {
    // 40 failures, each with 50 entries of ~20 KB: ~40 MB of evidence, over the 32 MiB budget.
    const frame = { type: 'job.event', payload: { kind: 'log', body: { message: 'x'.repeat(20_000) } } };
    const entries = Array.from({ length: 50 }, (_, index) => ({ kind: 'frame', index, conn: 'c1', dir: 'in', t: index, frame, bytes: 20_100, verdict: { valid: true } }));
    const tests = Array.from({ length: 40 }, (_, k) =>
      failed('suites/a.suite.ts', `t${k} [SEQ-001]`, 'SEQ-001', 'broke', { evidence: { transcript: entries, witnesses: [10] } }),
    );
    const big = sampleRecord({ tests });
    const targets = { json: join(dir, 'big/record.json'), html: join(dir, 'big/report.html') };
    const result = writeReports(big, targets, redact, {});
    expect(result.written.map((w) => w.kind)).toEqual(['json', 'html']);
    expect(result.notes.join(' ')).toMatch(/the evidence passed its budget of \d+ characters: \d+ failure\(s\) keep only their witness frames/);
    const written = JSON.parse(readFileSync(targets.json, 'utf8')) as ConformanceRecord;
    expect(written.elided?.trimmed).toBeGreaterThan(0);
    expect(readFileSync(targets.json, 'utf8').length).toBeLessThan(2 * 32 * 1024 * 1024 + 1024 * 1024);
    const trimmed = written.tests.find((t) => t.evidence?.entries.length === 1);
    expect(trimmed?.evidence?.entries[0]?.index).toBe(10);
    expect(trimmed?.evidence?.omitted).toBe(49);
    expect(readFileSync(targets.html, 'utf8')).toContain('The evidence passed its budget');
  });
});
