import { describe, expect, it } from 'vitest';
import { livenessChecker } from './liveness-checker.ts';
import { checkTranscript } from './monitor.ts';
import { findings } from './testing/assertions.ts';
import { closeThenResume, logScript, subscriberOutlivesOwner } from './testing/good-transcripts.ts';
import { type ConnBuilder, transcript } from './testing/transcript-builder.ts';

/** The owner leaves by a drop, or by a completed session.close; the index of the leaving entry. */
function leave(conn: ConnBuilder, how: 'drop' | 'close'): number {
  if (how === 'drop') return conn.drop();
  conn.close();
  conn.closedAck();
  return conn.closed();
}

const check = (entries: Parameters<typeof checkTranscript>[0]) => checkTranscript(entries, undefined, { complete: true });

describe('liveness checker (LIFE-001, LIFE-006, CLOSE-002, CLOSE-003, RESUME-004)', () => {
  it('accepts jobs that reach their terminal after a close and resume, or after the owner drops', () => {
    expect(check(closeThenResume())).toEqual([]);
    expect(check(subscriberOutlivesOwner())).toEqual([]);
  });

  it('reports a job whose terminal never reaches the session resumed after a drop (RESUME-004), only when complete', () => {
    const t = transcript();
    const c1 = t.session('c1', 's1');
    c1.submit(logScript(2));
    const accepted = c1.accepted('j1');
    c1.event('j1', { marker: ['0', 0] });
    const drop = c1.drop();
    const c2 = t.open('c2');
    const resume = c2.resume('s1', 1);
    c2.welcome('s1');
    c2.event('j1', { marker: ['0', 1] });
    const entries = t.build();
    const v = check(entries);
    expect(findings(v)).toEqual([{ requirement: 'RESUME-004', witnesses: [accepted, drop, resume] }]);
    expect(v[0]?.message).toBe('Job j1, which session s1 submitted, never delivered its terminal to the session after it was dropped and resumed.');
    expect(checkTranscript(entries, undefined, { complete: false })).toEqual([]);
  });

  it('reports the same after a session.close (CLOSE-003)', () => {
    const t = transcript();
    const c1 = t.session('c1', 's1');
    c1.submit();
    const accepted = c1.accepted('j1');
    c1.close();
    c1.closedAck();
    const closed = c1.closed();
    const c2 = t.open('c2');
    const resume = c2.resume('s1', 0);
    c2.welcome('s1');
    expect(findings(check(t.build()))).toEqual([{ requirement: 'CLOSE-003', witnesses: [accepted, closed, resume] }]);
  });

  it("reports a subscriber that never sees the job end after the submitter dropped (LIFE-006) or closed (CLOSE-002)", () => {
    for (const how of ['drop', 'close'] as const) {
      const t = transcript();
      const { c1, c2, accepted } = t.ownerAndSubscriber(logScript(2));
      c1.event('j1', { marker: ['0', 0] });
      c2.event('j1', { marker: ['0', 0] });
      const gone = leave(c1, how);
      expect(findings(check(t.build()))).toEqual([{ requirement: how === 'drop' ? 'LIFE-006' : 'CLOSE-002', witnesses: [accepted, gone] }]);
    }
  });

  it('reports a job that a drop or a close killed: it ends cancelled with no cancel sent (LIFE-006, CLOSE-002)', () => {
    for (const how of ['drop', 'close'] as const) {
      const t = transcript();
      const { c1, c2, accepted } = t.ownerAndSubscriber(logScript(2));
      const gone = leave(c1, how);
      const killed = c2.cancelledTerminal('j1');
      // Judged as the terminal arrives, so also in a transcript stopped early.
      expect(findings(checkTranscript(t.build(), undefined, { complete: false }))).toEqual([
        { requirement: how === 'drop' ? 'LIFE-006' : 'CLOSE-002', witnesses: [accepted, gone, killed] },
      ]);
    }
  });

  it('reports a job that never ends in an attached session without any disconnect (LIFE-001)', () => {
    const t = transcript();
    const c1 = t.session('c1', 's1');
    c1.submit();
    const accepted = c1.accepted('j1');
    expect(findings(checkTranscript(t.build(), [livenessChecker], { complete: true }))).toEqual([{ requirement: 'LIFE-001', witnesses: [accepted] }]);
  });

  it('expects nothing of a session whose client cut its last connection, or of a subscription ended by unsubscribe', () => {
    const t = transcript();
    const { c1, c2 } = t.ownerAndSubscriber();
    c2.unsubscribe('j1');
    c1.drop();
    expect(checkTranscript(t.build(), [livenessChecker], { complete: true })).toEqual([]);
  });
});
