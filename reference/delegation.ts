// Delegation (v1.0 §10, v1.1 §9.4, §10): a running job's agent asks for a child job with a
// lease within its own. The request is an operation through the parent's lease (expiry, the
// `agent.delegate` capability, budget: v1.1 §9.6 lists agent.delegate), then the subset rule
// (spec/lease-subset.ts, the one the kit reads too). A refusal goes back to the parent agent
// (the runner publishes it as a tool_result, v1.0 §10.2); a success starts the child in the
// parent's session, announced by a job.accepted naming parent and delegate_id (v1.0 §10.1).
import type { DelegateStep } from '../spec/agent-script.ts';
import type { ErrorCode } from '../spec/errors.ts';
import type { Lease, LeaseConstraints } from '../spec/lease.ts';
import { leaseExcess } from '../spec/lease-subset.ts';
import { resolveAgent } from './agents.ts';
import type { Defects } from './defects.ts';
import type { Job } from './job.ts';
import { canonicalJson, startJob } from './job-handlers.ts';
import { RequestError } from './request-error.ts';
import type { Runtime } from './runtime.ts';

export interface DelegateRequest {
  /** Chosen by the agent, unique within the parent job; also the refusal's call_id. */
  readonly delegateId: string;
  readonly step: DelegateStep;
}

export interface Refusal {
  readonly code: ErrorCode;
  readonly message: string;
}

/** Starts the child job, or says why not. */
export function delegate(rt: Runtime, parent: Job, { delegateId, step }: DelegateRequest): Refusal | undefined {
  const denial = parent.lease.authorize({ capability: 'agent.delegate', target: step.agent }, Date.now());
  if (denial !== undefined) return denial;
  // delegate-expiry-ends-parent: the child's expires_at goes through job.submit's constraint
  // validator first, whose INVALID_REQUEST the runner treats as the parent's own error.
  if (rt.config.defects.has('delegate-expiry-ends-parent') && expiresLater(parent, step)) {
    return { code: 'INVALID_REQUEST', message: 'lease_constraints.expires_at is later than the lease allows' };
  }
  const excess = childLeaseExcess(parent, step, rt.config.defects);
  if (excess.length > 0) return { code: 'LEASE_SUBSET_VIOLATION', message: `the child lease exceeds the parent's: ${excess.join('; ')}` };
  const session = rt.sessions.get(parent.submitterSessionId);
  if (session === undefined) return { code: 'INTERNAL_ERROR', message: 'the parent job\'s session is gone, so the child job could not be announced' };
  let agent: { name: string; version: string };
  try {
    agent = resolveAgent(step.agent);
  } catch (error) {
    if (error instanceof RequestError) return { code: error.code, message: error.message };
    throw error;
  }
  const lease = childLease(parent, step.lease_request);
  const constraints = childConstraints(parent, step.lease_constraints);
  startJob(rt, session, {
    agent,
    lease,
    constraints,
    script: step.input,
    traceId: parent.traceId, // v1.0 §10.3: delegated jobs inherit the parent's trace_id
    fingerprint: canonicalJson({ parent: parent.id, delegate_id: delegateId }),
    parent: { jobId: parent.id, delegateId },
  });
  return undefined;
}

/** A budget amount the subset check can read (`CUR:decimal`, never an exponent). */
function amount(currency: string, value: number): string {
  return `${currency}:${Math.max(0, value).toFixed(9).replace(/\.?0+$/, '')}`;
}

/** What the child's lease asks beyond the parent's effective lease now, one sentence each. */
function childLeaseExcess(parent: Job, step: DelegateStep, defects: Defects): string[] {
  const bounds: Record<string, readonly string[]> = { ...parent.lease.lease };
  // v1.1 §9.4: the child's budget is held against what the parent has left, not what it started with
  // (the delegate-budget-initial defect holds it against the start).
  const remaining = parent.lease.budget();
  if (remaining !== undefined && !defects.has('delegate-budget-initial')) {
    bounds['cost.budget'] = Object.entries(remaining).map(([currency, left]) => amount(currency, left));
  }
  let requested = step.lease_request;
  // delegate-model-unchecked: the subset check predates model.use (v1.1) and skips it.
  if (defects.has('delegate-model-unchecked')) {
    const { 'model.use': _skipped, ...v10 } = requested;
    requested = v10;
  }
  const problems = leaseExcess(bounds, requested);
  if (expiresLater(parent, step)) {
    problems.push(`lease_constraints.expires_at ${String(step.lease_constraints?.expires_at)} is later than the parent's ${String(parent.lease.constraints?.expires_at)}`);
  }
  return problems;
}

/** v1.1 §9.4: whether the child asks for an expires_at later than the parent's. */
function expiresLater(parent: Job, step: DelegateStep): boolean {
  const childExpiry = step.lease_constraints?.expires_at;
  const parentExpiry = parent.lease.constraints?.expires_at;
  return childExpiry !== undefined && parentExpiry !== undefined && Date.parse(childExpiry) > Date.parse(parentExpiry);
}

/** The child's effective lease: as asked; without a budget of its own it gets the parent's remaining one. */
function childLease(parent: Job, requested: Lease): Lease {
  const remaining = parent.lease.budget();
  if (requested['cost.budget'] !== undefined || remaining === undefined) return requested;
  return { ...requested, 'cost.budget': Object.entries(remaining).map(([currency, left]) => amount(currency, left)) };
}

/** v1.1 §9.4: without an expires_at of its own the child inherits the parent's. */
function childConstraints(parent: Job, requested: LeaseConstraints | undefined): LeaseConstraints | undefined {
  if (requested?.expires_at !== undefined) return requested;
  const inherited = parent.lease.constraints?.expires_at;
  return inherited === undefined ? requested : { ...requested, expires_at: inherited };
}
