// Which sessions receive which job's events. The job holds its observers; the session
// remembers, per job, how far it has been delivered. A session that is gone for good must
// be detached from every job, or fan-out keeps filling a dead outbox: the audited
// ruby-subscription-leak-on-close bug, re-created by the `subscription-leak` defect.
import type { Defects } from './defects.ts';
import type { Job } from './job.ts';
import type { JobRegistry } from './jobs.ts';
import type { Session } from './session.ts';

export class Subscriptions {
  readonly #jobs: JobRegistry;
  readonly #defects: Defects;

  constructor(jobs: JobRegistry, defects: Defects) {
    this.#jobs = jobs;
    this.#defects = defects;
  }

  /** Live delivery of `job` to `session` from the job's next position on (or from `from`). */
  observe(session: Session, job: Job, from = job.position): void {
    if (!session.delivered.has(job.id) || (session.delivered.get(job.id) as number) < from) session.delivered.set(job.id, from);
    job.observers.add(session);
  }

  unobserve(session: Session, job: Job): void {
    job.observers.delete(session);
  }

  observes(session: Session, job: Job): boolean {
    return job.observers.has(session);
  }

  /** The session is gone for good: detach it from every job it observed. */
  dropSession(session: Session): void {
    if (this.#defects.has('subscription-leak')) return;
    for (const jobId of session.delivered.keys()) this.#jobs.get(jobId)?.observers.delete(session);
    session.delivered.clear();
  }

  /** The job is forgotten: no session keeps a position for it. */
  dropJob(job: Job): void {
    for (const session of job.observers) session.delivered.delete(job.id);
    job.observers.clear();
  }

  /** Observer rows across all jobs, and those whose session is gone (leaked). */
  rows(): { total: number; orphaned: number; orphanedBufferedEvents: number } {
    let total = 0;
    let orphaned = 0;
    const orphanSessions = new Set<Session>();
    for (const job of this.#jobs.all()) {
      total += job.observers.size;
      for (const session of job.observers) {
        if (session.expired) {
          orphaned += 1;
          orphanSessions.add(session);
        }
      }
    }
    let orphanedBufferedEvents = 0;
    for (const session of orphanSessions) orphanedBufferedEvents += session.outbound.log.size;
    return { total, orphaned, orphanedBufferedEvents };
  }
}
