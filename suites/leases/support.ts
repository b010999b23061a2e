// Helpers of the leases suite, also used by the security suite: reading a job's tool calls
// and their results, cost metrics, and running a script to its terminal.
import type { AgentScript, OPTIONAL_STEP_OPS, Step } from '../../spec/agent-script.ts';
import { payloadOf, type WireFrame } from '../harness/frames.ts';
import type { Session } from '../harness/session.ts';
import { brief, evidenceAround, framesOfJob, submit, submitAccepted, waitForTerminal, type SubmitOptions } from '../support/index.ts';
import type { ConformanceContext } from '../verdicts/conformance-test.ts';

type Body = Readonly<Record<string, unknown>>;

/** The body of a job.event of the given kind, else undefined. */
export function eventBody(frame: WireFrame, kind: string): Body | undefined {
  if (frame.type !== 'job.event') return undefined;
  const payload = payloadOf(frame);
  if (payload.kind !== kind || typeof payload.body !== 'object' || payload.body === null) return undefined;
  return payload.body as Body;
}

/** One `tool` step as seen on the wire: its tool_call and, if it came, its tool_result. */
export interface ToolOutcome {
  readonly call: WireFrame;
  readonly result: WireFrame | undefined;
  /** args.target of the call, as the conformance agent echoes it. */
  readonly target: unknown;
  /** `error.code` of the result; undefined for a successful result or no result. */
  readonly errorCode: unknown;
  readonly errorRetryable: unknown;
  /** A result without an error. */
  readonly ok: boolean;
}

/** The job's tool calls in arrival order (the script's order: one branch), each with its result. */
export function toolOutcomes(frames: readonly WireFrame[], jobId: string): ToolOutcome[] {
  const ofJob = frames.filter((f) => f.job_id === jobId);
  return ofJob.flatMap((call) => {
    const body = eventBody(call, 'tool_call');
    if (body === undefined) return [];
    const result = ofJob.find((f) => eventBody(f, 'tool_result')?.call_id === body.call_id);
    const resultBody = result === undefined ? undefined : eventBody(result, 'tool_result');
    const error = resultBody?.error as { code?: unknown; retryable?: unknown } | undefined;
    const args = body.args as { target?: unknown } | undefined;
    return [
      {
        call,
        result,
        target: args?.target,
        errorCode: error?.code,
        errorRetryable: error?.retryable,
        ok: resultBody !== undefined && error === undefined,
      },
    ];
  });
}

/** How a tool outcome reads in a failure message. */
export function describeOutcome(outcome: ToolOutcome | undefined): string {
  if (outcome === undefined) return 'no tool_call';
  if (outcome.result === undefined) return `tool_call for ${JSON.stringify(outcome.target)} with no tool_result`;
  if (outcome.ok) return `tool_result success for ${JSON.stringify(outcome.target)}`;
  return `tool_result error ${String(outcome.errorCode)} (retryable ${String(outcome.errorRetryable)}) for ${JSON.stringify(outcome.target)}`;
}

/** Values of the `cost.budget.remaining` metrics of `currency` the job reported, in order. */
export function remainingReports(frames: readonly WireFrame[], jobId: string, currency: string): number[] {
  return frames
    .filter((f) => f.job_id === jobId)
    .map((f) => eventBody(f, 'metric'))
    .filter((b): b is Body => b !== undefined && b.name === 'cost.budget.remaining' && b.unit === currency && typeof b.value === 'number')
    .map((b) => b.value as number);
}

/** An ISO 8601 UTC instant `ms` from now. */
export function utcFromNow(ms: number): string {
  return new Date(Date.now() + ms).toISOString();
}

export interface RunResult {
  readonly jobId: string;
  readonly accepted: WireFrame;
  readonly terminal: WireFrame;
  /** Every frame of the job the session received, from the submit on. */
  readonly frames: WireFrame[];
}

