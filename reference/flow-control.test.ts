// Flow control (v1.1 §6.5, §13.2): a client that stops reading throttles the agent instead
// of letting the runtime buffer without bound; reading again lets the job run on. Observed
// on the wire through list_jobs' last_event_seq (the job's position) from a second session.
import { afterEach, describe, expect, it } from 'vitest';
import { TestBed } from './testing/bed.ts';
import { seqProblem, sleep, type TestClient } from './testing/client.ts';

let bed: TestBed;
afterEach(async () => bed?.stop());

async function position(observer: TestClient, jobId: string): Promise<number> {
  const from = observer.frames.length;
  observer.send({ type: 'session.list_jobs', payload: {} });
  const jobs = (await observer.waitFor((f) => f.type === 'session.jobs', { from })).payload.jobs as Array<{ job_id: string; last_event_seq: number }>;
  return jobs.find((j) => j.job_id === jobId)?.last_event_seq ?? -1;
}

describe('flow control', () => {
  it('stalls the agent while the client does not read, and resumes when it does', { timeout: 60_000 }, async () => {
    bed = await TestBed.start({ socketHighWaterBytes: 64 * 1024 });
    const reader = await bed.open();
    const observer = await bed.open();
    const total = 2_000_000;
    const job = await reader.start({ steps: [{ op: 'emit', kind: 'log', count: total }] });
    reader.socket.pause(); // stop reading: the kernel buffers fill, then the runtime's
    // Wait (bounded) until two readings 300 ms apart agree: the agent has stalled.
    let stalledAt = -1;
    for (let tries = 0; tries < 50; tries++) {
      const before = await position(observer, job);
      await sleep(300);
      if ((await position(observer, job)) === before && before > 0) {
        stalledAt = before;
        break;
      }
    }
    expect(stalledAt).toBeGreaterThan(0);
    expect(stalledAt).toBeLessThan(100_000); // a few MB of socket buffers, not the job
    reader.socket.resume();
    await reader.waitFor((f) => f.job_id === job && (f.event_seq ?? 0) > stalledAt + 10_000, { timeoutMs: 20_000 });
    expect(await position(observer, job)).toBeGreaterThan(stalledAt);
    reader.cancel(job);
    await reader.terminal(job, 30_000);
    expect(seqProblem(reader.frames)).toBeUndefined();
  });
});
