// Job messages (v1.1 §7): submit (with idempotency and agent versions), cancel, subscribe
// and unsubscribe.
import { CAPABILITY_NAME_PATTERN, UTC_TIMESTAMP_PATTERN, type Credential, type Feature, type Lease, type LeaseConstraints, type Message } from '../spec/index.ts';
import { OPTIONAL_STEP_OPS, parseAgentScript, requiredFeatures, type AgentScript, type Step } from '../spec/agent-script.ts';
import { AgentRunner } from './agent-runner.ts';
import { delegate } from './delegation.ts';
import { resolveAgent } from './agents.ts';
import { isoNow, newTraceId, randomId } from './ids.ts';
import { Job } from './job.ts';
import { LeaseState, issueCredential } from './lease.ts';
import { RequestError } from './request-error.ts';
import type { Runtime } from './runtime.ts';
import type { JobEntry, Session } from './session.ts';

/** v1.0 §7.4: default bound between an accepted cancel and the cancelled terminal. */
export const CANCEL_GRACE_MS = 30_000;
import { mayHoldCredentials, subscribedPayload } from './views.ts';

/** JSON with object keys sorted, so equal parameters give equal strings (idempotency). */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function needFeature(session: Session, feature: Feature, what: string): void {
  if (!session.has(feature)) throw new RequestError('INVALID_REQUEST', `${what} needs the ${feature} feature, which this session did not negotiate`);
}

// v1.1 §9.2, §9.5: capability names, feature gates, and expires_at in UTC and in the future.
function validateLease(rt: Runtime, session: Session, lease: Lease, expiresAt: string | undefined): void {
  for (const name of Object.keys(lease)) {
    if (!CAPABILITY_NAME_PATTERN.test(name)) throw new RequestError('INVALID_REQUEST', `lease capability ${JSON.stringify(name)} is not a capability name`);
  }
  if (lease['cost.budget'] !== undefined) needFeature(session, 'cost.budget', 'a cost.budget lease');
  if (lease['model.use'] !== undefined) needFeature(session, 'model.use', 'a model.use lease');
  if (expiresAt === undefined) return;
  needFeature(session, 'lease_expires_at', 'lease_constraints.expires_at');
  // expiry-checked-with-lease: the check lives in the lease builder, skipped for an empty lease.
  if (Object.keys(lease).length === 0 && rt.config.defects.has('expiry-checked-with-lease')) return;
  const at = Date.parse(expiresAt);
  if (!UTC_TIMESTAMP_PATTERN.test(expiresAt) || Number.isNaN(at)) {
    throw new RequestError('INVALID_REQUEST', 'lease_constraints.expires_at must be an ISO 8601 UTC time ending in Z');
  }
  if (at <= Date.now()) throw new RequestError('INVALID_REQUEST', 'lease_constraints.expires_at is not in the future');
}

