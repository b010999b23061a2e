// What a principal may see of a job: the list_jobs row (v1.1 §6.6) and the job.subscribed
// authority descriptor (v1.1 §7.6). Credentials follow the submitting principal only
// (v1.1 §14) and vanish once revoked at the terminal.
import type { Job } from './job.ts';

/** Whether `principal` may see the job's credentials. */
export function mayHoldCredentials(job: Job, principal: string): boolean {
  return job.principal === principal && job.credentials !== undefined && !job.credentialsRevoked;
}

/** The non-secret authority view shared by list_jobs rows and job.subscribed. */
function authorityView(job: Job): Record<string, unknown> {
  const view: Record<string, unknown> = { job_id: job.id, agent: job.archivedAgent ?? job.agentRef, lease: job.lease.lease };
  if (job.lease.constraints !== undefined) view.lease_constraints = job.lease.constraints;
  const budget = job.lease.budget();
  if (budget !== undefined) view.budget = budget;
  view.parent_job_id = job.parentJobId ?? null;
  view.trace_id = job.traceId;
  return view;
}

/** v1.1 §6.6: a session.jobs row. `last_event_seq` is the job position of its latest event. */
export function listRow(job: Job, principal: string, withCredentials = mayHoldCredentials(job, principal)): Record<string, unknown> {
  const row: Record<string, unknown> = {
    ...authorityView(job),
    status: job.status,
    created_at: job.createdAt,
    last_event_seq: job.position,
  };
  if (withCredentials) row.credentials = job.credentials;
  return row;
}

/** v1.1 §7.6: the job.subscribed payload. */
export function subscribedPayload(
  job: Job,
  subscribedFrom: number,
  replayed: boolean,
  withCredentials: boolean,
): Record<string, unknown> {
  const payload: Record<string, unknown> = {
    ...authorityView(job),
    current_status: job.status,
    subscribed_from: subscribedFrom,
    replayed,
  };
  if (withCredentials) payload.credentials = job.credentials;
  return payload;
}
