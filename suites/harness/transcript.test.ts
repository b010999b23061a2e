import { describe, expect, it } from 'vitest';
import { RAW_TEXT_LIMIT, Transcript } from './transcript.ts';
import type { FrameEntry, FrameVerdict } from './transcript-types.ts';

const VALID: FrameVerdict = { valid: true };

function record(transcript: Transcript, conn: string, frame: unknown, dir: 'in' | 'out' = 'in') {
  const text = JSON.stringify(frame);
  return transcript.recordFrame({ conn, dir, frame, text, bytes: text.length, verdict: VALID });
}

describe('Transcript', () => {
  it('numbers connections and entries, with a non-decreasing clock', () => {
    const transcript = new Transcript();
    const c1 = transcript.newConnectionId();
    const c2 = transcript.newConnectionId();
    expect([c1, c2]).toEqual(['c1', 'c2']);
    transcript.recordConnection({ conn: c1, event: 'open', label: 'owner' });
    record(transcript, c1, { type: 'session.welcome' });
    transcript.recordConnection({ conn: c2, event: 'open' });
    record(transcript, c2, { type: 'job.event', event_seq: 1 });
    const entries = transcript.entries;
    expect(entries.map((e) => e.index)).toEqual([0, 1, 2, 3]);
    for (let i = 1; i < entries.length; i += 1) {
      expect(entries[i]!.t).toBeGreaterThanOrEqual(entries[i - 1]!.t);
    }
    expect(entries[0]).toMatchObject({ kind: 'conn', event: 'open', label: 'owner' });
  });

  it('filters frames by connection, direction and type, or by predicate', () => {
    const transcript = new Transcript();
    record(transcript, 'c1', { type: 'session.hello' }, 'out');
    record(transcript, 'c1', { type: 'session.welcome' });
    record(transcript, 'c2', { type: 'job.event' });
    record(transcript, 'c2', { type: 'job.result' });
    expect(transcript.frames().length).toBe(4);
    expect(transcript.frames({ conn: 'c2' }).map((e) => e.index)).toEqual([2, 3]);
    expect(transcript.frames({ dir: 'out' }).map((e) => e.index)).toEqual([0]);
    expect(transcript.frames({ type: ['job.event', 'job.result'] }).map((e) => e.index)).toEqual([2, 3]);
    expect(transcript.frames((e) => e.index % 2 === 1).map((e) => e.index)).toEqual([1, 3]);
  });

  it('stores frames redacted and finds the entry of a returned frame', () => {
    const transcript = new Transcript();
    const entry = record(transcript, 'c1', { type: 'session.welcome', payload: { resume_token: 'rt-abcdef' } });
    expect(JSON.stringify(transcript)).not.toContain('rt-abcdef');
    expect(transcript.entryOf(entry.frame)).toBe(entry);
    expect(transcript.entryOf({})).toBeUndefined();
  });

  it('keeps raw text only for non-JSON, truncated and redacted', () => {
    const transcript = new Transcript();
    transcript.redactor.addSecret('hidden-token');
    const text = `hidden-token ${'x'.repeat(5000)}`;
    const entry = transcript.recordFrame({
      conn: 'c1',
      dir: 'in',
      frame: undefined,
      text,
      bytes: text.length,
      verdict: { valid: false, errors: ['not JSON: hidden-token'] },
    });
    expect(entry.raw?.startsWith('[redacted:1] ')).toBe(true);
    expect(entry.raw!.length).toBeLessThan(RAW_TEXT_LIMIT + 100);
    expect(JSON.stringify(entry)).not.toContain('hidden-token');
    expect(record(transcript, 'c1', { type: 'x' }).raw).toBeUndefined();
  });

  it('window returns witnesses with a bounded neighbourhood', () => {
    const transcript = new Transcript();
    for (let i = 0; i < 100; i += 1) record(transcript, 'c1', { type: 'job.event', event_seq: i });
    expect(transcript.window([50], 2).map((e) => e.index)).toEqual([48, 49, 50, 51, 52]);
    expect(transcript.window([0, 99], 1).map((e) => e.index)).toEqual([0, 1, 98, 99]);
    expect(transcript.window([10, 12], 2).map((e) => e.index)).toEqual([8, 9, 10, 11, 12, 13, 14]);
    expect(transcript.window([500, -1, 1.5])).toEqual([]);
    const many = Array.from({ length: 40 }, (_, i) => i * 2);
    const window = transcript.window(many, 3, 64);
    expect(window.length).toBeLessThanOrEqual(64);
    for (const index of many) expect(window.some((e) => e.index === index)).toBe(true);
  });

  it('serialises to the list of entries', () => {
    const transcript = new Transcript();
    transcript.recordConnection({ conn: 'c1', event: 'closed', code: 1006, error: 'socket hang up' });
    expect(JSON.parse(JSON.stringify(transcript))).toEqual([
      { kind: 'conn', index: 0, conn: 'c1', t: transcript.entries[0]!.t, event: 'closed', code: 1006, error: 'socket hang up' },
    ]);
  });
});

