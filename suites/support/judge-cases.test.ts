// A test checks all its cases and reports each failed one (issue 11 cause 9).
import { describe, expect, it } from 'vitest';
import { Transcript } from '../harness/transcript.ts';
import type { Session } from '../harness/session.ts';
import { ConformanceFailure, type ConformanceContext } from '../verdicts/conformance-test.ts';
import { judgeCases } from './index.ts';

/** Just enough of a session for evidence: an empty transcript. */
const session = { transcript: new Transcript() } as unknown as Session;

function failureOf(cases: Parameters<typeof judgeCases>[3]): { message: string; evidence: { expected: string; actual: string } | undefined } {
  let evidence: { expected: string; actual: string } | undefined;
  const t = {
    must(id: string, ok: boolean, source: unknown) {
      if (ok) return;
      evidence = typeof source === 'function' ? source() : source;
      throw new ConformanceFailure(id, `${id} failed`);
    },
  } as unknown as ConformanceContext;
  try {
    judgeCases(t, session, 'ERR-006', cases);
  } catch (error) {
    return { message: (error as Error).message, evidence };
  }
  return { message: '', evidence };
}

describe('judgeCases', () => {
  it('reports every failed case, not only the first', () => {
    const { message, evidence } = failureOf([
      { name: 'not JSON', ok: false, expected: 'INVALID_REQUEST', actual: 'socket closed' },
      { name: 'no type', ok: true, expected: 'INVALID_REQUEST', actual: 'session.error INVALID_REQUEST' },
      { name: 'arcp "0.9"', ok: false, expected: 'INVALID_REQUEST', actual: 'job.accepted' },
    ]);
    expect(message).toBe('ERR-006 failed');
    expect(evidence?.actual).toBe('2 of 3 cases failed: not JSON: socket closed; arcp "0.9": job.accepted');
  });

  it('passes when every case held', () => {
    expect(failureOf([{ name: 'a', ok: true, expected: 'x', actual: 'x' }]).message).toBe('');
  });
});
