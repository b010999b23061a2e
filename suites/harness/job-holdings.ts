// The rejection rule (DESIGN §5), in the one place the harness, the suites and the checkers
// read it from. A `job.error` answers a request (a rejection) unless it names a job the
// session holds: one it got a `job.accepted` or a `job.subscribed` for. Then it is that
// job's terminal, and "one terminal per job" applies to it. Servers reject a submit, a
// foreign cancel or a subscribe with a `job.error` that carries a job_id (a fresh one, the
// target's, the original job's), so "has a job_id" cannot be the test.

export type JobErrorRole = 'rejection' | 'terminal';

/** The job a frame makes its session hold: the job of a job.accepted or job.subscribed. */
export function jobHeldAfter(type: unknown, jobId: string | undefined): string | undefined {
  return (type === 'job.accepted' || type === 'job.subscribed') && jobId !== undefined ? jobId : undefined;
}

/**
 * Whether a job.accepted announces a delegated child job (v1.0 §10.1: it carries the
 * parent's id): the runtime sends it on its own, so it answers no job.submit.
 */
export function isDelegatedAccept(frame: { readonly type?: unknown; readonly payload?: unknown }): boolean {
  const payload = frame.payload;
  return frame.type === 'job.accepted' && typeof payload === 'object' && payload !== null && stringOf((payload as Record<string, unknown>).parent_job_id) !== undefined;
}

/** What a job.error naming `jobId` (or none) is to a session that holds the jobs `holds` accepts. */
export function jobErrorRole(jobId: string | undefined, holds: (jobId: string) => boolean): JobErrorRole {
  return jobId !== undefined && holds(jobId) ? 'terminal' : 'rejection';
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** A frame's job: the envelope `job_id`, else `payload.job_id`. */
export function jobIdOf(frame: { readonly job_id?: unknown; readonly payload?: unknown }): string | undefined {
  const payload = frame.payload;
  return stringOf(frame.job_id) ?? (typeof payload === 'object' && payload !== null ? stringOf((payload as Record<string, unknown>).job_id) : undefined);
}

/** Each received job.error's role, decided when it arrived (a later acceptance cannot change it). */
const roles = new WeakMap<object, JobErrorRole>();

/**
 * The jobs one session holds, fed every frame its connections receive, in arrival order;
 * a resumed session's connections share one.
 */
export class JobHoldings {
  readonly #held = new Set<string>();

  holds(jobId: string): boolean {
    return this.#held.has(jobId);
  }

  /** Feeds one received frame; `recorded` is the object waits and predicates see (the redacted copy). */
  observe(frame: unknown, recorded: unknown): void {
    if (typeof frame !== 'object' || frame === null) return;
    const wire = frame as { readonly type?: unknown; readonly job_id?: unknown; readonly payload?: unknown };
    const jobId = jobIdOf(wire);
    const held = jobHeldAfter(wire.type, jobId);
    if (held !== undefined) this.#held.add(held);
    if (wire.type === 'job.error' && typeof recorded === 'object' && recorded !== null) {
      roles.set(recorded, jobErrorRole(jobId, (id) => this.holds(id)));
    }
  }
}

/**
 * The role of a received job.error: as decided on arrival; for a frame no connection
 * received (built by a test), a job.error without a job is a rejection and one with a job
 * a terminal.
 */
export function roleOfJobError(frame: { readonly job_id?: unknown; readonly payload?: unknown }): JobErrorRole {
  return roles.get(frame) ?? (jobIdOf(frame) === undefined ? 'rejection' : 'terminal');
}

/** A rejected request: session.error, or a job.error naming no job the session holds. */
export function isRejection(frame: { readonly type?: unknown; readonly job_id?: unknown; readonly payload?: unknown }): boolean {
  return frame.type === 'session.error' || (frame.type === 'job.error' && roleOfJobError(frame) === 'rejection');
}

/** A job's terminal: its job.result, or a job.error for a job the session holds. */
export function isTerminal(frame: { readonly type?: unknown; readonly job_id?: unknown; readonly payload?: unknown }): boolean {
  if (frame.type === 'job.result') return jobIdOf(frame) !== undefined;
  return frame.type === 'job.error' && roleOfJobError(frame) === 'terminal';
}
