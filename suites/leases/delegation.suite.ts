// Delegation (v1.0 §10, v1.1 §9.4, §10): a child lease beyond the parent's is refused with
// LEASE_SUBSET_VIOLATION as a tool_result on the parent job, for each way a lease can be
// wider: a capability, a pattern, the budget left, expires_at, a model. Each delegation runs
// in a job of its own, so a refusal is never attributed to the wrong request whatever
// call_id the server picks. The conformance agent's `delegate` step is OPTIONAL: a server
// whose agent lacks it is N/A (leases/support.ts runOptionalStep).
import { describe } from 'vitest';
import type { AgentScript, Step } from '../../spec/agent-script.ts';
import { isDelegatedAccept, isRejection } from '../harness/job-holdings.ts';
import { payloadOf, type WireFrame } from '../harness/frames.ts';
import type { Session } from '../harness/session.ts';
import { brief, evidenceAround, requireAgent, withSessions } from '../support/index.ts';
import { conformanceTest, type ConformanceContext } from '../verdicts/conformance-test.ts';
import { eventBody, runOptionalStep, utcFromNow } from './support.ts';

/** The parent's budget and what it spends before delegating: USD 2.00 is left. */
const BUDGET = 5;
const SPENT = 3;
/** The parent's expires_at, from the submit on. */
const PARENT_LEASE_MS = 10 * 60_000;

/** One delegation: the child lease it asks for and what makes it what it is. */
interface Delegation {
  readonly what: string;
  readonly lease: Record<string, string[]>;
  readonly constraints?: { readonly expires_at: string };
}

/** The parent's lease: every dimension a child can exceed, where negotiated. */
function parentLease(t: ConformanceContext, session: Session): Record<string, string[]> {
  return {
    'agent.delegate': [t.target.profile.agent],
    'tool.call': ['search'],
    'fs.read': ['/workspace/**'],
    ...(session.features.has('cost.budget') ? { 'cost.budget': [`USD:${BUDGET}.00`] } : {}),
    ...(session.features.has('model.use') ? { 'model.use': ['tier-fast/*'] } : {}),
  };
}

/** Child leases each wider than the parent's in one dimension (v1.1 §9.4), where negotiated. */
function violations(session: Session, parentExpiry: string | undefined): Delegation[] {
  const cases: Delegation[] = [
    { what: 'fs.write ["/workspace/out/**"], a capability the parent lease does not name', lease: { 'fs.write': ['/workspace/out/**'] } },
    { what: 'fs.read ["/**"], wider than the parent\'s "/workspace/**"', lease: { 'fs.read': ['/**'] } },
    { what: 'tool.call ["*"], wider than the parent\'s "search"', lease: { 'tool.call': ['*'] } },
  ];
  if (session.features.has('cost.budget')) {
    cases.push({
      what: `cost.budget ["USD:4.00"], above the USD ${BUDGET - SPENT}.00 the parent has left after spending ${SPENT}.00 of ${BUDGET}.00 (though within what it started with)`,
      lease: { 'cost.budget': ['USD:4.00'] },
    });
  }
  if (parentExpiry !== undefined) {
    const later = new Date(Date.parse(parentExpiry) + 3600_000).toISOString();
    cases.push({ what: `lease_constraints.expires_at ${later}, an hour after the parent's ${parentExpiry}`, lease: { 'tool.call': ['search'] }, constraints: { expires_at: later } });
  }
  if (session.features.has('model.use')) {
    cases.push({ what: 'model.use ["tier-slow/*"], models the parent\'s "tier-fast/*" does not cover', lease: { 'model.use': ['tier-slow/*'] } });
  }
  return cases;
}

/** A child lease within the parent's in every dimension the session negotiated. */
function withinParent(session: Session, parentExpiry: string | undefined): Delegation {
  const earlier = parentExpiry === undefined ? undefined : new Date(Date.parse(parentExpiry) - 60_000).toISOString();
  return {
    what: 'a lease within the parent\'s',
    lease: {
      'tool.call': ['search'],
      'fs.read': ['/workspace/src/**'],
      ...(session.features.has('cost.budget') ? { 'cost.budget': ['USD:1.00'] } : {}),
      ...(session.features.has('model.use') ? { 'model.use': ['tier-fast/small'] } : {}),
    },
    ...(earlier === undefined ? {} : { constraints: { expires_at: earlier } }),
  };
}

/** What became of one delegation, as the parent's session saw it. */
interface Answer {
  readonly parentJob: string;
  readonly delegateEvent: WireFrame;
  readonly delegateId: unknown;
  /** A tool_result on the parent, after the delegate event, carrying an error. */
  readonly refusal: WireFrame | undefined;
  readonly refusalCode: unknown;
  /** A job.accepted naming the parent (and this delegate_id, when it names one). */
  readonly child: WireFrame | undefined;
  /** A session-level error about the delegation (v1.0 §10.2: never the form of the refusal). */
  readonly sessionError: WireFrame | undefined;
  readonly terminal: WireFrame;
}

function describeAnswer(answer: Answer): string {
  if (answer.refusal !== undefined) return `tool_result error ${String(answer.refusalCode)} on the parent`;
  if (answer.child !== undefined) return `job.accepted of child job ${String(payloadOf(answer.child).job_id)}: the delegation was accepted`;
  if (answer.sessionError !== undefined) return `no tool_result on the parent, but ${brief(answer.sessionError)}`;
  return `neither a refusal nor a child job before the parent's terminal (${brief(answer.terminal)})`;
}

