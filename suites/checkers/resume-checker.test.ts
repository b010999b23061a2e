import { describe, expect, it } from 'vitest';
import { checkTranscript } from './monitor.ts';
import { resumeChecker } from './resume-checker.ts';
import { findings } from './testing/assertions.ts';
import { closeThenResume, logScript, resumeBelowReceived, resumeWithReplay } from './testing/good-transcripts.ts';
import { type ConnBuilder, transcript, type TranscriptBuilder } from './testing/transcript-builder.ts';

const check = (entries: Parameters<typeof checkTranscript>[0]) => checkTranscript(entries, undefined, { complete: true });

/** s1 on c1 receives events 0..3 of j1 (seqs 1..4), then c1 drops. */
function droppedAfterFour(): { t: TranscriptBuilder; c1: ConnBuilder; seqs: number[] } {
  const t = transcript();
  const c1 = t.session('c1', 's1');
  c1.submit(logScript(6));
  c1.accepted('j1');
  const seqs = [0, 1, 2, 3].map((i) => c1.event('j1', { marker: ['0', i] }));
  c1.drop();
  return { t, c1, seqs };
}

describe('resume checker (RESUME-001, RESUME-002, RESUME-003)', () => {
  it('accepts replays at, and below, what was received, in every resume form', () => {
    for (const good of [resumeWithReplay, resumeBelowReceived, closeThenResume]) expect(check(good())).toEqual([]);
  });

  it('reports a replay that differs from what was first received under that seq (RESUME-003)', () => {
    const { t, seqs } = droppedAfterFour();
    const c2 = t.open('c2');
    c2.resume('s1', 2);
    c2.welcome('s1');
    c2.event('j1', { marker: ['0', 2] });
    const wrong = c2.event('j1', { marker: ['0', 3], kind: 'thought', body: { text: 'not what seq 4 was' } });
    c2.event('j1', { marker: ['0', 4] });
    c2.event('j1', { marker: ['0', 5] });
    c2.result('j1');
    const v = check(t.build());
    expect(findings(v)).toEqual([{ requirement: 'RESUME-003', witnesses: [seqs[3]!, wrong] }]);
    expect(v[0]?.message).toBe(`Replayed seq 4 on c2 is job.event thought [0#3] for job j1, which differs from the seq 4 session s1 received at #${seqs[3]}.`);
  });

  it('reports a replay that skips a frame the session had received (RESUME-003 and SEQ-004)', () => {
    const { t, seqs } = droppedAfterFour();
    const c2 = t.open('c2');
    const resume = c2.resume('s1', 1);
    c2.welcome('s1');
    const two = c2.event('j1', { marker: ['0', 1] });
    const four = c2.event('j1', { marker: ['0', 3], seq: 4 });
    c2.event('j1', { marker: ['0', 4] });
    c2.event('j1', { marker: ['0', 5] });
    c2.result('j1');
    const v = check(t.build());
    expect(findings(v)).toEqual([
      { requirement: 'SEQ-004', witnesses: [two, four] },
      { requirement: 'RESUME-003', witnesses: [seqs[2]!, resume, four] },
    ]);
    expect(v[1]?.message).toBe(`The replay on c2 after resuming session s1 at last_event_seq 1 skipped seq 3, which the session had received before (seq 3 at #${seqs[2]}).`);
  });

  it('reports a replay that never finishes when the transcript is complete, and not when it stopped early', () => {
    const { t, seqs } = droppedAfterFour();
    const c2 = t.open('c2');
    const resume = c2.resume('s1', 2);
    c2.welcome('s1');
    c2.event('j1', { marker: ['0', 2] });
    const entries = t.build();
    expect(findings(checkTranscript(entries, [resumeChecker], { complete: true }))).toEqual([
      { requirement: 'RESUME-003', witnesses: [seqs[3]!, resume] },
    ]);
    expect(checkTranscript(entries, [resumeChecker], { complete: false })).toEqual([]);
  });

  it('reports a replay of frames at or below last_event_seq (RESUME-003)', () => {
    const { t } = droppedAfterFour();
    const c2 = t.open('c2');
    const resume = c2.resume('s1', 3);
    c2.welcome('s1');
    const stale = c2.event('j1', { marker: ['0', 2], seq: 3 });
    c2.event('j1', { marker: ['0', 3] });
    c2.event('j1', { marker: ['0', 4] });
    c2.event('j1', { marker: ['0', 5] });
    c2.result('j1');
    expect(findings(checkTranscript(t.build(), [resumeChecker]))).toEqual([{ requirement: 'RESUME-003', witnesses: [resume, stale] }]);
  });

  it('reports a resume welcome naming another session (RESUME-001) and a token that did not rotate (RESUME-002)', () => {
    const t = transcript();
    const c1 = t.open('c1');
    c1.hello();
    const first = c1.welcome('s1', '[redacted:7]');
    c1.drop();
    const c2 = t.open('c2');
    const resume = c2.resume('s1', 0);
    const renamed = c2.welcome('s9');
    c2.drop();
    const c3 = t.open('c3');
    c3.resume('s1', 0);
    const same = c3.welcome('s1', '[redacted:7]');
    const v = check(t.build());
    expect(findings(v)).toEqual([
      { requirement: 'RESUME-001', witnesses: [resume, renamed] },
      { requirement: 'RESUME-002', witnesses: [first, same] },
    ]);
    expect(v[1]?.message).not.toContain('[redacted:7]');
  });
});
