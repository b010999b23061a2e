import { describe, expect, it } from 'vitest';
import { markdownText, recordToMarkdown } from './github-summary.ts';
import { HOSTILE_TEXT } from './testing/sample-transcript.ts';
import { sampleRecord } from './testing/sample-record.ts';

describe('recordToMarkdown', () => {
  const md = recordToMarkdown(sampleRecord({ baseline: { version: 1, entries: [{ requirement: 'SEQ-001' }, { requirement: 'LIFE-001' }] } }));

  it('leads with the verdict and a table by area', () => {
    expect(md.split('\n')[0]).toBe('## ARCP conformance: ❌ failed');
    expect(md).toContain('| Area | PASS | FAIL | WARN | N/A | UNTESTABLE |');
    expect(md).toContain('| <code>CANCEL</code> Cancellation | 0 | 1 | 0 | 0 | 0 |');
  });

  it('lists failures with ids and replay commands, and stale baseline entries', () => {
    expect(md).toContain('### Failures (1)');
    expect(md).toContain('<code>CANCEL-001</code>');
    expect(md).toContain('replay: <code>arcp-conformance replay fixtures/cancel-42.json</code>');
    expect(md).toContain('**1 stale entry** (now passing, remove):');
  });

  it('names the shards of a merged record', () => {
    const merged = recordToMarkdown(sampleRecord({ merged: { shards: ['1/2'], missing: ['2/2'] } }));
    expect(merged).toContain('Merged from shards <code>1/2</code>; **missing <code>2/2</code>**.');
    expect(md).not.toContain('Merged from');
  });

  it('escapes server text so it renders as text', () => {
    expect(md).not.toContain(HOSTILE_TEXT);
    expect(md).not.toContain('<img');
    expect(markdownText('a|b <i>*x*</i>\nnext')).toBe('a\\|b &lt;i&gt;\\*x\\*&lt;/i&gt; next');
  });
});
