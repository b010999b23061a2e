// Transcripts of a correct server, hand-made: every checker must find nothing in them.
// Each is a small story the bad transcripts in the tests deviate from.
import type { AgentScript } from '../../../spec/agent-script.ts';
import type { TranscriptEntry } from '../../harness/transcript-types.ts';
import { transcript } from './transcript-builder.ts';

/** `count` log events on the top-level branch, then finish. */
export function logScript(count: number): AgentScript {
  return { steps: [{ op: 'emit', kind: 'log', count }, { op: 'finish' }] };
}

/** Two concurrent branches (0.0 with `a` events, 0.1 with `b`), then finish. */
export function parallelScript(a: number, b: number): AgentScript {
  return {
    steps: [
      { op: 'parallel', branches: [[{ op: 'emit', kind: 'log', count: a }], [{ op: 'emit', kind: 'log', count: b }]] },
      { op: 'finish' },
    ],
  };
}

/** Waits for a cancel (or 10 s), after one event. */
export function waitCancelScript(): AgentScript {
  return { steps: [{ op: 'emit', kind: 'log' }, { op: 'wait_cancel', max_ms: 10_000 }, { op: 'finish' }] };
}

/** Two jobs of one session interleaved on one connection, one with concurrent branches. */
export function twoJobsInterleaved(): TranscriptEntry[] {
  const t = transcript();
  const c1 = t.session('c1', 's1', 'alice');
  c1.submit(logScript(2));
  c1.accepted('j1');
  c1.submit(parallelScript(2, 1));
  c1.accepted('j2');
  c1.event('j1', { marker: ['0', 0] });
  c1.event('j2', { marker: ['0.0', 0] });
  c1.event('j2', { marker: ['0.1', 0] });
  c1.event('j1', { marker: ['0', 1] });
  c1.event('j2', { marker: ['0.0', 1] });
  c1.result('j1');
  c1.result('j2');
  c1.close();
  c1.closedAck();
  c1.closed();
  return t.build();
}

/** A subscriber in a second session of the same principal sees the job in its own seq space. */
export function subscriberOwnSeqSpace(): TranscriptEntry[] {
  const t = transcript();
  const c1 = t.session('c1', 's1', 'alice');
  const c2 = t.session('c2', 's2', 'alice');
  c2.submit(logScript(2));
  c2.accepted('j2');
  c2.event('j2', { marker: ['0', 0] });
  c2.event('j2', { marker: ['0', 1] });
  c2.result('j2'); // s2 is at seq 3
  c1.submit(logScript(2));
  c1.accepted('j1');
  c2.subscribe('j1', { history: false });
  c2.subscribed('j1', 'running');
  c1.event('j1', { marker: ['0', 0] }); // s1 seq 1
  c2.event('j1', { marker: ['0', 0] }); // s2 seq 4
  c1.event('j1', { marker: ['0', 1] });
  c2.event('j1', { marker: ['0', 1] });
  c1.result('j1');
  c2.result('j1');
  return t.build();
}

/** A drop mid-job, then a resume at what was received: the buffered event comes first, then live. */
export function resumeWithReplay(): TranscriptEntry[] {
  const t = transcript();
  const c1 = t.session('c1', 's1', 'alice');
  c1.submit(logScript(5));
  c1.accepted('j1');
  c1.event('j1', { marker: ['0', 0] });
  c1.event('j1', { marker: ['0', 1] });
  c1.event('j1', { marker: ['0', 2] });
  c1.drop();
  const c2 = t.open('c2', 'principal:alice');
  c2.resume('s1', 3);
  c2.welcome('s1');
  c2.event('j1', { marker: ['0', 3] }); // buffered while disconnected
  c2.event('j1', { marker: ['0', 4] });
  c2.result('j1');
  return t.build();
}

/**
 * A resume at a lower last_event_seq than received: events 3 and 4 are replayed (before the
 * welcome, as v1.0 §6.3 orders it) and are not counted twice.
 */
export function resumeBelowReceived(): TranscriptEntry[] {
  const t = transcript();
  const c1 = t.session('c1', 's1', 'alice');
  c1.submit(logScript(5));
  c1.accepted('j1');
  for (let i = 0; i < 4; i++) c1.event('j1', { marker: ['0', i] });
  c1.drop();
  const c2 = t.open('c2', 'principal:alice');
  c2.resume('s1', 2);
  c2.event('j1', { marker: ['0', 2] }); // seq 3, replayed
  c2.event('j1', { marker: ['0', 3] }); // seq 4, replayed
  c2.welcome('s1');
  c2.event('j1', { marker: ['0', 4] });
  c2.result('j1');
  return t.build();
}

/** Cancel sent twice to a live job: acknowledged, then exactly one CANCELLED terminal. */
export function duplicateCancel(): TranscriptEntry[] {
  const t = transcript();
  const c1 = t.session('c1', 's1', 'alice');
  c1.submit(waitCancelScript());
  c1.accepted('j1');
  c1.event('j1', { marker: ['0', 0] });
  c1.cancel('j1');
  c1.cancel('j1');
  c1.cancelled('j1'); // one acknowledgement (DESIGN §5, spec/conformance-agent.md)
  c1.cancelledTerminal('j1');
  c1.listJobs('L1');
  c1.jobs('L1', [{ job_id: 'j1', status: 'cancelled' }]);
  return t.build();
}

