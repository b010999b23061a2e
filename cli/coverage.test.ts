import { describe, expect, it } from 'vitest';
import { SAMPLE_CATALOGUE } from '../reporters/testing/sample-record.ts';
import { REQUIREMENTS } from '../spec/requirements.ts';
import { buildListing, LISTING_WIDTH, listingLines, wrapWords } from './coverage.ts';

describe('buildListing', () => {
  const catalogue = {
    ...SAMPLE_CATALOGUE,
    requirements: SAMPLE_CATALOGUE.requirements.map((r) => (r.id === 'SEQ-002' ? { ...r, observable: false } : r)),
  };

  it('maps ids to tests and counts observable MUSTs with a test per area', () => {
    const listing = buildListing(catalogue, [
      { file: 'suites/a.suite.ts', title: 't1', requirements: ['SEQ-001', 'CLOSE-001'] },
      { file: 'suites/a.suite.ts', title: 't2', requirements: ['SEQ-001', 'BOGUS-001'] },
    ]);
    expect(listing.requirements.find((r) => r.id === 'SEQ-001')?.tests).toEqual(['suites/a.suite.ts > t1', 'suites/a.suite.ts > t2']);
    const seq = listing.areas.find((a) => a.area === 'SEQ');
    // SEQ-002 is not observable, so it does not count.
    expect(seq).toMatchObject({ requirements: 2, observableMusts: 1, coveredObservableMusts: 1, covered: 1 });
    // CLOSE-001 is a SHOULD: covered, but not an observable MUST.
    expect(listing.areas.find((a) => a.area === 'CLOSE')).toMatchObject({ observableMusts: 0, covered: 1 });
    expect(listing.total).toEqual({ requirements: 8, observableMusts: 6, coveredObservableMusts: 1, covered: 2 });
    expect(listing.unknownIds).toEqual(['BOGUS-001']);
  });

  it('works with no tests at all: zero coverage, every requirement listed', () => {
    const listing = buildListing(catalogue, []);
    expect(listing.total.coveredObservableMusts).toBe(0);
    const lines = listingLines(listing);
    expect(lines[0]).toBe('Requirement catalogue test-catalogue: 8 requirements, 0 tests');
    expect(lines.find((l) => l.startsWith('TOTAL'))).toMatch(/0\/6\s+0%$/);
  });
});

describe('listingLines: the sentences each requirement rests on', () => {
  const catalogue = { ...SAMPLE_CATALOGUE, requirements: REQUIREMENTS };

  it('prints under each requirement its text and every quote with its section', () => {
    const lines = listingLines(buildListing(catalogue, []));
    const start = lines.findIndex((l) => l.startsWith('EVT-007 '));
    const block = lines.slice(start, lines.findIndex((l, i) => i > start && /^[A-Z]+-\d{3} /.test(l))).join('\n');
    expect(block).toContain('In progress events that carry `total`');
    expect(block).toContain('> 1.1 §8.2.1: "If `total` is present, `current` SHOULD be ≤ `total`."');
  });

  it('fits every line of the real catalogue in 100 columns', () => {
    const lines = listingLines(buildListing(catalogue, []));
    expect(lines.filter((l) => l.length > LISTING_WIDTH)).toEqual([]);
  });
});

describe('wrapWords', () => {
  it('breaks at spaces within the width and keeps every word', () => {
    const text = 'one two three four five six seven';
    const lines = wrapWords(text, 10);
    expect(lines).toEqual(['one two', 'three four', 'five six', 'seven']);
    expect(lines.join(' ')).toBe(text);
  });

  it('leaves a word longer than the width on a line of its own', () => {
    expect(wrapWords('a supercalifragilistic b', 8)).toEqual(['a', 'supercalifragilistic', 'b']);
  });

  it('gives no line for empty text', () => {
    expect(wrapWords('  ', 10)).toEqual([]);
  });
});
