import { describe, expect, it } from 'vitest';
import type { WireFrame } from '../harness/frames.ts';
import { seqChainFindings } from './seq-chain.ts';

const ev = (seq: unknown, job = 'j1'): WireFrame => ({ type: 'job.event', job_id: job, event_seq: seq, payload: { kind: 'log', body: {} } });
const ids = (frames: WireFrame[]) => seqChainFindings(frames).map((f) => f.id);

describe('seqChainFindings', () => {
  it('accepts a +1 chain that starts anywhere, with unsequenced frames in between', () => {
    expect(ids([ev(7), { type: 'session.pong', payload: {} }, ev(8, 'j2'), { type: 'job.result', job_id: 'j1', event_seq: 9 }])).toEqual([]);
  });

  it('reports a gap, a repeat and a swap as SEQ-002', () => {
    expect(ids([ev(1), ev(3)])).toEqual(['SEQ-002']);
    expect(ids([ev(1), ev(2), ev(2)])).toEqual(['SEQ-002']);
    expect(ids([ev(1), ev(3), ev(2), ev(4)])).toEqual(['SEQ-002', 'SEQ-002']);
  });

  it('reports a missing or malformed seq on a job frame as SEQ-001', () => {
    expect(ids([ev(undefined)])).toEqual(['SEQ-001']);
    expect(ids([ev('4')])).toEqual(['SEQ-001']);
    expect(ids([ev(-1)])).toEqual(['SEQ-001']);
  });

  it('treats a job.error without job_id as a rejection, outside the chain', () => {
    expect(ids([ev(1), { type: 'job.error', payload: { code: 'INVALID_REQUEST' } }, ev(2)])).toEqual([]);
  });

  it('holds other frames that carry a seq to the chain (SEQ-007)', () => {
    expect(ids([ev(1), { type: 'job.cancelled', job_id: 'j1', event_seq: 2 }, ev(3)])).toEqual([]);
    expect(ids([ev(1), { type: 'job.cancelled', job_id: 'j1', event_seq: 1 }, ev(2)])).toEqual(['SEQ-007']);
  });
});