/** Runs a parent job that spends from its budget (if any), then delegates once. */
async function delegateOnce(t: ConformanceContext, session: Session, delegation: Delegation, parentExpiry: string | undefined, stepImplemented: boolean): Promise<Answer> {
  const step: Step = {
    op: 'delegate',
    agent: t.target.profile.agent,
    input: { steps: [{ op: 'finish' }] },
    lease_request: delegation.lease,
    ...(delegation.constraints === undefined ? {} : { lease_constraints: delegation.constraints }),
  };
  const spend: Step[] = session.features.has('cost.budget') ? [{ op: 'cost', amount: SPENT, currency: 'USD' }] : [];
  const script: AgentScript = { steps: [...spend, step, { op: 'finish' }] };
  const mark = session.mark();
  const run = await runOptionalStep(session, t, 'delegate', script, {
    payload: { lease_request: parentLease(t, session), ...(parentExpiry === undefined ? {} : { lease_constraints: { expires_at: parentExpiry } }) },
  }, stepImplemented);
  const at = run.frames.findIndex((f) => eventBody(f, 'delegate') !== undefined);
  const delegateEvent = run.frames[at];
  if (delegateEvent === undefined) {
    t.untestable(`job ${run.jobId} ran its delegate step but the server sent no delegate event (spec/conformance-agent.md), so the delegation cannot be followed`, evidenceAround(session, run.accepted, run.terminal));
  }
  const delegateId = eventBody(delegateEvent, 'delegate')?.delegate_id;
  const refusal = run.frames.slice(at + 1).find((f) => (eventBody(f, 'tool_result')?.error as { code?: unknown } | undefined)?.code !== undefined);
  const isChild = (f: WireFrame): boolean => isDelegatedAccept(f) && payloadOf(f).parent_job_id === run.jobId && [undefined, delegateId].includes(payloadOf(f).delegate_id);
  const received = session.connection.framesSince(mark);
  // Neither answer before the parent ended: a child's job.accepted may still be on its way.
  const child =
    received.find(isChild) ??
    (refusal === undefined ? await session.watch(isChild, { description: `a job.accepted for delegate_id ${String(delegateId)}`, forMs: t.target.timeoutMs, after: mark }) : undefined);
  const sessionError = received.find((f) => f.type === 'session.error' && isRejection(f));
  return {
    parentJob: run.jobId,
    delegateEvent,
    delegateId,
    refusal,
    refusalCode: (eventBody(refusal ?? {}, 'tool_result')?.error as { code?: unknown } | undefined)?.code,
    child,
    sessionError,
    terminal: run.terminal,
  };
}

function witnesses(answer: Answer): WireFrame[] {
  return [answer.delegateEvent, answer.refusal, answer.child, answer.sessionError, answer.terminal].filter((f): f is WireFrame => f !== undefined);
}

describe('leases: delegation', () => {
  conformanceTest(
    'a delegation whose child lease exceeds the parent\'s is refused with LEASE_SUBSET_VIOLATION as a tool_result on the parent, one dimension at a time',
    { requirements: ['LEASE-008'], timeoutMs: 60_000 },
    (t: ConformanceContext) =>
      withSessions(t, async (sessions) => {
        const session = await sessions.open({ label: 'delegator' });
        requireAgent(t, session);
        const parentExpiry = session.features.has('lease_expires_at') ? utcFromNow(PARENT_LEASE_MS) : undefined;

        // First a delegation the server has every reason to accept: a server that refuses
        // every delegation would pass the refusals below without checking any subset.
        const control = await delegateOnce(t, session, withinParent(session, parentExpiry), parentExpiry, false);
        if (control.refusal !== undefined && control.refusalCode !== 'LEASE_SUBSET_VIOLATION') {
          t.untestable(
            `the server refused a delegation within the parent's lease (${JSON.stringify(withinParent(session, parentExpiry).lease)}) with ${String(control.refusalCode)}, ` +
              'so it delegates to the conformance agent under no lease, and its refusals would show nothing about the subset rule',
            evidenceAround(session, ...witnesses(control)),
          );
        }
        if (control.refusal !== undefined) {
          t.note(`the server refused a delegation within the parent's lease with LEASE_SUBSET_VIOLATION (v1.0 §9.4 lets it refuse what it cannot prove): the refusals below may show a server that refuses every delegation, not its subset check`);
        } else if (control.child === undefined) {
          t.untestable(`the server answered a delegation within the parent's lease with neither a child job.accepted nor a refusal: ${describeAnswer(control)}`, evidenceAround(session, ...witnesses(control)));
        }

        for (const delegation of violations(session, parentExpiry)) {
          // The control ran the step: from here an INVALID_REQUEST answers the delegation (a
          // job.error is not the tool_result v1.0 §10.2 requires), it is no longer N/A.
          const answer = await delegateOnce(t, session, delegation, parentExpiry, true);
          t.should('LEASE-008', answer.refusalCode === 'LEASE_SUBSET_VIOLATION' && answer.child === undefined, () => ({
            expected: `a tool_result error LEASE_SUBSET_VIOLATION on parent job ${answer.parentJob} after its delegate event (delegate_id ${JSON.stringify(answer.delegateId)}), and no child job, for a child lease asking ${delegation.what}`,
            actual: answer.child !== undefined && answer.refusal !== undefined ? `${describeAnswer(answer)}, and also a child job.accepted` : describeAnswer(answer),
            ...evidenceAround(session, ...witnesses(answer)),
          }));
        }
      }),
  );
});
