// A small two-connection transcript for tests of the reports: an owner and a subscriber,
// a cancel racing a terminal, a dropped connection, and one hostile frame whose fields
// try to break out of HTML, SVG, XML and markdown.
import type { TranscriptEntry } from '../../suites/harness/transcript-types.ts';

export const HOSTILE_TEXT = '</script><img src=x onerror=alert(1)>]]>&"\'|`';

const ok = { valid: true } as const;

export const SAMPLE_TRANSCRIPT: readonly TranscriptEntry[] = [
  { kind: 'conn', index: 0, conn: 'c1', t: 0, event: 'open', label: 'owner' },
  { kind: 'frame', index: 1, conn: 'c1', dir: 'out', t: 1, bytes: 80, verdict: ok,
    frame: { arcp: '1.1', id: 'm1', type: 'session.hello', payload: { auth: { scheme: 'bearer', token: '[redacted:1]' } } } },
  { kind: 'frame', index: 2, conn: 'c1', dir: 'in', t: 3, bytes: 90, verdict: ok,
    frame: { arcp: '1.1', id: 's1', type: 'session.welcome', session_id: 'S1', payload: { resume_token: '[redacted:2]' } } },
  { kind: 'conn', index: 3, conn: 'c2', t: 4, event: 'open', label: 'subscriber' },
  { kind: 'frame', index: 4, conn: 'c1', dir: 'out', t: 5, bytes: 70, verdict: ok,
    frame: { arcp: '1.1', id: 'm2', type: 'job.cancel', job_id: 'job_7', payload: { job_id: 'job_7', reason: 'test' } } },
  { kind: 'frame', index: 5, conn: 'c1', dir: 'in', t: 6, bytes: 70, verdict: ok,
    frame: { arcp: '1.1', id: 's2', type: 'job.result', session_id: 'S1', job_id: 'job_7', event_seq: 4, payload: { final_status: 'success' } } },
  { kind: 'frame', index: 6, conn: 'c1', dir: 'in', t: 7, bytes: 70, verdict: ok,
    frame: { arcp: '1.1', id: 's3', type: 'job.error', session_id: 'S1', job_id: 'job_7', event_seq: 5, payload: { code: 'CANCELLED', final_status: 'cancelled' } } },
  { kind: 'frame', index: 7, conn: 'c2', dir: 'in', t: 8, bytes: 120, verdict: { valid: false, errors: [`type: ${HOSTILE_TEXT}`] },
    frame: { arcp: '1.1', id: HOSTILE_TEXT, type: HOSTILE_TEXT, job_id: HOSTILE_TEXT, payload: { kind: HOSTILE_TEXT } } },
  { kind: 'conn', index: 8, conn: 'c2', t: 9, event: 'dropped' },
  { kind: 'conn', index: 9, conn: 'c1', t: 10, event: 'closed', code: 1000, reason: HOSTILE_TEXT },
];

/** The frames that prove the double terminal. */
export const SAMPLE_WITNESSES: readonly number[] = [5, 6];
