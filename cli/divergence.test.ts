import { describe, expect, it } from 'vitest';
import type { TranscriptEntry } from '../suites/harness/transcript-types.ts';
import { firstDivergence, formatDivergence } from './divergence.ts';

let index = 0;
function frame(conn: string, dir: 'in' | 'out', type: string, extra: Record<string, unknown> = {}): TranscriptEntry {
  const { kind, ...envelope } = extra;
  return {
    kind: 'frame',
    index: index++,
    conn,
    dir,
    t: index,
    bytes: 10,
    verdict: { valid: true },
    frame: { arcp: '1.1', id: `m${index}`, type, ...envelope, payload: kind === undefined ? {} : { kind } },
  };
}

function transcript(jobA: string, build: (job: string) => TranscriptEntry[]): TranscriptEntry[] {
  index = 0;
  return build(jobA);
}

const owner = (job: string): TranscriptEntry[] => [
  frame('c1', 'out', 'session.hello'),
  frame('c1', 'in', 'session.welcome'),
  frame('c1', 'out', 'job.submit'),
  frame('c1', 'in', 'job.accepted', { job_id: job }),
  frame('c2', 'out', 'session.hello'),
  frame('c1', 'in', 'job.event', { job_id: job, event_seq: 1, kind: 'log' }),
  frame('c1', 'in', 'job.result', { job_id: job, event_seq: 2 }),
];

describe('firstDivergence', () => {
  it('finds none when only server-minted job ids and timing differ', () => {
    expect(firstDivergence(transcript('job_1', owner), transcript('job_zz', owner))).toBeNull();
  });

  it('ignores how connections interleave', () => {
    const recorded = transcript('J', owner);
    const swapped = [recorded[4]!, ...recorded.slice(0, 4), ...recorded.slice(5)];
    expect(firstDivergence(recorded, swapped)).toBeNull();
  });

  it('reports the first differing pair with the fields that differ', () => {
    const recorded = transcript('J', owner);
    const replayed = transcript('K', (job) => {
      const frames = owner(job);
      frames[5] = { ...frame('c1', 'in', 'job.error', { job_id: job, event_seq: 1 }), index: 5 };
      return frames;
    });
    const d = firstDivergence(recorded, replayed);
    expect(d).toMatchObject({ conn: 'c1', position: 4, differs: ['type', 'kind'] });
    expect(formatDivergence(d)).toBe(
      [
        'First divergence on c1, frame 5 of that connection (type, kind differ):',
        '  recorded: #5 c1 ← job.event job=J seq=1 kind=log',
        '  replayed: #5 c1 ← job.error job=K seq=1',
      ].join('\n'),
    );
  });

  it('reports a frame one side lacks', () => {
    const recorded = transcript('J', owner);
    const short = recorded.slice(0, -1);
    expect(firstDivergence(recorded, short)).toMatchObject({ conn: 'c1', position: 5, differs: ['dir', 'type', 'job', 'seq', 'kind'] });
    expect(formatDivergence(firstDivergence(recorded, short))).toContain('(the replay has no such frame)');
    expect(formatDivergence(firstDivergence(short, recorded))).toContain('(the recording has no such frame)');
  });

  it('picks the divergence that comes first in the recording across connections', () => {
    const recorded = transcript('J', owner);
    const replayed = transcript('J', (job) => {
      const frames = owner(job);
      frames[6] = frame('c1', 'in', 'job.result', { job_id: job, event_seq: 3 }); // later, on c1
      frames[4] = frame('c2', 'out', 'session.resume'); // earlier, on c2
      return frames;
    });
    expect(firstDivergence(recorded, replayed)).toMatchObject({ conn: 'c2', position: 0, differs: ['type'] });
  });

  it('says so when everything matches', () => {
    expect(formatDivergence(null)).toMatch(/matches the recorded one/);
  });
});
