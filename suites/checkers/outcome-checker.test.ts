import { describe, expect, it } from 'vitest';
import { checkTranscript } from './monitor.ts';
import { transcript } from './testing/transcript-builder.ts';
import { outcomeChecker } from './outcome-checker.ts';

const check = (entries: Parameters<typeof checkTranscript>[0]) =>
  checkTranscript(entries, [outcomeChecker], { complete: true }).map((v) => ({ requirement: v.requirement, witnesses: v.witnesses }));

/** Submitter c1 submits j1, gets one event, is cut; c2 (a subscriber) sees the job end cancelled. */
function cutThenCancelled(how: 'drop' | 'close', cancelFirst: boolean) {
  const t = transcript();
  const { c1, c2, accepted } = t.ownerAndSubscriber();
  c1.event('j1', { marker: ['0', 0] });
  c2.event('j1', { marker: ['0', 0] });
  if (cancelFirst) {
    c1.cancel('j1');
    c1.cancelled('j1');
  }
  let cut: number;
  if (how === 'drop') cut = c1.drop();
  else {
    c1.close();
    c1.closedAck();
    cut = c1.closed();
  }
  const terminal = c2.cancelledTerminal('j1');
  return { entries: t.build(), accepted, cut, terminal };
}

describe('outcome checker (CLOSE-002, LIFE-006)', () => {
  it('reports a job that ends cancelled with no cancel after its submitter was closed (CLOSE-002) or dropped (LIFE-006)', () => {
    const closed = cutThenCancelled('close', false);
    expect(check(closed.entries)).toEqual([{ requirement: 'CLOSE-002', witnesses: [closed.accepted, closed.cut, closed.terminal] }]);
    const dropped = cutThenCancelled('drop', false);
    expect(check(dropped.entries)).toEqual([{ requirement: 'LIFE-006', witnesses: [dropped.accepted, dropped.cut, dropped.terminal] }]);
  });

  it('accepts a cancelled job when someone cancelled it', () => {
    expect(check(cutThenCancelled('drop', true).entries)).toEqual([]);
  });

  it('names no rule for a cancelled job when its submitter never disconnected', () => {
    const t = transcript();
    const c1 = t.session('c1', 's1', 'alice');
    c1.submit();
    c1.accepted('j1');
    c1.cancelledTerminal('j1');
    expect(check(t.build())).toEqual([]);
  });

  it('accepts a job that ends on its own after its submitter dropped', () => {
    const t = transcript();
    const { c1, c2 } = t.ownerAndSubscriber();
    c1.drop();
    c2.result('j1');
    expect(check(t.build())).toEqual([]);
  });
});
