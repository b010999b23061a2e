// Credential confidentiality (v1.1 §7.6, §9.8, §14): `credentials` follow the submitting
// principal only. A job.subscribed (CRED-004), a session.jobs row (CRED-005), or any other
// frame (CRED-006: job.accepted, a credential_rotated status event) that carries credentials
// to a session whose principal is not the job's submitter is a leak. Principals come from
// principals.ts (labels or an explicit map); pairs with an unknown principal are not judged.
// Messages never carry credential values (transcripts hold redaction labels anyway).
import type { FrameFacts, SessionState } from './session-tracker.ts';
import { FrameChecker } from './frame-checker.ts';
import type { CheckerContext, CheckerFactory } from './types.ts';
import { eventBody, eventKind, isObject, stringField } from './wire.ts';

const REQUIREMENTS = ['CRED-004', 'CRED-005', 'CRED-006'] as const;

function carriesCredentials(value: unknown): boolean {
  return isObject(value) && Array.isArray(value.credentials) && value.credentials.length > 0;
}

/** A rotation event's new secret, in any of the places servers put it (redact.ts agrees). */
function carriesRotatedValue(facts: FrameFacts): boolean {
  const wire = facts.wire;
  if (wire === undefined || wire.type !== 'job.event' || eventKind(wire) !== 'status') return false;
  const body = eventBody(wire);
  if (body === undefined || body.phase !== 'credential_rotated') return false;
  return body.value !== undefined || (isObject(body.credential) && body.credential.value !== undefined) || carriesCredentials(body);
}

class CredentialChecker extends FrameChecker {
  constructor(context: CheckerContext) {
    super('credential', REQUIREMENTS, context);
  }

  protected onFrame(facts: FrameFacts): void {
    const { entry, wire, session } = facts;
    if (wire === undefined || entry.dir !== 'in' || session?.principal === undefined) return;
    switch (wire.type) {
      case 'job.subscribed':
        if (carriesCredentials(wire.payload)) this.judge('CRED-004', facts, session, wire.jobId, 'job.subscribed');
        return;
      case 'job.accepted':
        if (carriesCredentials(wire.payload)) this.judge('CRED-006', facts, session, wire.jobId, 'job.accepted');
        return;
      case 'session.jobs':
        if (!Array.isArray(wire.payload.jobs)) return;
        for (const row of wire.payload.jobs) {
          if (carriesCredentials(row)) this.judge('CRED-005', facts, session, stringField(row, 'job_id'), 'a session.jobs row');
        }
        return;
      case 'job.event':
        if (carriesRotatedValue(facts)) this.judge('CRED-006', facts, session, wire.jobId, 'a credential_rotated status event');
        return;
      default:
        return;
    }
  }

  private judge(id: string, facts: FrameFacts, session: SessionState, jobId: string | undefined, what: string): void {
    const job = jobId === undefined ? undefined : this.tracker.job(jobId);
    const submitter = job?.submitterPrincipal;
    if (job === undefined || submitter === undefined || submitter === session.principal) return;
    this.log.add(
      id,
      `${what} for job ${job.id} delivered credentials to ${this.tracker.describeSession(session)} of principal ${session.principal}, but the job's submitter is ${submitter}.`,
      [job.acceptedIndex, facts.entry.index],
    );
  }
}

export const credentialChecker: CheckerFactory = {
  name: 'credential',
  requirements: REQUIREMENTS,
  create: (context) => new CredentialChecker(context),
};