/** v1.1 §7.1-7.2, §7.5, §9: accept a job, or return the job an idempotency key already names. */
export function onSubmit(rt: Runtime, session: Session, msg: Message<'job.submit'>): void {
  const p = msg.payload;
  const agent = resolveAgent(p.agent);
  const defects = rt.config.defects;
  // default-lease-granted: an absent lease_request takes the runtime's default lease.
  const requested: Lease = p.lease_request ?? (defects.has('default-lease-granted') ? { 'tool.call': ['*'] } : {});
  // lease-star-widened: the normalizer turns a tool namespace's trailing `/*` into `/**`.
  const lease: Lease = defects.has('lease-star-widened') ? widenToolStars(requested) : requested;
  const fingerprint = canonicalJson({
    // idem-ignores-version: the fingerprint keeps the agent's name only.
    agent: defects.has('idem-ignores-version') ? agent.name : `${agent.name}@${agent.version}`,
    input: p.input ?? null,
    lease_request: requested,
    lease_constraints: p.lease_constraints ?? null,
    max_runtime_sec: p.max_runtime_sec ?? null,
  });

  if (p.idempotency_key !== undefined) {
    // idem-conflict-global: the conflict check looks at every principal's keys first.
    const conflicting = defects.has('idem-conflict-global') ? [...rt.jobs.all()].find((j) => j.idempotencyKey === p.idempotency_key && j.fingerprint !== fingerprint) : undefined;
    if (conflicting !== undefined) throw new RequestError('DUPLICATE_KEY', 'idempotency_key was used with different parameters', { job_id: conflicting.id });
    const prior = rt.jobs.findByKey(session.principal, p.idempotency_key);
    if (prior !== undefined) {
      if (prior.fingerprint !== fingerprint) {
        throw new RequestError('DUPLICATE_KEY', 'idempotency_key was used with different parameters', { job_id: prior.id });
      }
      return reattach(rt, session, prior);
    }
  }

  validateLease(rt, session, lease, p.lease_constraints?.expires_at);
  const parsed = parseAgentScript(p.input);
  if (!parsed.ok) throw new RequestError('INVALID_REQUEST', `input is not a valid conformance script: ${parsed.problems.join('; ')}`, { problems: parsed.problems });
  for (const feature of requiredFeatures(parsed.script)) needFeature(session, feature, 'this script');
  // The agent-without-optional-steps variant: an agent that never learnt the optional steps.
  const optional = rt.config.variants.has('agent-without-optional-steps') ? optionalStepOps(parsed.script.steps) : [];
  if (optional.length > 0) throw new RequestError('INVALID_REQUEST', `input is not a valid conformance script: unknown op ${optional.map((op) => JSON.stringify(op)).join(', ')}`);

  // trace-id-span-length: the generated id comes from the span-id helper (8 bytes).
  const traceId = msg.trace_id ?? (defects.has('trace-id-span-length') ? randomId('', 8) : newTraceId());
  startJob(rt, session, {
    agent,
    lease,
    constraints: p.lease_constraints,
    script: parsed.script,
    traceId,
    idempotencyKey: p.idempotency_key,
    fingerprint,
    maxRuntimeSec: p.max_runtime_sec,
  });
}

/** What starting a job needs, from a job.submit or a delegation. */
export interface JobStart {
  readonly agent: { readonly name: string; readonly version: string };
  readonly lease: Lease;
  readonly constraints: LeaseConstraints | undefined;
  readonly script: AgentScript;
  readonly traceId: string;
  readonly idempotencyKey?: string | undefined;
  readonly fingerprint: string;
  readonly maxRuntimeSec?: number | undefined;
  /** A delegated child: its parent and the delegate_id that asked for it (v1.0 §10.1). */
  readonly parent?: { readonly jobId: string; readonly delegateId: string };
}

/** Creates the job, sends job.accepted to the session (which observes the job) and starts its agent. */
export function startJob(rt: Runtime, session: Session, start: JobStart): Job {
  const { lease, constraints, script } = start;
  // credentials-unnegotiated: the model gateway gets a credential whatever the session negotiated.
  const negotiated = session.has('provisioned_credentials') || (lease['model.use'] !== undefined && rt.config.defects.has('credentials-unnegotiated'));
  const wantsCredentials = negotiated && (lease['cost.budget'] !== undefined || lease['model.use'] !== undefined);
  const job = new Job(
    {
      id: randomId('job_', 12),
      number: rt.jobs.nextNumber(),
      principal: session.principal,
      submitterSessionId: session.id,
      agentName: start.agent.name,
      agentVersion: start.agent.version,
      lease: new LeaseState(lease, constraints, rt.config.defects),
      credentials: wantsCredentials ? [credentialFor(rt, lease, constraints)] : undefined,
      traceId: start.traceId,
      idempotencyKey: start.idempotencyKey,
      fingerprint: start.fingerprint,
      parentJobId: start.parent?.jobId,
      maxRuntimeSec: start.maxRuntimeSec,
      // v1.0 §7.4: the cancelled terminal comes within the grace period, however long the agent lingers.
      // The cancel-no-linger variant ends it at once.
      lingerMs: rt.config.variants.has('cancel-no-linger') ? 0 : Math.min(script.on_cancel?.linger_ms ?? 0, CANCEL_GRACE_MS),
    },
    rt.config,
  );
  job.acceptedPayload = acceptedPayload(job, start.parent?.delegateId);
  // accepted-empty-lease-omitted: the serializer drops empty objects.
  if (Object.keys(lease).length === 0 && rt.config.defects.has('accepted-empty-lease-omitted')) delete job.acceptedPayload.lease;
  rt.jobs.add(job);
  rt.subscriptions.observe(session, job);
  session.outbound.send('job.accepted', job.acceptedPayload, { job_id: job.id, trace_id: job.traceId });
  if (rt.config.variants.has('runtime-status-event')) void job.publishEvent('status', { phase: 'running', message: 'agent starting' });
  // credentials-announced: the model gateway's credential comes after job.accepted, announced to every observer.
  if (job.credentials !== undefined && lease['model.use'] !== undefined && rt.config.defects.has('credentials-announced')) {
    void job.publishEvent('status', { phase: 'credentials_issued', credentials: [...job.credentials, issueCredential(lease, constraints)] });
  }
  const runner = new AgentRunner(job, script, {
    resultField: rt.config.variants.has('result-field-renamed') ? 'output' : 'result',
    delegate: (request) => delegate(rt, job, request),
  });
  void runner.run();
  return job;
}

