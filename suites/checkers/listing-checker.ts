// Listing scope (v1.1 §6.6, LIST-002): a session.jobs row names only jobs the listing
// session's principal may observe. Under the usual deployment policy (profile listPolicy
// `own`) that is the principal's own jobs, so a row naming a job the transcript shows was
// accepted in a session of another principal leaks its existence. A deployment with
// listPolicy `any` lists other principals' jobs on purpose, and the checker cannot see the
// profile: it is opt-in (not in ALL_CHECKERS), and the properties run it only for `own`
// (suites/properties/properties.ts, checkersFor). Pairs with an unknown principal are not judged.
import type { FrameFacts } from './session-tracker.ts';
import { FrameChecker } from './frame-checker.ts';
import type { CheckerContext, CheckerFactory } from './types.ts';
import { stringField } from './wire.ts';

const REQUIREMENTS = ['LIST-002'] as const;

class ListingChecker extends FrameChecker {
  constructor(context: CheckerContext) {
    super('listing', REQUIREMENTS, context);
  }

  protected onFrame(facts: FrameFacts): void {
    const { entry, wire, session } = facts;
    if (wire?.type !== 'session.jobs' || entry.dir !== 'in' || session?.principal === undefined) return;
    if (!Array.isArray(wire.payload.jobs)) return;
    const judged = new Set<string>();
    for (const row of wire.payload.jobs) {
      const jobId = stringField(row, 'job_id');
      if (jobId === undefined || judged.has(jobId)) continue;
      judged.add(jobId);
      const job = this.tracker.job(jobId);
      const submitter = job?.submitterPrincipal;
      if (job?.acceptedIndex === undefined || submitter === undefined || submitter === session.principal) continue;
      this.log.add(
        'LIST-002',
        `session.jobs listed job ${job.id} to ${this.tracker.describeSession(session)} of principal ${session.principal}, but the job was submitted by ${submitter}.`,
        [job.acceptedIndex, entry.index],
      );
    }
  }
}

/** Opt-in: only for deployments that list a principal's own jobs (profile listPolicy `own`). */
export const listingChecker: CheckerFactory = {
  name: 'listing',
  requirements: REQUIREMENTS,
  create: (context) => new ListingChecker(context),
};
