import { describe, expect, it } from 'vitest';
import { Transcript } from '../harness/transcript.ts';
import type { FrameVerdict } from '../harness/transcript-types.ts';
import { answerEvidence } from './index.ts';

const VALID: FrameVerdict = { valid: true };

function record(transcript: Transcript, conn: string, dir: 'in' | 'out', frame: Record<string, unknown>) {
  const text = JSON.stringify(frame);
  return transcript.recordFrame({ conn, dir, frame, text, bytes: text.length, verdict: VALID });
}

describe('answerEvidence', () => {
  it('highlights the answer, or when there is none the request left unanswered on that connection', () => {
    const transcript = new Transcript();
    record(transcript, 'c1', 'out', { type: 'session.ping', payload: { nonce: 'a' } });
    const ping = record(transcript, 'c1', 'out', { type: 'session.ping', payload: { nonce: 'b' } });
    record(transcript, 'c2', 'out', { type: 'session.ping', payload: { nonce: 'other connection' } });
    record(transcript, 'c1', 'in', { type: 'job.event' });
    expect(answerEvidence(transcript, undefined, 'session.ping', 'c1').witnesses).toEqual([ping.index]);
    const pong = record(transcript, 'c1', 'in', { type: 'session.pong' });
    const evidence = answerEvidence(transcript, pong.frame as never, 'session.ping', 'c1');
    expect(evidence.witnesses).toEqual([pong.index]);
    expect(evidence.transcript.map((e) => e.index)).toContain(pong.index);
    // Nothing sent of that type: nothing to highlight, the end of the transcript shown.
    expect(answerEvidence(transcript, undefined, 'job.submit').witnesses).toEqual([]);
  });
});