/** The lease-star-widened defect's normalizer: `fetch/*` in tool.call becomes `fetch/**`. */
function widenToolStars(lease: Lease): Lease {
  const tools = lease['tool.call'];
  if (tools === undefined) return lease;
  return { ...lease, 'tool.call': tools.map((pattern) => (pattern.endsWith('/*') ? `${pattern}*` : pattern)) };
}

/** Slim records of issued credentials by lease (only the credential-cached-by-lease defect keeps them). */
const credentialCache = new WeakMap<Runtime, Map<string, Omit<Credential, 'scheme'>>>();

/** A fresh credential for the job; the credential-cached-by-lease defect hands out a cached one for a lease seen before. */
function credentialFor(rt: Runtime, lease: Lease, constraints: LeaseConstraints | undefined): Credential {
  if (!rt.config.defects.has('credential-cached-by-lease')) return issueCredential(lease, constraints);
  const cache = credentialCache.get(rt) ?? new Map<string, Omit<Credential, 'scheme'>>();
  credentialCache.set(rt, cache);
  const key = canonicalJson(lease);
  const cached = cache.get(key);
  if (cached !== undefined) return cached as Credential;
  const credential = issueCredential(lease, constraints);
  const { scheme: _dropped, ...slim } = credential;
  cache.set(key, slim);
  return credential;
}

function acceptedPayload(job: Job, delegateId: string | undefined): Record<string, unknown> {
  const payload: Record<string, unknown> = { job_id: job.id, agent: job.agentRef, lease: job.lease.lease };
  // v1.0 §10.1: a delegated child's acceptance names its parent and the delegation.
  if (job.parentJobId !== undefined) Object.assign(payload, { parent_job_id: job.parentJobId, delegate_id: delegateId });
  if (job.lease.constraints !== undefined) payload.lease_constraints = job.lease.constraints;
  const budget = job.lease.budget();
  if (budget !== undefined) payload.budget = budget;
  if (job.credentials !== undefined) payload.credentials = job.credentials;
  payload.accepted_at = job.createdAt;
  payload.trace_id = job.traceId;
  return payload;
}

// v1.0 §7.2: a running job streams on from now; a finished one replays its terminal, once.
function reattach(rt: Runtime, session: Session, job: Job): void {
  // idem-other-session: a hit from another session is answered from the key index alone.
  if (session.id !== job.submitterSessionId && rt.config.defects.has('idem-other-session')) {
    return session.outbound.send('job.accepted', { ...job.acceptedPayload, accepted_at: isoNow() }, { job_id: job.id, trace_id: job.traceId });
  }
  session.outbound.send('job.accepted', job.acceptedPayload, { job_id: job.id, trace_id: job.traceId });
  if (job.terminal === undefined) return rt.subscriptions.observe(session, job);
  void session.deliver(job, job.terminal.pos, job.terminal.entry);
}

