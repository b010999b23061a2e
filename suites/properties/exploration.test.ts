import { describe, expect, it } from 'vitest';
import type { TranscriptEntry } from '../harness/transcript-types.ts';
import { ExplorationTally, formatExploration, jobPhase, scheduleSignature } from './exploration.ts';

function frame(index: number, conn: string, dir: 'in' | 'out', frame: Record<string, unknown>): TranscriptEntry {
  return { kind: 'frame', index, conn, dir, t: index, frame, bytes: 1, verdict: { valid: true } };
}

function history(jobId: string, seqs: readonly number[], branches: readonly string[]): TranscriptEntry[] {
  const entries: TranscriptEntry[] = [{ kind: 'conn', index: 0, conn: 'c1', t: 0, event: 'open', label: 'owner principal:primary' }];
  branches.forEach((branch, k) => {
    entries.push(frame(k + 1, 'c1', 'in', { type: 'job.event', job_id: jobId, event_seq: seqs[k], payload: { kind: 'log', body: { marker: { branch, i: 0 } } } }));
  });
  return entries;
}

describe('exploration', () => {
  it('classifies where a disconnect falls in a job', () => {
    expect(jobPhase(0, 10, false)).toBe('before-first-event');
    expect(jobPhase(3, 10, false)).toBe('mid');
    expect(jobPhase(8, 10, false)).toBe('near-terminal');
    expect(jobPhase(10, 10, false)).toBe('near-terminal');
    expect(jobPhase(1, 1, false)).toBe('near-terminal');
    expect(jobPhase(2, 10, true)).toBe('after-terminal');
  });

  it('hashes the interleaving, not the run-specific ids and seqs', () => {
    const index = (id: string) => (id.startsWith('job_') ? 0 : undefined);
    const a = scheduleSignature(history('job_a', [1, 2], ['0.0', '0.1']), index);
    const b = scheduleSignature(history('job_b', [7, 8], ['0.0', '0.1']), index);
    const swapped = scheduleSignature(history('job_a', [1, 2], ['0.1', '0.0']), index);
    expect(a).toBe(b);
    expect(a).not.toBe(swapped);
  });

  it('sums runs into a summary and one console line', () => {
    const tally = new ExplorationTally();
    tally.add({ schedule: 'x', cancels: ['before-terminal', 'lost-race'], disconnects: ['mid'], boundedWaits: 0 });
    tally.add({ schedule: 'x', cancels: ['after-terminal'], disconnects: ['near-terminal', 'mid'], boundedWaits: 1 });
    tally.add({ schedule: 'y', cancels: ['foreign'], disconnects: [], boundedWaits: 0, unexercised: 'job 0 was never accepted' });
    const s = tally.summary();
    expect(s.runs).toBe(3);
    // Only runs that carried out their scenario are evidence (issue 11 cause 10).
    expect(s.exercised).toBe(2);
    expect(s.unexercised).toBe('job 0 was never accepted');
    expect(s.distinctSchedules).toBe(2);
    expect(s.cancels).toMatchObject({ 'before-terminal': 1, 'after-terminal': 1, 'lost-race': 1, foreign: 1 });
    expect(s.disconnects).toMatchObject({ mid: 2, 'near-terminal': 1 });
    expect(formatExploration('p', s)).toBe(
      '[property] p: 3 runs (2 carried out their scenario), 2 distinct schedules; cancels before/after/lost-race/foreign 1/1/1/1; disconnects before-first-event/mid/near-terminal/after-terminal 0/2/1/0; bounded waits 1',
    );
  });
});
