import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createOutputRedactor } from './redact-output.ts';
import { failed, sampleRecord } from './testing/sample-record.ts';
import { writeReports } from './write-reports.ts';

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
});