function jobIdOf(msg: { job_id?: string | undefined; payload: { job_id?: string | undefined } }): string {
  const onEnvelope = msg.job_id;
  const inPayload = msg.payload.job_id;
  if (onEnvelope !== undefined && inPayload !== undefined && onEnvelope !== inPayload) {
    throw new RequestError('INVALID_REQUEST', 'job_id on the envelope and in the payload differ');
  }
  const id = onEnvelope ?? inPayload;
  if (id === undefined) throw new RequestError('INVALID_REQUEST', 'job_id is required');
  return id;
}

function visibleJob(rt: Runtime, session: Session, jobId: string): Job {
  const job = rt.jobs.get(jobId);
  if (job === undefined || !rt.canSee(session, job)) throw new RequestError('JOB_NOT_FOUND', `no job ${jobId} visible to this session`, { job_id: jobId });
  return job;
}

/**
 * v1.1 §7.4: only the submitting principal cancels a live job: job.cancelled, then one
 * CANCELLED terminal. A cancel that would change nothing (job already ending or ended)
 * is answered with session.error INVALID_REQUEST and changes nothing.
 */
export function onCancel(rt: Runtime, session: Session, msg: Message<'job.cancel'>): void {
  const jobId = jobIdOf(msg);
  const existing = rt.jobs.get(jobId);
  // foreign-cancel-marks-job: the request is recorded before anyone checks who sent it.
  if (existing !== undefined && existing.terminal === undefined && existing.principal !== session.principal && rt.config.defects.has('foreign-cancel-marks-job')) {
    existing.cancelRequested = true;
  }
  if (existing !== undefined && existing.principal !== session.principal && rt.config.defects.has('cancel-reveals-existence')) {
    throw new RequestError('PERMISSION_DENIED', 'only the submitting principal may cancel a job', { job_id: jobId });
  }
  const subscriberMayCancel = existing !== undefined && rt.config.defects.has('subscriber-can-cancel') && rt.subscriptions.observes(session, existing);
  const mayCancel = existing !== undefined && (existing.principal === session.principal || subscriberMayCancel);
  // The silent-foreign-cancel variant: no answer to a cancel it will not act on, alike for
  // a foreign job and an unknown id (so the silence reveals nothing, v1.1 §6.6).
  if (!mayCancel && rt.config.variants.has('silent-foreign-cancel')) return;
  const job = visibleJob(rt, session, jobId);
  if (job.principal !== session.principal && !subscriberMayCancel) {
    throw new RequestError('PERMISSION_DENIED', 'only the submitting principal may cancel a job', { job_id: job.id });
  }
  const reason = msg.payload.reason ?? 'cancelled by client';
  if (job.terminal !== undefined) {
    if (rt.config.defects.has('cancel-after-terminal')) {
      session.outbound.send('job.cancelled', { job_id: job.id, reason }, { job_id: job.id });
      void job.cancelAfterTerminal();
      return;
    }
    throw new RequestError('INVALID_REQUEST', `job ${job.id} has already ended (${job.status})`, { job_id: job.id, status: job.status });
  }
  if (job.cancelRequested) {
    // linger-cancel-twice: a cancel of a lingering job forces the terminal now, past the once-guard.
    if (job.lingering && rt.config.defects.has('linger-cancel-twice')) return void job.cancelAfterTerminal();
    throw new RequestError('INVALID_REQUEST', `job ${job.id} is already being cancelled`, { job_id: job.id, status: job.status });
  }
  // cancel-ack-needs-event: the ack rides the agent's event path, which a silent job has not opened.
  if (!(job.position === 0 && rt.config.defects.has('cancel-ack-needs-event'))) {
    // cancel-ack-carries-seq: the ack names the latest seq sent ("cancelled after this event").
    const seq = rt.config.defects.has('cancel-ack-carries-seq') ? { event_seq: session.outbound.lastSeq } : {};
    session.outbound.send('job.cancelled', { job_id: job.id, reason }, { job_id: job.id, ...seq });
  }
  job.requestCancel();
}

