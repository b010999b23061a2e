// Every catalogue quote is a verbatim passage (whitespace aside) of the section it names,
// in the drafts beside the clone (../shared/arcp-spec), so quotes cannot drift from the
// spec; and every MUST quotes a MUST sentence (DESIGN §5).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decidingQuote, isMustSentence, normaliseWhitespace, parseSectionRef, sectionText } from './normative.ts';
import { REQUIREMENTS } from './requirements.ts';

const SPEC_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'shared', 'arcp-spec');
const DRAFT_FILE = { '1.0': 'draft-arcp-1.0.md', '1.1': 'draft-arcp-1.1.md' } as const;

function readDraft(draft: keyof typeof DRAFT_FILE): string {
  const path = join(SPEC_DIR, DRAFT_FILE[draft]);
  if (!existsSync(path)) {
    throw new Error(`The ARCP draft ${draft} is not at ${path}: the quote check needs the spec checkout (shared/arcp-spec) beside this repository.`);
  }
  return readFileSync(path, 'utf8');
}

describe('catalogue quotes', () => {
  const drafts = { '1.0': readDraft('1.0'), '1.1': readDraft('1.1') };

  it('are found, verbatim up to whitespace, in the section of the draft they name', () => {
    const misses: string[] = [];
    for (const r of REQUIREMENTS) {
      for (const { section, quote } of r.quotes) {
        const ref = parseSectionRef(section);
        const text = ref && sectionText(drafts[ref.draft], ref.number);
        if (text === undefined) misses.push(`${r.id}: no section ${section}`);
        else if (!normaliseWhitespace(text).includes(normaliseWhitespace(quote))) misses.push(`${r.id}: not in ${section}: ${quote}`);
      }
    }
    expect(misses).toEqual([]);
  });

  it('name the section of the entry among them', () => {
    for (const r of REQUIREMENTS) expect(r.quotes.map((q) => q.section), r.id).toContain(r.section);
  });

  it('give every MUST a sentence with MUST, MUST NOT, REQUIRED or SHALL', () => {
    const unsupported = REQUIREMENTS.filter((r) => r.level === 'MUST' && !r.quotes.some((q) => isMustSentence(q.quote)));
    expect(unsupported.map((r) => r.id)).toEqual([]);
  });
});

describe('sectionText', () => {
  const markdown = ['## 8. Events', 'intro', '### 8.2. Kinds', 'kinds', '#### 8.2.1. Progress', 'progress', '### 8.3. Order', 'order', '## Notes', 'x'].join('\n');

  it('spans the section and its subsections, up to the next sibling or unnumbered heading', () => {
    expect(sectionText(markdown, '8.2')).toBe('### 8.2. Kinds\nkinds\n#### 8.2.1. Progress\nprogress');
    expect(sectionText(markdown, '8.3')).toBe('### 8.3. Order\norder');
    expect(sectionText(markdown, '8')).toContain('order');
    expect(sectionText(markdown, '8')).not.toContain('x');
  });

  it('is undefined for a section the draft does not have', () => {
    expect(sectionText(markdown, '9')).toBeUndefined();
  });
});

describe('isMustSentence', () => {
  it('accepts MUST, MUST NOT, REQUIRED and SHALL, and nothing weaker', () => {
    expect(isMustSentence('Implementations MUST NOT mix')).toBe(true);
    expect(isMustSentence('`id` (string, REQUIRED): identifier.')).toBe(true);
    expect(isMustSentence('If `total` is present, `current` SHOULD be ≤ `total`.')).toBe(false);
    expect(isMustSentence('The runtime responds:')).toBe(false);
  });
});

describe('decidingQuote', () => {
  it('is the first MUST sentence of a MUST, and the first quote otherwise', () => {
    const must = REQUIREMENTS.find((r) => r.id === 'HELLO-001');
    const should = REQUIREMENTS.find((r) => r.id === 'CLOSE-001');
    expect(must && decidingQuote(must).quote).toBe('The runtime MUST issue a `resume_token` opaque to the client.');
    expect(should && decidingQuote(should)).toEqual(should?.quotes[0]);
  });
});
