// How the catalogue's quotes relate to the drafts' text (DESIGN §5: every FAIL rests on a
// MUST sentence). Pure functions over the markdown of a draft; callers read the files.
import type { Requirement, SpecQuote } from './requirement-types.ts';

/** The RFC 2119 keywords that make a sentence a MUST (MUST NOT contains MUST). */
const MUST_KEYWORD = /\b(MUST|REQUIRED|SHALL)\b/;

/** Whether a quoted sentence carries a MUST-level keyword. */
export function isMustSentence(quote: string): boolean {
  return MUST_KEYWORD.test(quote);
}

/** The sentence a verdict on `r` rests on: for a MUST its first MUST sentence, else its first quote. */
export function decidingQuote(r: Requirement): SpecQuote {
  return (r.level === 'MUST' ? r.quotes.find((q) => isMustSentence(q.quote)) : undefined) ?? r.quotes[0];
}

/** Runs of whitespace (line breaks, indentation, table padding) collapsed to one space. */
export function normaliseWhitespace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** `1.1 §8.2.1` -> draft `1.1`, section number `8.2.1`; undefined for any other shape. */
export function parseSectionRef(ref: string): { draft: '1.0' | '1.1'; number: string } | undefined {
  const m = /^(1\.[01]) §(\d+(?:\.\d+)*)$/.exec(ref);
  return m ? { draft: m[1] as '1.0' | '1.1', number: m[2] as string } : undefined;
}

const HEADING = /^#{2,6} (\d+(?:\.\d+)*)\.? /;

/**
 * The text of one numbered section of a draft in markdown, its subsections included: from
 * its heading to the next heading that is not a subsection of it. Undefined when the
 * draft has no such heading.
 */
export function sectionText(markdown: string, number: string): string | undefined {
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => HEADING.exec(l)?.[1] === number);
  if (start < 0) return undefined;
  let end = lines.length;
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i] as string;
    if (!line.startsWith('#')) continue;
    const n = HEADING.exec(line)?.[1];
    if (n === undefined || !n.startsWith(`${number}.`)) {
      end = i;
      break;
    }
  }
  return lines.slice(start, end).join('\n');
}
