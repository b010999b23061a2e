import { describe, expect, it } from 'vitest';
import { monitoredTranscript } from './kit-pipeline.ts';

type Frame = Record<string, unknown>;

function inbound(transcript: ReturnType<typeof monitoredTranscript>['transcript'], frame: Frame) {
  const text = JSON.stringify(frame);
  return transcript.recordFrame({ conn: 'c1', dir: 'in', frame, text, bytes: text.length, verdict: { valid: true } });
}

function event(seq: number, i: number): Frame {
  return {
    arcp: '1.1',
    id: `e${seq}`,
    type: 'job.event',
    session_id: 's1',
    job_id: 'j1',
    event_seq: seq,
    payload: { kind: 'log', body: { level: 'info', message: 'x', marker: { branch: '0', i } } },
  };
}

describe('a bounded transcript streamed into the history monitor', () => {
  it('judges the whole history, and keeps a violation’s witnesses found long before the end', () => {
    const { transcript, monitor } = monitoredTranscript({ bounded: true });
    transcript.recordConnection({ conn: 'c1', event: 'open', label: 'probe principal:alice' });
    const hello = { arcp: '1.1', id: 'h', type: 'session.hello', payload: {} };
    transcript.recordFrame({ conn: 'c1', dir: 'out', frame: hello, text: '', bytes: 10, verdict: { valid: true } });
    inbound(transcript, { arcp: '1.1', id: 'w', type: 'session.welcome', session_id: 's1', payload: { resume_token: 'rt-1' } });
    const submit = { arcp: '1.1', id: 's', type: 'job.submit', session_id: 's1', payload: { agent: 'conformance', input: { steps: [{ op: 'emit', kind: 'log', count: 20_000 }] } } };
    transcript.recordFrame({ conn: 'c1', dir: 'out', frame: submit, text: '', bytes: 10, verdict: { valid: true } });
    inbound(transcript, { arcp: '1.1', id: 'a', type: 'job.accepted', session_id: 's1', payload: { job_id: 'j1', lease: {} } });
    let gapAt = -1;
    for (let i = 0; i < 20_000; i += 1) {
      // Seq 5001 never comes: event 5000 carries 5002.
      const seq = i < 5000 ? i + 1 : i + 2;
      const entry = inbound(transcript, event(seq, i));
      if (i === 5000) gapAt = entry.index;
    }
    inbound(transcript, { arcp: '1.1', id: 'r', type: 'job.result', session_id: 's1', job_id: 'j1', event_seq: 20_001, payload: { final_status: 'success' } });

    const violations = monitor.finish({ complete: true });
    const gap = violations.find((v) => v.requirement === 'SEQ-002');
    expect(gap?.witnesses).toEqual([gapAt - 1, gapAt]);
    const stats = transcript.stats();
    expect(stats.recorded).toBe(20_006);
    expect(stats.kept).toBeLessThan(2000);
    // The evidence a reporter would show: both witnesses and their neighbours, though long gone from the ring.
    const window = transcript.window(gap?.witnesses ?? [], 2).map((e) => e.index);
    expect(window).toEqual([gapAt - 3, gapAt - 2, gapAt - 1, gapAt, gapAt + 1, gapAt + 2]);
  });

  it('keeps everything in full mode and judges the same', () => {
    const { transcript, monitor } = monitoredTranscript();
    transcript.recordConnection({ conn: 'c1', event: 'open' });
    inbound(transcript, { arcp: '1.1', id: 'w', type: 'session.welcome', session_id: 's1', payload: { resume_token: 'rt-1' } });
    inbound(transcript, { ...event(1, 0), session_id: 'someone-else' });
    expect(monitor.finish().map((v) => v.requirement)).toContain('ENV-004');
    expect(transcript.bounded).toBe(false);
    expect(transcript.entries).toHaveLength(3);
  });
});