function event(transcript: Transcript, seq: number, conn = 'c1') {
  return record(transcript, conn, { type: 'job.event', event_seq: seq, payload: { kind: 'log' } });
}

describe('Transcript, bounded', () => {
  const limits = { head: 3, tail: 5, landmarks: 4, pinned: 20, witnessRadius: 1, bytes: 1 << 20, inbox: 5 };

  it('keeps the head, the latest entries and the landmarks, and counts everything recorded', () => {
    const transcript = new Transcript({ bounded: limits });
    transcript.recordConnection({ conn: 'c1', event: 'open' });
    record(transcript, 'c1', { type: 'session.hello' }, 'out');
    record(transcript, 'c1', { type: 'session.welcome' });
    for (let seq = 1; seq <= 50; seq += 1) event(transcript, seq);
    record(transcript, 'c1', { type: 'job.submit' }, 'out'); // index 53: a landmark
    for (let seq = 51; seq <= 100; seq += 1) event(transcript, seq);
    record(transcript, 'c1', { type: 'job.result', event_seq: 101 });
    const kept = transcript.entries.map((e) => e.index);
    expect(kept).toEqual([0, 1, 2, 53, 100, 101, 102, 103, 104]);
    expect(transcript.recorded).toBe(105);
    expect(transcript.stats()).toMatchObject({ recorded: 105, kept: 9, bounded: true });
    expect(transcript.frames({ type: 'job.submit' }).map((e) => e.index)).toEqual([53]);
  });

  it('feeds observers every entry in order, and drops an observer that throws without losing entries', () => {
    const seen: number[] = [];
    const transcript = new Transcript({ bounded: limits, observers: [{ observe: (e) => seen.push(e.index) }] });
    let calls = 0;
    transcript.addObserver({
      observe: () => {
        calls += 1;
        if (calls === 3) throw new Error('observer bug');
      },
    });
    for (let seq = 1; seq <= 1000; seq += 1) event(transcript, seq);
    expect(seen).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(calls).toBe(3);
    expect(transcript.stats().observerErrors).toEqual(['observer bug']);
    expect(transcript.entries.length).toBeLessThanOrEqual(limits.head + limits.tail);
  });

  it('keeps pinned witnesses and a window around each after they leave the ring', () => {
    const transcript = new Transcript({ bounded: limits });
    for (let seq = 1; seq <= 40; seq += 1) {
      event(transcript, seq);
      if (seq === 20) transcript.pin([17, 19]); // e.g. a violation found at index 19 proved by 17 and 19
    }
    const kept = transcript.entries.map((e) => e.index);
    expect(kept).toEqual(expect.arrayContaining([16, 17, 18, 19, 20]));
    expect(transcript.window([17, 19], 1).map((e) => e.index)).toEqual([16, 17, 18, 19, 20]);
    transcript.pin([5]); // long gone
    expect(transcript.stats().lostWitnesses).toBe(1);
  });

  it('holds kept entries to the byte budget, always keeping the newest', () => {
    const transcript = new Transcript({ bounded: { ...limits, tail: 1000, bytes: 64 * 1024 } });
    const big = 'x'.repeat(20 * 1024);
    for (let seq = 1; seq <= 100; seq += 1) record(transcript, 'c1', { type: 'job.event', event_seq: seq, payload: { big } });
    const stats = transcript.stats();
    expect(stats.keptBytes).toBeLessThanOrEqual(64 * 1024 + 21 * 1024 + 512);
    expect(transcript.entries.at(-1)?.index).toBe(99);
  });

  it('turns bounded when the full-mode budget runs out, keeping the start and the end', () => {
    const transcript = new Transcript({ fullModeBytes: 200 * 1024 });
    expect(transcript.bounded).toBe(false);
    for (let seq = 1; seq <= 2000; seq += 1) event(transcript, seq);
    expect(transcript.bounded).toBe(true);
    expect(transcript.limits?.bytes).toBe(200 * 1024);
    const kept = transcript.entries.map((e) => e.index);
    expect(kept[0]).toBe(0);
    expect(kept.at(-1)).toBe(1999);
    expect(transcript.stats().keptBytes).toBeLessThanOrEqual(200 * 1024 + 1024);
  });

  it('refuses nonsense limits', () => {
    expect(() => new Transcript({ bounded: { tail: 0 } })).toThrow(/tail must be a positive integer/);
  });

  it('keeps a frame over its bound as a skeleton with every field the checkers read, judged whole', () => {
    const observed: unknown[] = [];
    const transcript = new Transcript({ frameBytes: 1024, observers: [{ observe: (e) => observed.push(e.kind === 'frame' ? e.frame : undefined) }] });
    transcript.redactor.addSecret('tok-secret-123456');
    // Junk fields first, so a cut by position would lose the envelope.
    const junk = Object.fromEntries(Array.from({ length: 100 }, (_, k) => [`x_${k}`, k]));
    const frame = {
      ...junk,
      arcp: '1.1', id: 'm1', type: 'job.event', session_id: 's1', job_id: 'j1', event_seq: 7,
      payload: { kind: 'log', body: { message: `tok-secret-123456 ${'g'.repeat(200_000)}`, marker: { branch: '0', i: 3 }, rows: Array.from({ length: 1000 }, (_, k) => k) } },
    };
    const text = JSON.stringify(frame);
    const live = transcript.recordFrame({ conn: 'c1', dir: 'in', frame, text, bytes: text.length, verdict: VALID });
    // Waiters get it whole (redacted), and so do observers (the streamed checkers).
    expect((live.frame as typeof frame).payload.body.message).toBe(`[redacted:1] ${'g'.repeat(200_000)}`);
    expect(observed[0]).toBe(live.frame);
    const kept = transcript.entries[0] as FrameEntry;
    expect(kept.elided?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(kept.elided?.head.length).toBeLessThanOrEqual(1024);
    expect(kept.bytes).toBe(text.length);
    expect(kept.frame).toMatchObject({ arcp: '1.1', id: 'm1', type: 'job.event', session_id: 's1', job_id: 'j1', event_seq: 7, payload: { kind: 'log', body: { marker: { branch: '0', i: 3 } } } });
    const keptText = JSON.stringify(kept);
    expect(keptText.length).toBeLessThan(16 * 1024);
    expect(keptText).not.toContain('tok-secret-123456');
    expect(kept.elided?.cut).toEqual({ strings: 1, items: 984, fields: expect.any(Number) });
    expect(kept.elided?.cut.fields).toBeGreaterThan(0);
    expect(transcript.entryOf(live.frame)).toBe(kept);
    // Under the bound nothing changes.
    const small = record(transcript, 'c1', { type: 'job.event' });
    expect(transcript.entries[1]).toBe(small);
    expect(small.elided).toBeUndefined();
  });
});