/** Submits a script (the submit must be accepted, else `requirementId` fails) and waits for its terminal. */
export async function runToTerminal(
  session: Session,
  t: ConformanceContext,
  requirementId: string,
  script: AgentScript,
  options: SubmitOptions = {},
): Promise<RunResult> {
  const mark = session.mark();
  const { jobId, frame } = await submitAccepted(session, t, requirementId, script, options);
  const terminal = await waitForTerminal(session, jobId, options.timeoutMs ?? t.target.timeoutMs, mark);
  return { jobId, accepted: frame, terminal, frames: framesOfJob(session, jobId, mark) };
}

/**
 * Runs a script that uses an OPTIONAL step of the conformance agent (spec/conformance-agent.md)
 * to its terminal. A server whose agent leaves the step out rejects the script with
 * INVALID_REQUEST: the test is N/A, naming the step. Any other refusal is UNTESTABLE.
 */
export async function runOptionalStep(
  session: Session,
  t: ConformanceContext,
  op: (typeof OPTIONAL_STEP_OPS)[number],
  script: AgentScript,
  options: SubmitOptions = {},
  /**
   * Set once an earlier job of the test ran the step: an INVALID_REQUEST is then the server's
   * answer to this job, judged by the test, not a sign that the agent lacks the step.
   */
  stepImplemented = false,
): Promise<RunResult> {
  const mark = session.mark();
  const outcome = await submit(session, t, script, options);
  if (!outcome.accepted) {
    const message = String(payloadOf(outcome.frame).message ?? '').slice(0, 200);
    if (outcome.code === 'INVALID_REQUEST' && !stepImplemented) {
      t.notApplicable(`the server's conformance agent does not implement the optional \`${op}\` step (spec/conformance-agent.md): a job.submit of a script with it was rejected with INVALID_REQUEST (${message})`);
    }
    t.untestable(`the server refused the job that exercises the optional \`${op}\` step: ${brief(outcome.frame)}`, evidenceAround(session, outcome.frame));
  }
  const terminal = await waitForTerminal(session, outcome.jobId, options.timeoutMs ?? t.target.timeoutMs, mark);
  // Some runtimes can validate a job's input only once they have accepted it: the agent's
  // refusal is then the job's terminal.
  const end = payloadOf(terminal);
  if (terminal.type === 'job.error' && end.code === 'INVALID_REQUEST' && !stepImplemented) {
    t.notApplicable(`the server's conformance agent does not implement the optional \`${op}\` step (spec/conformance-agent.md): the job ended with job.error INVALID_REQUEST (${String(end.message ?? '').slice(0, 200)})`);
  }
  return { jobId: outcome.jobId, accepted: outcome.frame, terminal, frames: framesOfJob(session, outcome.jobId, mark) };
}

/** Numbers equal up to float noise (budget arithmetic on decimal amounts). */
export function near(a: unknown, b: number): boolean {
  return typeof a === 'number' && Math.abs(a - b) < 1e-9;
}

/** A `tool` step exercising `capability` on `target`. */
export function fsTool(toolName: string, capability: string, target: string): Step {
  return { op: 'tool', tool: toolName, capability, target };
}

/**
 * Runs tool steps the lease must deny (each with what it tries, for the message) and judges
 * under `id` that each got a PERMISSION_DENIED tool_result (v1.1 §9.3).
 */
export async function expectDenied(t: ConformanceContext, session: Session, id: string, lease: Record<string, string[]>, attempts: readonly [Step, string][]): Promise<void> {
  const script: AgentScript = { steps: [...attempts.map(([step]) => step), { op: 'finish' }] };
  const run = await runToTerminal(session, t, id, script, { payload: { lease_request: lease } });
  const outcomes = toolOutcomes(run.frames, run.jobId);
  attempts.forEach(([, what], k) => {
    const outcome = outcomes[k];
    t.must(id, outcome?.errorCode === 'PERMISSION_DENIED', () => ({
      expected: `tool_result error PERMISSION_DENIED for ${what}, lease ${JSON.stringify(lease)}`,
      actual: describeOutcome(outcome),
      ...evidenceAround(session, ...[outcome?.call, outcome?.result, run.terminal].filter((f): f is WireFrame => f !== undefined)),
    }));
  });
}
