import { describe, expect, it } from 'vitest';
import { REQUIREMENT_IDS, requirement } from '../../spec/requirements.ts';
import type { FrameEntry, TranscriptEntry } from '../harness/transcript-types.ts';
import { ALL_CHECKERS, checkTranscript, createHistoryMonitor } from './monitor.ts';
import { sequenceChecker } from './sequence-checker.ts';
import { GOOD_TRANSCRIPTS } from './testing/good-transcripts.ts';
import { transcript } from './testing/transcript-builder.ts';
import { ViolationLog } from './violation-log.ts';

describe('history monitor', () => {
  it('every id a checker can emit is in the requirement catalogue, and checker names are unique', () => {
    const declared = ALL_CHECKERS.flatMap((c) => c.requirements);
    expect(declared.filter((id) => !REQUIREMENT_IDS.has(id))).toEqual([]);
    expect(new Set(ALL_CHECKERS.map((c) => c.name)).size).toBe(ALL_CHECKERS.length);
    // Every checked requirement is observable on the wire: a checker for an unobservable one would be a toy.
    expect(declared.filter((id) => !requirement(id).observable)).toEqual([]);
  });

  it('refuses to emit an id the checker did not declare', () => {
    const log = new ViolationLog('test', ['SEQ-002']);
    expect(() => log.add('SEQ-001', 'x', [1])).toThrow(/does not declare/);
    expect(() => new ViolationLog('test', ['NOPE-001'])).toThrow(/Unknown requirement id/);
  });

  it.each(Object.entries(GOOD_TRANSCRIPTS))('finds nothing in the good transcript %s, even as complete', (_name, make) => {
    expect(checkTranscript(make(), ALL_CHECKERS, { complete: true })).toEqual([]);
  });

  it('streams to the same result as the batch entry point', () => {
    const entries = GOOD_TRANSCRIPTS.resumeBelowReceived!();
    const last = entries.findLast((e): e is FrameEntry => e.kind === 'frame' && e.dir === 'in');
    const broken = entries.map((e) => (e === last ? { ...last, frame: { ...(last.frame as object), session_id: 'sX' } } : e));
    const monitor = createHistoryMonitor();
    for (const entry of broken) monitor.observe(entry);
    expect(monitor.observed).toBe(broken.length);
    const streamed = monitor.finish({ complete: true });
    const welcome = entries.findLast((e) => e.kind === 'frame' && (e.frame as { type?: string }).type === 'session.welcome');
    expect(streamed.map((v) => [v.requirement, v.witnesses])).toEqual([['ENV-004', [welcome!.index, last!.index]]]);
    expect(checkTranscript(broken, ALL_CHECKERS, { complete: true })).toEqual(streamed);
    expect(monitor.finish({ complete: true })).toBe(streamed); // finish is idempotent
    expect(() => monitor.observe(broken[0]!)).toThrow(/after finish/);
  });

  it('records at most N violations per requirement and counts the rest', () => {
    const t = transcript();
    const c1 = t.session('c1', 's1');
    c1.submit();
    c1.accepted('j1');
    for (let k = 0; k < 30; k++) c1.event('j1', { seq: 2 * k + 1 }); // every frame skips one seq
    const v = checkTranscript(t.build(), [sequenceChecker], { maxViolationsPerRequirement: 5 });
    expect(v).toHaveLength(5);
    expect(v.map((x) => x.omitted)).toEqual([undefined, undefined, undefined, undefined, 24]);
  });

  it('rejects entries that are not transcript entries with a clear error, and tolerates frames that are not JSON objects', () => {
    const monitor = createHistoryMonitor();
    expect(() => monitor.observe({ nope: true } as unknown as TranscriptEntry)).toThrow(/Not a transcript entry/);
    const junk: TranscriptEntry[] = [
      { kind: 'frame', index: 0, conn: 'c1', dir: 'in', t: 0, frame: undefined, raw: '\u0000binary', bytes: 7, verdict: { valid: false, errors: ['not JSON'] } },
      { kind: 'frame', index: 1, conn: 'c1', dir: 'in', t: 1, frame: [1, 2], bytes: 5, verdict: { valid: false, errors: ['array'] } },
      { kind: 'frame', index: 2, conn: 'c1', dir: 'in', t: 2, frame: { type: 'job.event', payload: 'nope', event_seq: 'x' }, bytes: 5, verdict: { valid: false, errors: ['x'] } },
      { kind: 'conn', index: 3, conn: 'c9', t: 3, event: 'closed' },
    ];
    const v = checkTranscript(junk, ALL_CHECKERS, { complete: true });
    expect(v.map((x) => x.requirement).sort()).toEqual(['ENV-002', 'ENV-005', 'SEQ-001']);
  });

  it('rejects a bad cap', () => {
    expect(() => createHistoryMonitor(ALL_CHECKERS, { maxViolationsPerRequirement: 0 })).toThrow(/positive integer/);
  });
});
