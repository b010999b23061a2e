// Throughput and memory of the history checkers alone: N job.events streamed through every
// checker of one monitor (one session, 4 jobs of 4 parallel branches each, a drop and a
// resume with a 1,000-frame replay halfway), no sockets. Prints per-event cost and heap.
//
//   node --expose-gc --import tsx bench/checkers.ts [N]      (default 1,000,000; N divisible by 16)
import { createHistoryMonitor } from '../suites/checkers/index.ts';
import type { TranscriptEntry } from '../suites/harness/transcript-types.ts';
const N = Number(process.argv[2] ?? 1_000_000);
let index = 0;
const frame = (conn: string, dir: 'in' | 'out', f: Record<string, unknown>): TranscriptEntry => ({ kind: 'frame', index: index++, conn, dir, t: index, frame: f, bytes: 100, verdict: { valid: true } });
function* entries(): Generator<TranscriptEntry> {
  yield { kind: 'conn', index: index++, conn: 'c1', t: 0, event: 'open', label: 'principal:alice' };
  yield frame('c1', 'out', { arcp: '1.1', id: 'h', type: 'session.hello', payload: {} });
  yield frame('c1', 'in', { arcp: '1.1', id: 'w', type: 'session.welcome', session_id: 's1', payload: { resume_token: 't1' } });
  const jobs = ['j1', 'j2', 'j3', 'j4'];
  const perBranch = N / 16;
  for (const j of jobs) {
    yield frame('c1', 'out', { arcp: '1.1', id: `sub-${j}`, type: 'job.submit', session_id: 's1', payload: { agent: 'conformance', input: { steps: [{ op: 'parallel', branches: [0, 1, 2, 3].map(() => [{ op: 'emit', kind: 'log', count: perBranch }]) }, { op: 'finish' }] } } });
    yield frame('c1', 'in', { arcp: '1.1', id: `acc-${j}`, type: 'job.accepted', session_id: 's1', payload: { job_id: j, lease: {} } });
  }
  let seq = 0; let conn = 'c1';
  const counters = new Map<string, number>();
  for (let k = 0; k < N; k++) {
    const j = jobs[k % 4]!; const b = `0.${(k >> 2) % 4}`; const key = `${j}/${b}`;
    const i = counters.get(key) ?? 0; counters.set(key, i + 1);
    seq++;
    yield frame(conn, 'in', { arcp: '1.1', id: `e${seq}`, type: 'job.event', session_id: 's1', job_id: j, event_seq: seq, payload: { kind: 'log', body: { level: 'info', message: 'x', marker: { branch: b, i } } } });
    if (k === N / 2) {
      // drop and resume 1000 back: replay 1000 frames
      yield { kind: 'conn', index: index++, conn, t: index, event: 'dropped' };
      conn = 'c2';
      yield { kind: 'conn', index: index++, conn, t: index, event: 'open', label: 'principal:alice' };
      const L = seq - 1000;
      yield frame(conn, 'out', { arcp: '1.1', id: 'r', type: 'session.hello', payload: { resume: { session_id: 's1', resume_token: 't1', last_event_seq: L } } });
      yield frame(conn, 'in', { arcp: '1.1', id: 'w2', type: 'session.welcome', session_id: 's1', payload: { resume_token: 't2' } });
      // replay is regenerated deterministically: recompute the frames L+1..seq
      const back = new Map<string, number>();
      for (let q = 0; q < 1000; q++) {
        const kk = k - 999 + q; const jj = jobs[kk % 4]!; const bb = `0.${(kk >> 2) % 4}`;
        // i for that event = (count of that key before kk); derive from final counters minus occurrences after
        const keyQ = `${jj}/${bb}`; back.set(keyQ, (back.get(keyQ) ?? 0) + 1);
      }
      const seen = new Map<string, number>();
      for (let q = 0; q < 1000; q++) {
        const kk = k - 999 + q; const jj = jobs[kk % 4]!; const bb = `0.${(kk >> 2) % 4}`; const keyQ = `${jj}/${bb}`;
        const i2 = counters.get(keyQ)! - back.get(keyQ)! + (seen.get(keyQ) ?? 0); seen.set(keyQ, (seen.get(keyQ) ?? 0) + 1);
        yield frame(conn, 'in', { arcp: '1.1', id: `r${q}`, type: 'job.event', session_id: 's1', job_id: jj, event_seq: L + 1 + q, payload: { kind: 'log', body: { level: 'info', message: 'x', marker: { branch: bb, i: i2 } } } });
      }
    }
  }
  for (const j of jobs) { seq++; yield frame(conn, 'in', { arcp: '1.1', id: `res-${j}`, type: 'job.result', session_id: 's1', job_id: j, event_seq: seq, payload: { final_status: 'success' } }); }
}
const monitor = createHistoryMonitor();
global.gc?.();
const heap0 = process.memoryUsage().heapUsed;
const start = performance.now();
let peak = 0;
for (const e of entries()) { monitor.observe(e); if ((e.index & 0x3ffff) === 0) { peak = Math.max(peak, process.memoryUsage().heapUsed); } }
const v = monitor.finish({ complete: true });
const ms = performance.now() - start;
global.gc?.();
console.log({ events: N, entries: monitor.observed, ms: Math.round(ms), perEventUs: +(ms * 1000 / monitor.observed).toFixed(2), heapGrowthMB: +((process.memoryUsage().heapUsed - heap0) / 1e6).toFixed(1), peakHeapMB: +(peak / 1e6).toFixed(1), violations: v.map(x => x.requirement + ' ' + x.message).slice(0, 5) });
