import { describe, expect, it } from 'vitest';
import { MAX_EVIDENCE_ENTRIES, readEvidence } from './evidence.ts';
import { SAMPLE_TRANSCRIPT } from './testing/sample-transcript.ts';

describe('readEvidence', () => {
  it('accepts a bare transcript window and the {transcript, witnesses} form', () => {
    expect(readEvidence(SAMPLE_TRANSCRIPT)).toEqual({ entries: SAMPLE_TRANSCRIPT, witnesses: [], omitted: 0 });
    expect(readEvidence({ transcript: SAMPLE_TRANSCRIPT, witnesses: [5, 'x', 6] })?.witnesses).toEqual([5, 6]);
  });

  it('drops malformed entries and ignores evidence it cannot read', () => {
    const window = readEvidence([{ kind: 'frame', index: 'x' }, { kind: 'conn', index: 1, conn: 'c1', t: 0, event: 'exploded' }, SAMPLE_TRANSCRIPT[0]]);
    expect(window?.entries).toEqual([SAMPLE_TRANSCRIPT[0]]);
    expect(readEvidence(undefined)).toBeUndefined();
    expect(readEvidence('text')).toBeUndefined();
    expect(readEvidence([{ nope: true }])).toBeUndefined();
  });

  it('cuts long windows around the witnesses', () => {
    const long = Array.from({ length: MAX_EVIDENCE_ENTRIES * 3 }, (_, index) => ({ kind: 'conn', index, conn: 'c1', t: index, event: 'open' }));
    const window = readEvidence({ transcript: long, witnesses: [900] });
    expect(window?.entries).toHaveLength(MAX_EVIDENCE_ENTRIES);
    expect(window?.omitted).toBe(MAX_EVIDENCE_ENTRIES * 2);
    expect(window?.entries.some((e) => e.index === 900)).toBe(true);
  });
});
