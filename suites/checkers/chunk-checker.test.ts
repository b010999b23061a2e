import { describe, expect, it } from 'vitest';
import { chunkChecker } from './chunk-checker.ts';
import { checkTranscript } from './monitor.ts';
import { findings } from './testing/assertions.ts';
import { chunkedResult } from './testing/good-transcripts.ts';
import { transcript } from './testing/transcript-builder.ts';

// The chunk rules alone: these transcripts carry no markers, so nothing else is at stake.
const check = (entries: Parameters<typeof checkTranscript>[0]) => checkTranscript(entries, [chunkChecker]);

function streamed() {
  const t = transcript();
  const c1 = t.session('c1', 's1');
  c1.submit();
  c1.accepted('j1');
  return { t, c1 };
}

describe('chunk checker (CHUNK-002, CHUNK-003, CHUNK-004)', () => {
  it('accepts chunks 0..n with more:false last and a job.result naming the result_id', () => {
    expect(checkTranscript(chunkedResult(), undefined, { complete: true })).toEqual([]);
  });

  it('reports a chunk_seq out of order (CHUNK-002)', () => {
    const { t, c1 } = streamed();
    const zero = c1.chunk('j1', 'r1', 0, true);
    const two = c1.chunk('j1', 'r1', 2, true);
    c1.chunk('j1', 'r1', 3, false);
    c1.result('j1', { payload: { result_id: 'r1' } });
    const v = check(t.build());
    expect(findings(v)).toEqual([{ requirement: 'CHUNK-002', witnesses: [zero, two] }]);
    expect(v[0]?.message).toBe('Chunk 2 of result r1 of job j1 in session s1 arrived where chunk 1 was due.');
  });

  it('reports a chunk after the final one, and a job.result before the final one (CHUNK-003)', () => {
    const { t, c1 } = streamed();
    c1.chunk('j1', 'r1', 0, true);
    const last = c1.chunk('j1', 'r1', 1, false);
    const extra = c1.chunk('j1', 'r1', 2, false);
    c1.result('j1', { payload: { result_id: 'r1' } });
    expect(findings(check(t.build()))).toEqual([{ requirement: 'CHUNK-003', witnesses: [last, extra] }]);

    const early = streamed();
    const open = early.c1.chunk('j1', 'r1', 0, true);
    const result = early.c1.result('j1', { payload: { result_id: 'r1' } });
    expect(findings(check(early.t.build()))).toEqual([{ requirement: 'CHUNK-003', witnesses: [open, result] }]);
  });

  it('reports a job.result without the streamed result_id, or with an inline result mixed in (CHUNK-004)', () => {
    const { t, c1 } = streamed();
    const first = c1.chunk('j1', 'r1', 0, false);
    const result = c1.result('j1', { payload: { result: { inline: true } } });
    const v = check(t.build());
    expect(findings(v)).toEqual([
      { requirement: 'CHUNK-004', witnesses: [first, result] },
      { requirement: 'CHUNK-004', witnesses: [first, result] },
    ]);
    expect(v.map((x) => x.message)).toEqual([
      'The job.result of job j1 in session s1 carries no result_id although result r1 was streamed in chunks.',
      'The job.result of job j1 in session s1 carries an inline result although the job streamed result chunks.',
    ]);
  });
});