/**
 * v1.1 §7.6: job.subscribed, then (with history) the buffered events after from_event_seq
 * (job positions; list_jobs' last_event_seq uses the same numbers), then live events, all
 * re-stamped in this session's seq space. A position this session already has is never sent again.
 */
export function onSubscribe(rt: Runtime, session: Session, msg: Message<'job.subscribe'>): void {
  needFeature(session, 'subscribe', 'job.subscribe');
  const { job_id, from_event_seq, history } = msg.payload;
  const job = rt.jobs.get(job_id);
  if (job === undefined) throw new RequestError('JOB_NOT_FOUND', `no job ${job_id}`, { job_id });
  // subscribe-observe-before-check: the session joins the fan-out before the policy decides.
  if (job.terminal === undefined && rt.config.defects.has('subscribe-observe-before-check')) rt.subscriptions.observe(session, job, job.position);
  // subscribe-live-unchecked: only the history branch checks the principal.
  const checked = history === true || !rt.config.defects.has('subscribe-live-unchecked');
  if (checked && job.principal !== session.principal && rt.config.subscribePolicy !== 'any') {
    throw new RequestError('PERMISSION_DENIED', 'only the submitting principal may subscribe to this job', { job_id });
  }
  const delivered = session.delivered.get(job.id) ?? 0;
  let from = Math.max(job.position, delivered);
  if (history === true) {
    // Without from_event_seq: everything still buffered.
    from = Math.max(from_event_seq ?? job.history.first - 1, delivered);
    if (!job.history.covers(from) && from < job.position) {
      throw new RequestError('INVALID_REQUEST', `history after position ${from} is no longer buffered`, {
        job_id,
        oldest_buffered_seq: job.history.first,
      });
    }
  }
  const replay = history === true ? job.history.slice(from + 1, job.position) : [];
  const withCredentials = mayHoldCredentials(job, session.principal) || (rt.config.defects.has('credentials-leak') && job.credentials !== undefined);
  session.outbound.send('job.subscribed', subscribedPayload(job, job.position, replay.length > 0, withCredentials), { job_id: job.id });
  // history-skips-feature-gate: the replay path forgets the feature each entry needs.
  const ungated = rt.config.defects.has('history-skips-feature-gate');
  replay.forEach((entry, k) => void session.deliver(job, from + 1 + k, ungated ? withoutFeature(entry) : entry));
  // history-dup-after-live: joining the fan-out group another subscriber already follows
  // catches up from where the replay started, so the replayed events come twice.
  if (rt.config.defects.has('history-dup-after-live') && [...job.observers].some((s) => s.id !== job.submitterSessionId)) {
    session.delivered.set(job.id, from);
    replay.forEach((entry, k) => void session.deliver(job, from + 1 + k, entry));
  }
  if (job.terminal === undefined) rt.subscriptions.observe(session, job, job.position);
}

/** The optional steps (spec/conformance-agent.md) a step list uses, parallel branches included. */
function optionalStepOps(steps: readonly Step[]): string[] {
  const used = steps.flatMap((step): string[] => (step.op === 'parallel' ? step.branches.flatMap(optionalStepOps) : [step.op]));
  return [...new Set(used.filter((op) => (OPTIONAL_STEP_OPS as readonly string[]).includes(op)))];
}

function withoutFeature({ feature: _forgotten, ...entry }: JobEntry): JobEntry {
  return entry;
}

/** v1.1 §7.6: stop receiving a subscribed job. The submitting session stays attached. */
export function onUnsubscribe(rt: Runtime, session: Session, msg: Message<'job.unsubscribe'>): void {
  needFeature(session, 'subscribe', 'job.unsubscribe');
  const job = visibleJob(rt, session, msg.payload.job_id);
  if (!rt.subscriptions.observes(session, job) || job.submitterSessionId === session.id) {
    throw new RequestError('INVALID_REQUEST', `this session has no subscription to ${job.id}`, { job_id: job.id });
  }
  rt.subscriptions.unobserve(session, job);
}
