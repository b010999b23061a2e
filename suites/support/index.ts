// What every conformance suite needs around the harness: sessions for the configured
// principals, feature and agent gates that end a test as N/A or UNTESTABLE, and job
// submission that tells an acceptance from a rejection.
import type { Feature } from '../../spec/features.ts';
import type { AgentScript } from '../../spec/agent-script.ts';
import { connect, type Session } from '../harness/session.ts';
import { Transcript } from '../harness/transcript.ts';
import { type WireFrame, payloadOf } from '../harness/frames.ts';
import type { ConformanceContext } from '../verdicts/conformance-test.ts';

export type Principal = 'primary' | 'secondary';

export interface OpenOptions {
  readonly principal?: Principal;
  readonly transcript?: Transcript;
  readonly features?: readonly string[];
  readonly label?: string;
}

/** Opens a session for one of the configured principals; `secondary` is UNTESTABLE when unset. */
export async function openSession(t: ConformanceContext, options: OpenOptions = {}): Promise<Session> {
  const principal = options.principal ?? 'primary';
  const token = principal === 'primary' ? t.target.tokens.primary : t.target.tokens.secondary;
  if (token === undefined) t.untestable('needs a second principal: set ARCP_TOKEN_2');
  return connect(t.target.url, {
    token,
    transcript: options.transcript ?? new Transcript(),
    profile: t.target.profile,
    timeoutMs: t.target.timeoutMs,
    label: options.label ?? principal,
    ...(options.features ? { features: options.features } : {}),
  });
}

/** Ends the test as N/A unless every feature was negotiated. */
export function requireFeatures(t: ConformanceContext, session: Session, ...features: Feature[]): void {
  const missing = features.filter((f) => !session.features.has(f));
  if (missing.length > 0) t.notApplicable(`feature${missing.length > 1 ? 's' : ''} not negotiated: ${missing.join(', ')}`);
}

/** Ends the test as UNTESTABLE unless the welcome lists the conformance agent. */
export function requireAgent(t: ConformanceContext, session: Session): void {
  const name = t.target.profile.agent;
  if (!session.agents.some((a) => a.name === name)) {
    t.untestable(`the server does not host the conformance agent "${name}" (spec/conformance-agent.md)`);
  }
}

/** The welcome's version list for the conformance agent. */
export function agentVersions(t: ConformanceContext, session: Session): readonly string[] {
  return session.agents.find((a) => a.name === t.target.profile.agent)?.versions ?? [];
}

export type SubmitOutcome =
  | { readonly accepted: true; readonly jobId: string; readonly frame: WireFrame }
  | { readonly accepted: false; readonly frame: WireFrame; readonly code: unknown };

/** A rejected request: session.error, or a job.error that names no job (DESIGN §5). */
export function isRejection(frame: WireFrame): boolean {
  return frame.type === 'session.error' || (frame.type === 'job.error' && frame.job_id === undefined);
}

export interface SubmitOptions {
  /** Agent reference; default the profile's agent. */
  readonly agent?: string;
  /** Extra fields of the job.submit payload (lease_request, idempotency_key, ...). */
  readonly payload?: Record<string, unknown>;
  readonly timeoutMs?: number;
}

/**
 * Submits a job and waits for its job.accepted or a rejection. The kit never has two
 * submits in flight on one session, so the next of either answers this one.
 */
export async function submit(session: Session, t: ConformanceContext, input: AgentScript | unknown, options: SubmitOptions = {}): Promise<SubmitOutcome> {
  const payload = { agent: options.agent ?? t.target.profile.agent, input, ...options.payload };
  const frame = await session.request('job.submit', payload, (f) => f.type === 'job.accepted' || isRejection(f), {
    description: `job.accepted or a rejection for job.submit of ${String(payload.agent)}`,
    timeoutMs: options.timeoutMs ?? t.target.timeoutMs,
  });
  if (frame.type !== 'job.accepted') return { accepted: false, frame, code: payloadOf(frame).code };
  return { accepted: true, jobId: String(payloadOf(frame).job_id), frame };
}

/** Submits and requires acceptance: a rejection fails the given requirement. */
export async function submitAccepted(
  session: Session,
  t: ConformanceContext,
  requirementId: string,
  input: AgentScript | unknown,
  options: SubmitOptions = {},
): Promise<{ jobId: string; frame: WireFrame }> {
  const outcome = await submit(session, t, input, options);
  t.must(requirementId, outcome.accepted, () => ({
    expected: 'job.accepted for a valid job.submit',
    actual: `${String(outcome.frame.type)} ${JSON.stringify(payloadOf(outcome.frame)).slice(0, 200)}`,
    transcript: evidenceAround(session, outcome.frame),
  }));
  return outcome;
}

export function isTerminal(frame: WireFrame): boolean {
  return (frame.type === 'job.result' || frame.type === 'job.error') && frame.job_id !== undefined;
}

/** Waits for job `jobId`'s terminal on the session, considering frames from `after`. */
export function waitForTerminal(session: Session, jobId: string, timeoutMs: number, after = 0): Promise<WireFrame> {
  return session.waitFor((f) => isTerminal(f) && f.job_id === jobId, {
    description: `the terminal (job.result or job.error) of job ${jobId}`,
    timeoutMs,
    after,
  });
}

/** Every frame the session's current connection received about `jobId`, in order. */
export function framesOfJob(session: Session, jobId: string, after = 0): WireFrame[] {
  return session.connection
    .framesSince(after)
    .filter((f) => f.job_id === jobId || payloadOf(f).job_id === jobId);
}

/** The transcript window around a frame (and optional others), for failure evidence. */
export function evidenceAround(session: Session, ...frames: WireFrame[]) {
  const indices = frames.map((f) => session.transcript.entryOf(f)?.index).filter((i): i is number => i !== undefined);
  return session.transcript.window(indices.length > 0 ? indices : [session.transcript.entries.length - 1]);
}
