import { describe, expect, it } from 'vitest';
import { Progress } from './progress.ts';

function event(jobId: string, seq: number, marked = true) {
  return { type: 'job.event', job_id: jobId, event_seq: seq, payload: { kind: 'log', body: marked ? { marker: { branch: '0', i: seq } } : {} } };
}

describe('progress', () => {
  it('counts marked events per session once per seq, and terminals', () => {
    const p = new Progress([3]);
    p.accepted(0, 'j1');
    expect(p.observe('a', event('j1', 1))).toBe(true);
    expect(p.observe('a', event('j1', 1))).toBe(false); // a replay
    expect(p.observe('a', event('j1', 2, false))).toBe(true); // a runtime event: not marked
    expect(p.observe('b', event('j1', 1))).toBe(true);
    expect(p.markedIn('a', 0)).toBe(1);
    expect(p.markedIn('b', 0)).toBe(1);
    expect(p.terminalSeen(0)).toBe(false);
    p.observe('a', { type: 'job.result', job_id: 'j1', event_seq: 3, payload: { final_status: 'success' } });
    expect(p.terminalIn('a', 0)).toBe(true);
    expect(p.terminalIn('b', 0)).toBe(false);
    expect(p.firstTerminal(0)).toEqual({ type: 'job.result', status: 'success' });
  });

  it('paces on the frames of jobs outside the scenario without remembering them (a flood of them stays cheap)', () => {
    const p = new Progress([2]);
    p.accepted(0, 'j1');
    for (let seq = 1; seq <= 1000; seq += 1) expect(p.observe('a', event('job_nobody_submitted', seq))).toBe(true);
    expect(p.markedIn('a', 0)).toBe(0);
    expect(p.observe('a', event('j1', 1001))).toBe(true);
    expect(p.observe('a', event('j1', 1001))).toBe(false);
    expect(p.markedIn('a', 0)).toBe(1);
  });

  it('keeps counting when a server reuses a seq across jobs', () => {
    const p = new Progress([2, 2]);
    p.accepted(0, 'j1');
    p.accepted(1, 'j2');
    p.observe('a', event('j1', 1));
    p.observe('a', event('j2', 1));
    expect(p.markedIn('a', 1)).toBe(1);
  });

  it('holds a trigger when its count is reached, or once the job ended or was refused', () => {
    const p = new Progress([4, 4]);
    expect(p.holds({ on: 'start' })).toBe(true);
    expect(p.holds({ on: 'accepted', job: 0 })).toBe(false);
    p.accepted(0, 'j1');
    expect(p.holds({ on: 'accepted', job: 0 })).toBe(true);
    expect(p.holds({ on: 'events', job: 0, count: 0 })).toBe(true);
    p.observe('a', event('j1', 1));
    p.observe('a', event('j1', 2));
    expect(p.holds({ on: 'events', job: 0, count: 2 })).toBe(true);
    expect(p.holds({ on: 'remaining', job: 0, count: 1 })).toBe(false);
    p.observe('a', event('j1', 3));
    expect(p.holds({ on: 'remaining', job: 0, count: 1 })).toBe(true);
    expect(p.holds({ on: 'terminal', job: 0 })).toBe(false);
    p.observe('a', { type: 'job.error', job_id: 'j1', event_seq: 4, payload: { final_status: 'cancelled' } });
    expect(p.holds({ on: 'events', job: 0, count: 99 })).toBe(true);
    p.rejected(1);
    expect(p.holds({ on: 'terminal', job: 1 })).toBe(true);
    expect(p.holds({ on: 'disconnected', session: 'a' })).toBe(false);
    p.disconnected('a');
    expect(p.holds({ on: 'disconnected', session: 'a' })).toBe(true);
  });

  it('owes a subscriber the terminal only when it subscribed to a running job', () => {
    const p = new Progress([1, 1]);
    p.subscribed('s', 0, 'running');
    p.subscribed('s', 1, 'success');
    expect(p.owesTerminal('s', 0)).toBe(true);
    expect(p.owesTerminal('s', 1)).toBe(false);
    expect(p.isSubscribed('s', 1)).toBe(true);
  });

  it('resolves a wait when its condition comes true, and false when the bound passes first', async () => {
    const p = new Progress([1]);
    const met = p.until(() => p.admission(0) === 'accepted', 5000);
    p.accepted(0, 'j1');
    await expect(met).resolves.toBe(true);
    await expect(p.until(() => p.terminalSeen(0), 10)).resolves.toBe(false);
    const abandoned = p.until(() => false, 5000);
    p.abandon();
    await expect(abandoned).resolves.toBe(false);
  });
});
