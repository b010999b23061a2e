// Helpers of the security suite: a lease that makes a server provision credentials, reading
// credentials (as redaction labels: the harness replaces every credential value with a
// stable `[redacted:N]`, so two values compare without the kit ever holding one), scanning
// a session for them, and listing every job a session can see.
import { isRedacted } from '../harness/redact.ts';
import { payloadOf, type WireFrame } from '../harness/frames.ts';
import type { Session } from '../harness/session.ts';
import { isRejection, submitAccepted } from '../support/index.ts';
import { heldScript, waitForMarkers } from '../subscribe/support.ts';
import type { ConformanceContext } from '../verdicts/conformance-test.ts';

/** Most session.jobs pages read while looking for a job. */
const MAX_PAGES = 20;

/**
 * A lease with the capabilities credentials are meant to enforce (v1.1 §9.8): cost.budget
 * and model.use where negotiated, so a server that provisions credentials for them does.
 */
export function credentialLease(session: Session): Record<string, string[]> {
  return {
    'tool.call': ['search'],
    ...(session.features.has('cost.budget') ? { 'cost.budget': ['USD:5.00'] } : {}),
    ...(session.features.has('model.use') ? { 'model.use': ['tier-fast/*'] } : {}),
  };
}

/** The `credentials` array of a payload or row; undefined when absent or empty. */
export function credentialsOf(value: unknown): readonly Record<string, unknown>[] | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const list = (value as { credentials?: unknown }).credentials;
  if (!Array.isArray(list) || list.length === 0) return undefined;
  return list.map((c) => (typeof c === 'object' && c !== null ? (c as Record<string, unknown>) : {}));
}

/** The (redacted) values of job.accepted's credentials; UNTESTABLE when the server issued none. */
export function requireCredentials(t: ConformanceContext, accepted: WireFrame): string[] {
  const credentials = credentialsOf(payloadOf(accepted));
  if (credentials === undefined) {
    t.untestable(
      'provisioned_credentials was negotiated but job.accepted carried no credentials for a job whose lease has ' +
        `${Object.keys((payloadOf(accepted).lease as object | undefined) ?? {}).join(', ') || 'no capabilities'}; ` +
        'the confidentiality checks need a job that gets credentials',
    );
  }
  return credentials.map((c) => c.value).filter((v): v is string => typeof v === 'string' && v !== '');
}

/**
 * The first frame the session received (on any of its connections) that contains one of the
 * credential values. The transcript holds each value as its label, wherever it appears.
 */
export function frameWithCredential(session: Session, values: readonly string[]): WireFrame | undefined {
  const labels = values.filter(isRedacted);
  if (labels.length === 0) return undefined;
  return session.connection.framesSince(0).find((frame) => {
    const text = JSON.stringify(frame);
    return labels.some((label) => text.includes(label));
  });
}

/** Every row of every session.jobs page the session gets for an unfiltered session.list_jobs. */
export async function listAllJobs(session: Session, t: ConformanceContext): Promise<{ rows: Record<string, unknown>[]; pages: WireFrame[] }> {
  const rows: Record<string, unknown>[] = [];
  const pages: WireFrame[] = [];
  let cursor: unknown = null;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const reply = await session.request(
      'session.list_jobs',
      { limit: 100, cursor },
      (f, requestId) => (f.type === 'session.jobs' && (payloadOf(f).request_id ?? requestId) === requestId) || isRejection(f),
      { description: 'session.jobs for session.list_jobs', timeoutMs: t.target.timeoutMs },
    );
    if (reply.type !== 'session.jobs') {
      throw new Error(`session.list_jobs was refused with ${String(reply.type)} code=${String(payloadOf(reply).code)} although list_jobs was negotiated`);
    }
    pages.push(reply);
    const jobs = payloadOf(reply).jobs;
    if (Array.isArray(jobs)) rows.push(...jobs.filter((r): r is Record<string, unknown> => typeof r === 'object' && r !== null));
    cursor = payloadOf(reply).next_cursor;
    if (typeof cursor !== 'string' || cursor === '') break;
  }
  return { rows, pages };
}

/** A held job (subscribe/support.ts) whose first event reached the owner. */
export async function startHeldJob(t: ConformanceContext, owner: Session, id: string, lease?: Record<string, string[]>) {
  const mark = owner.mark();
  const submitted = await submitAccepted(owner, t, id, heldScript(1, 1), lease ? { payload: { lease_request: lease } } : {});
  await waitForMarkers(owner, submitted.jobId, 1, t.target.timeoutMs, mark);
  return submitted;
}
