import { describe, expect, it } from 'vitest';
import type { FrameEntry, TranscriptEntry } from '../harness/transcript-types.ts';
import { SeqHistory } from './seq-history.ts';
import { type FrameFacts, SessionTracker } from './session-tracker.ts';
import { transcript } from './testing/transcript-builder.ts';

/** Feeds every entry and returns the facts of each frame by transcript index. */
function track(entries: readonly TranscriptEntry[], tracker = new SessionTracker()): { tracker: SessionTracker; facts: Map<number, FrameFacts> } {
  const facts = new Map<number, FrameFacts>();
  for (const entry of entries) {
    tracker.observe(entry);
    if (entry.kind === 'frame') facts.set(entry.index, tracker.facts(entry));
  }
  return { tracker, facts };
}

describe('SessionTracker', () => {
  it('binds connections to sessions by welcome (envelope or payload) and by each resume form', () => {
    const t = transcript();
    const c1 = t.open('c1');
    c1.hello();
    c1.recv('session.welcome', { session_id: 's1', resume_token: 'x' }, { session_id: undefined });
    c1.drop();
    const forms = ['hello', 'hello-flat', 'session.resume'] as const;
    const resumes = forms.map((form, k) => {
      const c = t.open(`r${k}`);
      const index = c.resume('s1', k, form);
      c.welcome('s1');
      c.drop();
      return index;
    });
    const { tracker } = track(t.build());
    expect(tracker.session('s1')?.conns).toEqual(['c1', 'r0', 'r1', 'r2']);
    expect(forms.map((_, k) => tracker.connection(`r${k}`)?.resume)).toMatchObject(
      forms.map((form, k) => ({ form, index: resumes[k], lastEventSeq: k, sessionId: 's1', outcome: 'welcomed' })),
    );
  });

  it('attributes replay before the welcome to the resumed session, and detaches a refused resume', () => {
    const t = transcript();
    const c1 = t.session('c1', 's1');
    c1.submit();
    c1.accepted('j1');
    const first = c1.event('j1');
    c1.drop();
    const c2 = t.open('c2');
    c2.resume('s1', 0);
    const replayed = c2.event('j1', { seq: 1 });
    c2.welcome('s1');
    const live = c2.event('j1');
    c2.drop();
    const c3 = t.open('c3');
    c3.resume('s1', 2);
    const refused = c3.sessionError('RESUME_WINDOW_EXPIRED');
    const { tracker, facts } = track(t.build());
    expect(facts.get(first)).toMatchObject({ fresh: true, sequenced: true });
    expect(facts.get(replayed)).toMatchObject({ fresh: false, receipt: { state: 'seen', receipt: { seq: 1, index: first } } });
    expect(facts.get(replayed)?.session?.id).toBe('s1');
    expect(facts.get(live)?.fresh).toBe(true);
    expect(facts.get(refused)?.session).toBeUndefined();
    expect(tracker.connection('c3')?.resume?.outcome).toBe('failed');
    expect(tracker.session('s1')?.conns).toEqual(['c1', 'c2']);
    expect(tracker.session('s1')?.lastDisconnect?.how).toBe('drop');
  });

  it('follows job ownership, subscriptions, the submit each job.accepted answers, and cancel authority', () => {
    const t = transcript();
    const a = t.session('c1', 's1', 'alice');
    const a2 = t.session('c2', 's2', 'alice');
    const b = t.session('c3', 's3', 'bob');
    const anon = t.session('c4', 's4');
    const submit = a.submit({ steps: [] });
    const accepted = a.accepted('j1');
    a2.subscribe('j1');
    b.subscribe('j1');
    b.subscribed('j1', 'running');
    const cancels = [a.cancel('j1'), a2.cancel('j1'), b.cancel('j1'), anon.cancel('j1')];
    const { tracker, facts } = track(t.build());
    expect(facts.get(accepted)?.answers).toEqual({ index: submit, input: { steps: [] } });
    const job = tracker.job('j1');
    expect(job).toMatchObject({ owners: ['s1'], acceptedIndex: accepted, submitterPrincipal: 'alice', subscribers: new Set(['s3']) });
    expect(cancels.map((k) => facts.get(k)?.cancelAuthority)).toEqual(['owner', 'same-principal', 'foreign-subscriber', 'unknown']);
    expect(job?.cancels).toMatchObject({ count: 4, firstAuthorizedIndex: cancels[0], firstUnknownIndex: cancels[3], firstForeign: { index: cancels[2], session: 's3' } });
  });

  it('lets a delegated child job.accepted (it names its parent) answer no submit, and the next job.accepted the pending one', () => {
    const t = transcript();
    const a = t.session('c1', 's1', 'alice');
    a.submit({ steps: [] });
    a.accepted('j1');
    const submit = a.submit({ steps: [{ op: 'finish' }] });
    const child = a.accepted('j2', { parent_job_id: 'j1', delegate_id: 'del_1' });
    const accepted = a.accepted('j3');
    const { tracker, facts } = track(t.build());
    expect(facts.get(child)?.answers).toBeUndefined();
    expect(facts.get(accepted)?.answers).toEqual({ index: submit, input: { steps: [{ op: 'finish' }] } });
    expect(tracker.job('j2')?.owners).toEqual(['s1']);
  });

  it('tells a close (session.close sent) from a drop, and principals from labels or an explicit map', () => {
    const t = transcript();
    const c1 = t.session('c1', 's1', 'alice');
    c1.close();
    c1.closedAck();
    const closed = c1.closed();
    const c2 = t.session('c2', 's2');
    const serverGone = c2.closed(1011);
    const { tracker } = track(t.build(), new SessionTracker({ principals: { s2: 'carol' } }));
    expect(tracker.session('s1')).toMatchObject({ principal: 'alice', lastDisconnect: { index: closed, how: 'close' } });
    expect(tracker.session('s2')).toMatchObject({ principal: 'carol', lastDisconnect: { index: serverGone, how: 'drop' } });
    expect(tracker.isAttached(tracker.session('s1')!)).toBe(false);
    expect(tracker.isAttached(tracker.session('s2')!)).toBe(true); // the client did not cut it
  });

  it('refuses facts for an entry it was not fed last', () => {
    const tracker = new SessionTracker();
    const entry: FrameEntry = { kind: 'frame', index: 0, conn: 'c1', dir: 'in', t: 0, frame: {}, bytes: 2, verdict: { valid: true } };
    expect(() => tracker.facts(entry)).toThrow(/not fed/);
  });
});

describe('SeqHistory', () => {
  it('remembers first receipts, grows to its window, then forgets the oldest', () => {
    const history = new SeqHistory(128);
    for (let seq = 1; seq <= 300; seq++) history.record(seq, seq * 7, seq + 1000);
    expect(history.lookup(300)).toEqual({ state: 'seen', receipt: { seq: 300, fingerprint: 2100, index: 1300 } });
    expect(history.lookup(173)).toMatchObject({ state: 'seen' });
    expect(history.lookup(172)).toEqual({ state: 'evicted' });
    expect(history.lookup(301)).toEqual({ state: 'new' });
    expect(history.highest).toEqual({ seq: 300, fingerprint: 2100, index: 1300 });
    expect(() => new SeqHistory(0)).toThrow(/positive integer/);
  });
});
