import { describe, expect, it } from 'vitest';
import type { TranscriptEntry } from '../../harness/transcript-types.ts';
import { referenceLeakProbe, sessionsLeftForGood } from './reference-leak-probe.ts';

const open = (index: number, conn: string, label: string): TranscriptEntry => ({ kind: 'conn', index, conn, t: index, event: 'open', label });
const cut = (index: number, conn: string, event: 'dropped' | 'closing'): TranscriptEntry => ({ kind: 'conn', index, conn, t: index, event });
const close = (index: number, conn: string): TranscriptEntry => ({ kind: 'frame', index, conn, dir: 'out', t: index, frame: { type: 'session.close', payload: {} }, bytes: 1, verdict: { valid: true } });

describe('reference leak probe', () => {
  it('finds the sessions the clients left for good: dropped, closed or sent session.close, and never resumed', () => {
    const entries = [
      open(0, 'c1', 'owner principal:primary'),
      open(1, 'c2', 'sub-a principal:primary'),
      open(2, 'c3', 'sub-b principal:secondary'),
      cut(3, 'c1', 'dropped'),
      open(4, 'c4', 'owner principal:primary'), // the owner resumed
      close(5, 'c2'),
      cut(6, 'c3', 'dropped'),
    ];
    expect(sessionsLeftForGood(entries).map((e) => e.index)).toEqual([5, 6]);
  });

  it('reports LEAK-001 only when delivery rows for gone sessions grew during the run', async () => {
    let rows = 2;
    const probe = referenceLeakProbe({ stats: () => ({ orphanedSubscriptionRows: rows, orphanedBufferedEvents: 0 }) }, 1);
    const entries = [open(0, 'c1', 'sub principal:primary'), close(1, 'c1')];
    await probe.before();
    expect(await probe.after({ entries })).toEqual([]);
    await probe.before();
    rows = 3;
    const found = await probe.after({ entries });
    expect(found.map((v) => [v.requirement, v.witnesses])).toEqual([['LEAK-001', [1]]]);
    // Nobody left: nothing to wait for, nothing to judge.
    expect(await probe.after({ entries: [open(0, 'c1', 'owner principal:primary')] })).toEqual([]);
  });
});
