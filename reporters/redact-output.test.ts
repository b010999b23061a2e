import { describe, expect, it } from 'vitest';
import { recordToHtml } from './html.ts';
import { recordToJUnit } from './junit.ts';
import { createOutputRedactor, OUTPUT_REDACTION } from './redact-output.ts';
import { failed, sampleRecord } from './testing/sample-record.ts';

const TOKEN = 'tok-"secret"&<1>';

describe('createOutputRedactor', () => {
  const redact = createOutputRedactor([TOKEN, undefined, 'abc']);

  it('replaces the token in every form it takes in JSON, markup and URLs', () => {
    for (const form of [TOKEN, JSON.stringify(TOKEN).slice(1, -1), 'tok-&quot;secret&quot;&amp;&lt;1&gt;', encodeURIComponent(TOKEN)]) {
      expect(redact(`before ${form} after`)).toBe(`before ${OUTPUT_REDACTION} after`);
    }
  });

  it('leaves short values alone (they would mangle ordinary text) and is the identity with no secrets', () => {
    expect(redact('abc abcdef')).toBe('abc abcdef');
    expect(createOutputRedactor([])('x')).toBe('x');
  });

  it('catches a token a test leaked into every written view', () => {
    const record = sampleRecord({ tests: [failed('suites/a.suite.ts', `leak ${TOKEN} [SEQ-001]`, 'SEQ-001', `server echoed ${TOKEN}`)] });
    for (const text of [JSON.stringify(record), recordToJUnit(record), recordToHtml(record)]) {
      expect(text).toContain('secret'); // the views alone do carry it...
      expect(redact(text)).not.toContain('secret'); // ...the redactor removes every form
    }
  });
});