/** A cancel racing completion loses: the job's one terminal is its success; the late ack is allowed. */
export function cancelLosesRace(): TranscriptEntry[] {
  const t = transcript();
  const c1 = t.session('c1', 's1', 'alice');
  c1.submit(logScript(1));
  c1.accepted('j1');
  c1.event('j1', { marker: ['0', 0] });
  c1.cancel('j1');
  c1.result('j1');
  c1.cancelled('j1');
  c1.listJobs('L1');
  c1.jobs('L1', [{ job_id: 'j1', status: 'success' }]);
  return t.build();
}

/** A listing computed before the job ended may still say running; later ones say success. */
export function listingAroundTerminal(): TranscriptEntry[] {
  const t = transcript();
  const c1 = t.session('c1', 's1', 'alice');
  const c2 = t.session('c2', 's2', 'alice');
  c1.submit({ steps: [{ op: 'finish' }] });
  c1.accepted('j1');
  c2.listJobs('L1');
  c1.result('j1');
  c2.jobs('L1', [{ job_id: 'j1', status: 'running' }]); // asked before the terminal arrived
  c2.subscribe('j1');
  c2.subscribed('j1', 'success');
  c2.listJobs('L2');
  c2.jobs('L2', [{ job_id: 'j1', status: 'success' }]);
  return t.build();
}

/** A streamed result: chunks 0..2, the last with more:false, then job.result naming it. */
export function chunkedResult(): TranscriptEntry[] {
  const t = transcript();
  const c1 = t.session('c1', 's1', 'alice');
  c1.submit({ steps: [{ op: 'chunks', parts: ['a', 'b', 'c'] }, { op: 'finish' }] });
  c1.accepted('j1');
  c1.chunk('j1', 'r1', 0, true, { marker: ['0', 0] });
  c1.chunk('j1', 'r1', 1, true, { marker: ['0', 1] });
  c1.chunk('j1', 'r1', 2, false, { marker: ['0', 2] });
  c1.result('j1', { payload: { result_id: 'r1', result_size: 3 } });
  return t.build();
}

/** A session closed mid-job and resumed later: the job ran on and its terminal arrives. */
export function closeThenResume(): TranscriptEntry[] {
  const t = transcript();
  const c1 = t.session('c1', 's1', 'alice');
  c1.submit(logScript(2));
  c1.accepted('j1');
  c1.event('j1', { marker: ['0', 0] });
  c1.close();
  c1.closedAck();
  c1.closed();
  const c2 = t.open('c2', 'principal:alice');
  c2.resume('s1', 1, 'session.resume');
  c2.welcome('s1');
  c2.event('j1', { marker: ['0', 1] });
  c2.result('j1');
  return t.build();
}

/** The submitter drops for good; a subscriber of the same principal sees the job to its end. */
export function subscriberOutlivesOwner(): TranscriptEntry[] {
  const t = transcript();
  const c1 = t.session('c1', 's1', 'alice');
  const c2 = t.session('c2', 's2', 'alice');
  c1.submit(logScript(2));
  c1.accepted('j1', { credentials: [{ id: 'cr1', scheme: 'bearer', value: '[redacted:9]', endpoint: 'https://x' }] });
  c2.subscribe('j1', { history: true, from_event_seq: 0 });
  c2.subscribed('j1', 'running', { credentials: [{ id: 'cr1', scheme: 'bearer', value: '[redacted:9]', endpoint: 'https://x' }] });
  c1.event('j1', { marker: ['0', 0] });
  c2.event('j1', { marker: ['0', 0] });
  c1.drop();
  c2.event('j1', { marker: ['0', 1] });
  c2.result('j1');
  return t.build();
}

/** Error payloads as the spec pins them. */
export function pinnedErrors(): TranscriptEntry[] {
  const t = transcript();
  const c1 = t.session('c1', 's1', 'alice');
  c1.submit({ steps: [{ op: 'tool', tool: 'x' }, { op: 'fail', code: 'BUDGET_EXHAUSTED', message: 'out' }] });
  c1.accepted('j1');
  c1.event('j1', { kind: 'tool_result', body: { call_id: 'k1', error: { code: 'LEASE_EXPIRED', message: 'late', retryable: false } } });
  c1.jobError('j1', 'BUDGET_EXHAUSTED', 'error', { retryable: false });
  c1.send('job.submit', { agent: 'nope' });
  c1.sessionError('AGENT_NOT_AVAILABLE');
  c1.sessionError('INTERNAL_ERROR', true);
  c1.jobError('j9', 'x-vendor.failed', 'error'); // an agent's own code on a terminal is allowed
  return t.build();
}

export const GOOD_TRANSCRIPTS: Readonly<Record<string, () => TranscriptEntry[]>> = {
  twoJobsInterleaved,
  subscriberOwnSeqSpace,
  resumeWithReplay,
  resumeBelowReceived,
  duplicateCancel,
  cancelLosesRace,
  listingAroundTerminal,
  chunkedResult,
  closeThenResume,
  subscriberOutlivesOwner,
  pinnedErrors,
};
