import { describe, expect, it } from 'vitest';
import { envelopeChecker } from './envelope-checker.ts';
import { checkTranscript } from './monitor.ts';
import { findings } from './testing/assertions.ts';
import { logScript, resumeBelowReceived, subscriberOwnSeqSpace } from './testing/good-transcripts.ts';
import { transcript } from './testing/transcript-builder.ts';

const check = (entries: Parameters<typeof checkTranscript>[0]) => checkTranscript(entries, undefined, { complete: true });

describe('envelope checker (ENV-002, ENV-004, ENV-005, SUB-006)', () => {
  it('accepts subscriber frames in the subscriber session and replays that precede the welcome', () => {
    expect(checkTranscript(subscriberOwnSeqSpace(), [envelopeChecker])).toEqual([]);
    expect(checkTranscript(resumeBelowReceived(), [envelopeChecker])).toEqual([]);
  });

  it('reports a server frame with another protocol version (ENV-002)', () => {
    const t = transcript();
    const c1 = t.session('c1', 's1');
    const pong = c1.recv('session.pong', { ping_nonce: 'n' }, { arcp: '1' });
    const v = check(t.build());
    expect(findings(v)).toEqual([{ requirement: 'ENV-002', witnesses: [pong] }]);
    expect(v[0]?.message).toBe('session.pong on c1 carries arcp "1"; expected "1.1".');
  });

  it('reports a frame after the welcome without the session_id (ENV-004)', () => {
    const t = transcript();
    const c1 = t.open('c1');
    c1.hello();
    const welcome = c1.welcome('s1');
    c1.submit();
    const accepted = c1.accepted('j1', {});
    const bad = c1.event('j1', { envelope: { session_id: undefined } });
    c1.result('j1');
    const v = check(t.build());
    expect(findings(v)).toEqual([{ requirement: 'ENV-004', witnesses: [welcome, bad] }]);
    expect(v[0]?.message).toBe('job.event log for job j1 on c1 carries no session_id; expected s1.');
    expect(accepted).toBeLessThan(bad);
  });

  it("names a subscriber's forwarded event carrying the submitter's session_id (SUB-006)", () => {
    const t = transcript();
    const c1 = t.session('c1', 's1', 'alice');
    const c2 = t.open('c2', 'principal:alice');
    c2.hello();
    const welcome2 = c2.welcome('s2');
    c1.submit(logScript(1));
    c1.accepted('j1');
    c2.subscribe('j1');
    c2.subscribed('j1', 'running');
    c1.event('j1', { marker: ['0', 0] });
    const leaked = c2.event('j1', { marker: ['0', 0], envelope: { session_id: 's1' } });
    c1.result('j1');
    c2.result('j1');
    const v = check(t.build());
    expect(findings(v)).toEqual([{ requirement: 'SUB-006', witnesses: [welcome2, leaked] }]);
    expect(v[0]?.message).toBe(
      "job.event log [0#0] for job j1 forwarded to subscriber session s2 on c2 carries session_id s1, the submitting session's instead of s2.",
    );
  });

  it('reports job.event and job.result without an envelope job_id (ENV-005)', () => {
    const t = transcript();
    const c1 = t.session('c1', 's1');
    c1.submit();
    c1.accepted('j1');
    const bad = c1.recv('job.result', { final_status: 'success', job_id: 'j1' }, { event_seq: 1 });
    expect(findings(check(t.build()))).toEqual([{ requirement: 'ENV-005', witnesses: [bad] }]);
  });
});
