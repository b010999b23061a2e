// LIFE-004 (v1.1 §7.3): a terminal job shows its final status wherever its status is shown,
// in session.list_jobs rows and in job.subscribed, and keeps showing it. Shared by the
// lifecycle suite (success, error) and the final-status suite (cancelled, timed_out, a
// lease expiry).
import type { Session } from '../harness/session.ts';
import { type JobRun, type TestSessions, QUIET_MS, brief, evidenceAround, findListedJob, subscribeTo } from '../support/index.ts';
import { payloadOf } from '../harness/frames.ts';
import type { ConformanceContext } from '../verdicts/conformance-test.ts';

/** N/A unless the session can see a job's status: by list_jobs or by subscribe. */
export function requireStatusView(t: ConformanceContext, session: Session): void {
  if (!session.features.has('list_jobs') && !session.features.has('subscribe')) {
    t.notApplicable("features not negotiated: list_jobs and subscribe (either shows a job's status)");
  }
}

/**
 * Looks twice, a moment apart, at each finished job's status in the listing and in a
 * job.subscribed of another session of the principal, and requires its terminal's
 * final_status. A job the server no longer keeps (no row, or a refused subscribe; keeping
 * finished jobs is a SHOULD, LIST-007) is not judged there; when nothing could be judged
 * the test is UNTESTABLE, never a silent pass.
 */
export async function judgeFinalStatuses(t: ConformanceContext, s: Session, sessions: TestSessions, runs: readonly Pick<JobRun, 'jobId' | 'accepted' | 'terminal'>[]): Promise<void> {
  const watcher = s.features.has('subscribe') ? await sessions.open({ label: 'watcher' }) : undefined;
  let judged = 0;
  // Twice, a moment apart: the status is final, not just final for now.
  for (const round of [1, 2]) {
    if (round === 2) await s.watch(() => false, { description: 'a pause between two looks at the status', forMs: QUIET_MS });
    for (const run of runs) {
      const final = payloadOf(run.terminal).final_status;
      if (s.features.has('list_jobs')) {
        const { row, listing } = await findListedJob(s, t, run.jobId, run.accepted);
        if (row !== undefined) {
          judged += 1;
          t.must('LIFE-004', row.status === final, () => ({
            expected: `job ${run.jobId} listed with status ${JSON.stringify(final)} (its terminal: ${brief(run.terminal)})`,
            actual: `${brief(listing)}: row status ${JSON.stringify(row.status)}`,
            ...evidenceAround(s, run.terminal, listing),
          }));
        }
      }
      if (watcher !== undefined) {
        const subscribed = await subscribeTo(watcher, t, run.jobId);
        if (subscribed.type === 'job.subscribed') {
          judged += 1;
          t.must('LIFE-004', payloadOf(subscribed).current_status === final, () => ({
            expected: `job.subscribed current_status ${JSON.stringify(final)} for job ${run.jobId} (its terminal: ${brief(run.terminal)})`,
            actual: brief(subscribed),
            ...evidenceAround(s, run.terminal, subscribed),
          }));
        }
      }
    }
  }
  if (judged === 0) t.untestable('the server kept none of the finished jobs: no listing row and no job.subscribed showed their status');
}
