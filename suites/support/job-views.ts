// What a server shows of a job after its terminal: its session.jobs row and its
// job.subscribed descriptor. A runtime may forget a finished job (no listing row; v1.1 §6.6
// sets no retention, LIST-007 is a SHOULD judged once in the list-jobs suite), so a test
// that reads a finished job's status or agent takes whichever views the server gives, and
// is UNTESTABLE, with that reason, when it gives none: never a second verdict on the absence.
import { payloadOf, type WireFrame } from '../harness/frames.ts';
import type { Session } from '../harness/session.ts';
import type { ConformanceContext } from '../verdicts/conformance-test.ts';
import { findListedJob, subscribeTo } from './index.ts';

export interface JobView {
  /** Where the view came from, for evidence ("session.jobs row", "job.subscribed"). */
  readonly where: string;
  readonly status: unknown;
  readonly agent: unknown;
  /** The frame that carried it. */
  readonly frame: WireFrame;
}

/**
 * The views of job `jobId` the server gives now: its row in `session`'s listing (with
 * list_jobs) and job.subscribed on `watcher` (a session with subscribe, if any). UNTESTABLE
 * when it gives neither.
 */
export async function viewsOfJob(
  t: ConformanceContext,
  session: Session,
  watcher: Session | undefined,
  jobId: string,
  accepted?: WireFrame,
): Promise<JobView[]> {
  const views: JobView[] = [];
  const misses: string[] = [];
  if (session.features.has('list_jobs')) {
    const { row, listing } = await findListedJob(session, t, jobId, accepted);
    if (row !== undefined) views.push({ where: 'session.jobs row', status: row.status, agent: row.agent, frame: listing });
    else misses.push(`session.list_jobs does not list it (${String(listing.type)})`);
  }
  if (watcher !== undefined && watcher.features.has('subscribe')) {
    const subscribed = await subscribeTo(watcher, t, jobId);
    const p = payloadOf(subscribed);
    if (subscribed.type === 'job.subscribed') views.push({ where: 'job.subscribed', status: p.current_status, agent: p.agent, frame: subscribed });
    else misses.push(`job.subscribe was answered ${String(subscribed.type)} ${String(p.code ?? '')}`.trim());
  }
  if (views.length === 0) {
    t.untestable(
      `the server shows finished job ${jobId} nowhere: ${misses.join('; ') || 'neither list_jobs nor subscribe was negotiated'}. ` +
        'A runtime may forget finished jobs (LIST-007, a SHOULD, judges that once); this check needs a view of one',
    );
  }
  return views;
}
