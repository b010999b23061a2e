import { describe, expect, it } from 'vitest';
import { comparisonToHtml } from './compare-html.ts';
import { comparisonToMarkdown } from './compare-markdown.ts';
import { compareRecords, rowDiffers } from './compare.ts';
import { testAnchor } from './html.ts';
import { HOSTILE_TEXT } from './testing/sample-transcript.ts';
import { failed, passed, SAMPLE_CATALOGUE, sampleRecord } from './testing/sample-record.ts';

// Three servers over the sample catalogue: a clean one, one that breaks the cancel terminal,
// one that breaks the sequence (and was run without the cancel suite).
const clean = sampleRecord({
  tests: [
    passed('suites/seq.suite.ts', 'seq [SEQ-001, SEQ-002]', ['SEQ-001', 'SEQ-002']),
    passed('suites/cancel.suite.ts', 'one terminal [CANCEL-001]', ['CANCEL-001']),
  ],
});
const cancelDefect = sampleRecord({
  tests: [
    passed('suites/seq.suite.ts', 'seq [SEQ-001, SEQ-002]', ['SEQ-001', 'SEQ-002']),
    failed('suites/cancel.suite.ts', 'one terminal [CANCEL-001]', 'CANCEL-001', 'a second job.error'),
  ],
});
const seqDefect = sampleRecord({
  tests: [
    passed('suites/seq.suite.ts', 'seq strictly +1 [SEQ-001]', ['SEQ-001']),
    failed('suites/seq.suite.ts', 'seq across jobs [SEQ-002]', 'SEQ-002', `gap after #4 ${HOSTILE_TEXT}`),
  ],
  settings: { only: ['SEQ'] },
});

const comparison = compareRecords(
  [
    { label: 'reference', record: clean, reportHref: '../reference/report.html' },
    { label: 'cancel defect', record: cancelDefect, reportHref: '../cancel%20defect/report.html' },
    { label: HOSTILE_TEXT, record: seqDefect },
  ],
  SAMPLE_CATALOGUE,
);

describe('compareRecords', () => {
  it('lists the requirements any run judged, in catalogue order, one cell per server', () => {
    expect(comparison.rows.map((r) => r.id)).toEqual(['SEQ-001', 'SEQ-002', 'CANCEL-001']);
    expect(comparison.rows.map((r) => r.cells.map((c) => c.verdict ?? '-'))).toEqual([
      ['PASS', 'PASS', 'PASS'],
      ['PASS', 'PASS', 'FAIL'],
      ['PASS', 'FAIL', '-'],
    ]);
    expect(comparison.rows.map(rowDiffers)).toEqual([false, true, true]);
  });

  it("links a failing cell to the test's finding in that server's report, and nothing else", () => {
    const cancel = comparison.rows[2]?.cells[1];
    expect(cancel?.href).toBe(`../cancel%20defect/report.html#${testAnchor('suites/cancel.suite.ts > one terminal [CANCEL-001]')}`);
    expect(cancel?.detail).toBe('a second job.error');
    expect(comparison.rows[0]?.cells.some((c) => c.href !== undefined)).toBe(false);
    // A run without a report.html still shows its verdict, unlinked.
    expect(comparison.rows[1]?.cells[2]?.verdict).toBe('FAIL');
    expect(comparison.rows[1]?.cells[2]?.href).toBeUndefined();
  });

  it('sums each server: requirements by verdict and MUST failures', () => {
    expect(comparison.servers.map((s) => [s.label, s.counts.PASS, s.counts.FAIL, s.mustFailures, s.exit.code])).toEqual([
      ['reference', 3, 0, 0, 0],
      ['cancel defect', 2, 1, 1, 1],
      [HOSTILE_TEXT, 1, 1, 1, 1],
    ]);
  });

  it('says when the runs selected different requirements', () => {
    expect(comparison.notes).toEqual(['the runs selected different requirements (--only / --skip): a blank cell means not judged in that run']);
  });
});

describe('comparison views', () => {
  const html = comparisonToHtml(comparison);
  const markdown = comparisonToMarkdown(comparison);

  it('HTML: a summary row per server and a linked badge per failing cell, server text escaped', () => {
    expect(html.match(/<table class="summary">.*?<\/table>/s)?.[0].match(/<tr>/g)).toHaveLength(4);
    expect(html).toContain(`<a href="../cancel%20defect/report.html#${testAnchor('suites/cancel.suite.ts > one terminal [CANCEL-001]')}" title="a second job.error"><span class="badge FAIL">FAIL</span></a>`);
    expect(html).not.toContain(HOSTILE_TEXT);
    expect(html.split('</script>')).toHaveLength(2);
    expect(html).toContain('<tr class="area"><th colspan="6"><code>SEQ</code> Sequence</th></tr>');
  });

  it('Markdown: the same table, links on the failing cells, blanks as –', () => {
    expect(markdown).toContain('| Requirement | Level | reference | cancel defect |');
    expect(markdown).toContain(`| CANCEL-001 | MUST | PASS | [**FAIL**](../cancel%20defect/report.html#${testAnchor('suites/cancel.suite.ts > one terminal [CANCEL-001]')}) | – |`);
    expect(markdown).toContain('| [reference](../reference/report.html) | passed: no failing tests | 3 | 0 | 0 | 0 | 0 | 0 |');
    expect(markdown).not.toContain(HOSTILE_TEXT);
  });
});
