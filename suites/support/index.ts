// What every conformance suite needs around the harness: sessions for the configured
// principals, feature and agent gates that end a test as N/A or UNTESTABLE, and job
// submission that tells an acceptance from a rejection.
import type { Feature } from '../../spec/features.ts';
import { SEQUENCED_TYPES } from '../../spec/messages.ts';
import type { AgentScript } from '../../spec/agent-script.ts';
import type { Connection } from '../harness/connection.ts';
import { connect, connectRaw, type Session } from '../harness/session.ts';
import { Transcript } from '../harness/transcript.ts';
import type { FrameEntry, TranscriptEntry } from '../harness/transcript-types.ts';
import { type WireFrame, describeFrame, isWireFrame, payloadOf } from '../harness/frames.ts';
import { isDelegatedAccept, isRejection, isTerminal, jobIdOf } from '../harness/job-holdings.ts';
import type { ConformanceContext } from '../verdicts/conformance-test.ts';
import { principalLabel } from '../checkers/principals.ts';
import { isAgentEvent } from '../events/branch-markers.ts';

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
    // The checkers learn who is behind a connection from this label (suites/checkers/principals.ts).
    label: `${options.label ?? principal} ${principalLabel(principal)}`,
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

// The rejection rule (DESIGN §5) lives in harness/job-holdings.ts, where the checkers read it too.
export { isRejection, isTerminal } from '../harness/job-holdings.ts';

/**
 * DUPLICATE_KEY names the request kind it answers (a keyed submit), so it answers the
 * submit even when it carries the job_id of a job the session holds; the checkers still
 * count it as that job's terminal (a second one, when the job had already ended).
 */
function isDuplicateKeyAnswer(frame: WireFrame, payload: Readonly<Record<string, unknown>>): boolean {
  return payload.idempotency_key !== undefined && frame.type === 'job.error' && payloadOf(frame).code === 'DUPLICATE_KEY';
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
  const frame = await session.request('job.submit', payload, (f) => (f.type === 'job.accepted' && !isDelegatedAccept(f)) || isRejection(f) || isDuplicateKeyAnswer(f, payload), {
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
    ...evidenceAround(session, outcome.frame),
  }));
  return outcome;
}



/** Waits for job `jobId`'s terminal on the session, considering frames from `after`. */
export function waitForTerminal(session: Session, jobId: string, timeoutMs: number, after = 0): Promise<WireFrame> {
  return session.waitFor((f) => isTerminal(f) && f.job_id === jobId, {
    description: `the terminal (job.result or job.error) of job ${jobId}`,
    timeoutMs,
    after,
  });
}

/** How long a cleanup waits for a cancelled job's terminal before it gives up with a note. */
const CLEANUP_TERMINAL_MS = 2000;

/**
 * Teardown of a job the test may still hold: unless its terminal already arrived, the
 * owner's job.cancel, then a bounded wait for the terminal. Best effort: what it does not get
 * is a kit note, never a verdict (cancel's own rules are judged by the cancel suites, once).
 */
export async function endJobQuietly(t: ConformanceContext, session: Session, jobId: string): Promise<void> {
  const ended = (f: WireFrame) => isTerminal(f) && jobIdOf(f) === jobId;
  try {
    if (session.connection.framesKeptSince(session.connection.inboxStart).some(ended)) return;
    sendCancel(session, jobId, 'conformance cleanup');
    await session.waitFor(ended, { description: `the terminal of job ${jobId} after the cleanup's cancel`, timeoutMs: Math.min(t.target.timeoutMs, CLEANUP_TERMINAL_MS), after: session.connection.inboxStart });
  } catch (error) {
    t.note(`cleanup of job ${jobId} did not complete (not a verdict): ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * Waits until the session has received `count` (default 1) of the conformance agent's own
 * events of `jobId` since `after`, and returns the last of them: "the first event" is the
 * agent's first marked one, whatever unmarked events the runtime adds (events/branch-markers.ts).
 */
export function waitForAgentEvent(
  session: Session,
  jobId: string,
  options: { readonly after: number; readonly count?: number; readonly timeoutMs?: number },
): Promise<WireFrame> {
  const count = options.count ?? 1;
  let seen = 0;
  return session.waitFor((f) => isAgentEvent(f, jobId) && ++seen >= count, {
    description: count === 1 ? `the agent's first (marked) event of ${jobId}` : `${count} marked events of the agent of ${jobId}`,
    after: options.after,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  });
}

/** Every frame the session's current connection received about `jobId`, in order. */
export function framesOfJob(session: Session, jobId: string, after = 0): WireFrame[] {
  return session.connection
    .framesSince(after)
    .filter((f) => f.job_id === jobId || payloadOf(f).job_id === jobId);
}

/**
 * Failure evidence: the transcript window around the frames a finding is about, with those
 * frames as its witnesses (the reports highlight them). With no frame, the window is the
 * end of the transcript and nothing is highlighted.
 */
export function evidenceAround(session: Pick<Session, 'transcript'>, ...frames: WireFrame[]): { transcript: TranscriptEntry[]; witnesses: number[] } {
  return windowAround(session.transcript, frames.map((f) => session.transcript.entryOf(f)?.index));
}

/** The window around the witnesses found (undefined: not recorded), or the end of the transcript with none. */
function windowAround(transcript: Transcript, found: readonly (number | undefined)[]): { transcript: TranscriptEntry[]; witnesses: number[] } {
  const witnesses = found.filter((i): i is number => i !== undefined);
  return { transcript: transcript.window(witnesses.length > 0 ? witnesses : [transcript.entries.length - 1]), witnesses };
}

/**
 * Failure evidence about an answer: the answer highlighted, or when the server gave none, the
 * request it left unanswered (the newest frame of `requestType` the kit sent, on `conn` if given).
 */
export function answerEvidence(
  transcript: Transcript,
  answer: WireFrame | undefined,
  requestType: string,
  conn?: string,
): { transcript: TranscriptEntry[]; witnesses: number[] } {
  const request = (e: FrameEntry) => e.dir === 'out' && (conn === undefined || e.conn === conn) && isWireFrame(e.frame) && e.frame.type === requestType;
  return windowAround(transcript, [answer === undefined ? transcript.frames(request).at(-1)?.index : transcript.entryOf(answer)?.index]);
}

/** The recorded frames a checker's finding names as its witnesses. */
export function witnessFrames(session: Session, finding: { readonly witnesses: readonly number[] } | undefined): WireFrame[] {
  if (finding === undefined) return [];
  return session.transcript.window(finding.witnesses, 0).flatMap((e) => (e.kind === 'frame' && isWireFrame(e.frame) ? [e.frame] : []));
}

// ---- cancel, list, subscribe, cleanup (shared by the jobs, cancel and events suites) ----

/** Sends job.cancel for `jobId` the way DESIGN §5 says: job_id on the envelope and in the payload. */
export function sendCancel(session: Session, jobId: string, reason = 'conformance test cancel'): string {
  return session.send('job.cancel', { job_id: jobId, reason }, { job_id: jobId });
}

/**
 * Sends session.list_jobs and waits for its session.jobs (matched by request_id) or a
 * rejection. One list_jobs at a time per session, so a rejection answers this request.
 */
export function listJobs(session: Session, t: ConformanceContext, payload: Record<string, unknown> = {}): Promise<WireFrame> {
  return session.request(
    'session.list_jobs',
    payload,
    (f, requestId) => (f.type === 'session.jobs' && payloadOf(f).request_id === requestId) || isRejection(f),
    { description: 'session.jobs or a rejection for session.list_jobs', timeoutMs: t.target.timeoutMs },
  );
}

/** The session.jobs row of `jobId`, if the listing has one. */
export function listedJob(jobs: WireFrame, jobId: string): Readonly<Record<string, unknown>> | undefined {
  const rows = payloadOf(jobs).jobs;
  if (!Array.isArray(rows)) return undefined;
  return rows.find((row): row is Record<string, unknown> => typeof row === 'object' && row !== null && (row as Record<string, unknown>).job_id === jobId);
}

export interface ListedJob {
  /** The job's row, when a page listed it. */
  readonly row: Readonly<Record<string, unknown>> | undefined;
  /** The last answer: a session.jobs page, or the rejection that ended the search. */
  readonly listing: WireFrame;
}

/**
 * How far before the job's `accepted_at` each search of findListedJob starts (created_after),
 * narrowest first, then no filter. The narrow window keeps a busy server's older jobs out of
 * the pages: a minute let a run's property campaigns, hunting on a faulty server, fill the 20
 * pages (a false LIST-007 WARN seen in the stress check). The wider searches keep a legal
 * server whose `created_at` precedes its `accepted_at` by more (a queued submission) found.
 */
const CREATED_AFTER_MARGINS_MS = [2_000, 60_000] as const;

/**
 * Looks for job `jobId` in session.list_jobs, following next_cursor for at most `maxPages`
 * pages per search, so a server holding many jobs still shows it. When the job's job.accepted
 * carried `accepted_at`, the first searches are narrowed with created_after (the server's own
 * clock, so no skew with the kit's), widening until the job is found or the unfiltered
 * listing has been searched too.
 */
export async function findListedJob(
  session: Session,
  t: ConformanceContext,
  jobId: string,
  accepted?: WireFrame,
  maxPages = 20,
): Promise<ListedJob> {
  const acceptedAt = accepted === undefined ? undefined : payloadOf(accepted).accepted_at;
  const acceptedMs = typeof acceptedAt === 'string' ? Date.parse(acceptedAt) : Number.NaN;
  const filters = Number.isNaN(acceptedMs)
    ? [{}]
    : [...CREATED_AFTER_MARGINS_MS.map((margin) => ({ filter: { created_after: new Date(acceptedMs - margin).toISOString() } })), {}];
  let found: ListedJob | undefined;
  for (const filter of filters) {
    found = await searchListing(session, t, jobId, filter, maxPages);
    if (found.row !== undefined || found.listing.type !== 'session.jobs') return found;
  }
  return found as ListedJob;
}

/** One search of findListedJob: the pages of one listing request, until the row or the last page. */
async function searchListing(
  session: Session,
  t: ConformanceContext,
  jobId: string,
  filter: Record<string, unknown>,
  maxPages: number,
): Promise<ListedJob> {
  let cursor: unknown = null;
  let listing: WireFrame | undefined;
  for (let page = 0; page < maxPages; page += 1) {
    listing = await listJobs(session, t, { ...filter, limit: 100, ...(cursor === null ? {} : { cursor }) });
    if (listing.type !== 'session.jobs') return { row: undefined, listing };
    const row = listedJob(listing, jobId);
    cursor = payloadOf(listing).next_cursor ?? null;
    if (row !== undefined || typeof cursor !== 'string') return { row, listing };
  }
  return { row: undefined, listing: listing as WireFrame };
}

/** Sends job.subscribe for `jobId` and waits for its job.subscribed or a rejection. */
export function subscribeTo(session: Session, t: ConformanceContext, jobId: string, payload: Record<string, unknown> = {}): Promise<WireFrame> {
  return session.request(
    'job.subscribe',
    { job_id: jobId, ...payload },
    (f) => (f.type === 'job.subscribed' && (f.job_id === jobId || payloadOf(f).job_id === jobId)) || isRejection(f),
    { description: `job.subscribed or a rejection for job.subscribe of ${jobId}`, timeoutMs: t.target.timeoutMs },
  );
}

// ---- the sessions of one test ----------------------------------------------------------

/** What a test opens through `withSessions`; all of it is closed when the test ends. */
export interface TestSessions {
  /** Opens a session as `openSession` does, on the test's shared transcript unless `options.transcript` names another. */
  open(options?: OpenOptions): Promise<Session>;
  /** A connection with no hello sent yet (custom hellos and resumes), on the test's shared transcript. */
  raw(label: string): Promise<Connection>;
}

/**
 * Runs `body` with the sessions and raw connections it opens through `sessions`, then closes
 * the current socket of each, however the body ended (pass, failure, N/A, UNTESTABLE). Sockets
 * the test already closed or dropped are fine, and the cleanup never throws: what the test
 * reports is its own outcome.
 */
export async function withSessions(t: ConformanceContext, body: (sessions: TestSessions) => Promise<void>): Promise<void> {
  const transcript = new Transcript();
  t.framesSeen(() => transcript.entries);
  const rawConnections: Connection[] = [];
  const sessions: Session[] = [];
  const scope: TestSessions = {
    async open(options = {}) {
      const session = await openSession(t, { ...options, transcript: options.transcript ?? transcript });
      sessions.push(session);
      return session;
    },
    async raw(label) {
      const { subprotocol } = t.target.profile;
      const connection = await connectRaw(t.target.url, {
        transcript,
        timeoutMs: t.target.timeoutMs,
        agentName: t.target.profile.agent,
        label,
        ...(subprotocol === undefined ? {} : { subprotocol }),
      });
      rawConnections.push(connection);
      return connection;
    },
  };
  try {
    await body(scope);
  } finally {
    // A resumed session's current connection is the one to close; its earlier ones are gone.
    await closeQuietly([...sessions.map((s) => s.connection), ...rawConnections]);
  }
}

/**
 * The common case of withSessions: one session of the primary principal whose server hosts
 * the conformance agent (else the test is UNTESTABLE), and the rest of `sessions` for more.
 */
export function withAgentSession(t: ConformanceContext, body: (session: Session, sessions: TestSessions) => Promise<void>): Promise<void> {
  return withSessions(t, async (sessions) => {
    const session = await sessions.open();
    requireAgent(t, session);
    await body(session, sessions);
  });
}

/** How long one socket's close handshake may take at cleanup before the socket is cut. */
const CLEANUP_CLOSE_MS = 1000;

/** Closes sockets in parallel, bounded, swallowing errors: cleanup is never what a test judges. */
async function closeQuietly(connections: readonly Connection[]): Promise<void> {
  await Promise.all(connections.map((c) => c.closeSocket(1000, '', CLEANUP_CLOSE_MS).catch(() => undefined)));
}

/** How long "nothing more arrives" checks watch (DESIGN: a short bounded watch). */
export const QUIET_MS = 400;

export interface JobRun {
  readonly jobId: string;
  readonly accepted: WireFrame;
  readonly terminal: WireFrame;
  /** Every frame about the job on the current connection, from before the submit to the terminal. */
  readonly frames: WireFrame[];
  /** Inbox position taken just before the submit. */
  readonly mark: number;
}

/** Submits (acceptance judged under `requirementId`) and waits for the job's terminal. */
export async function runToTerminal(
  session: Session,
  t: ConformanceContext,
  requirementId: string,
  input: AgentScript | unknown,
  options: SubmitOptions = {},
): Promise<JobRun> {
  const mark = session.mark();
  const { jobId, frame } = await submitAccepted(session, t, requirementId, input, options);
  const terminal = await waitForTerminal(session, jobId, options.timeoutMs ?? t.target.timeoutMs, mark);
  return { jobId, accepted: frame, terminal, frames: framesOfJob(session, jobId, mark), mark };
}

/** One case of a test that judges several under one requirement. */
export interface CaseResult {
  readonly name: string;
  readonly ok: boolean;
  readonly expected: string;
  readonly actual: string;
  /** Frames that show the case (highlighted in the evidence). */
  readonly frames?: readonly WireFrame[];
}

/**
 * Judges every case of a test under `id` at once: a test checks all its cases and reports
 * each failed one, never only the first (a later case may show a different bug).
 */
export function judgeCases(t: ConformanceContext, session: Session, id: string, cases: readonly CaseResult[]): void {
  const failed = cases.filter((c) => !c.ok);
  t.must(id, failed.length === 0, () => ({
    expected: `all ${cases.length} cases: ${failed.map((c) => `${c.name}: ${c.expected}`).join('; ')}`,
    actual: `${failed.length} of ${cases.length} cases failed: ${failed.map((c) => `${c.name}: ${c.actual}`).join('; ')}`,
    ...evidenceAround(session, ...failed.flatMap((c) => c.frames ?? [])),
  }));
}

/** One line naming a frame for evidence: `job.error job=J seq=7 code=CANCELLED final_status=cancelled`. */
export function brief(frame: WireFrame | undefined): string {
  return frame === undefined ? 'nothing' : describeFrame(frame);
}

/** The inbox position just after `frame` on the session's current connection (for "nothing after it" watches). */
export function markAfter(session: Session, frame: WireFrame): number {
  const inbox = session.connection.inbox;
  for (let k = inbox.length - 1; k >= 0; k -= 1) if (inbox[k]?.frame === frame) return k + 1;
  throw new Error(`markAfter: ${brief(frame)} is not in the current connection's inbox`);
}

/**
 * Watches `jobId` after its terminal and judges that nothing follows it: no second terminal
 * (under `oneTerminal`, e.g. LIFE-001 or CANCEL-002, when given) and no frame at all (LIFE-002).
 */
export async function judgeNothingAfterTerminal(
  t: ConformanceContext,
  session: Session,
  jobId: string,
  terminal: WireFrame,
  options: { readonly oneTerminal?: string; readonly forMs?: number } = {},
): Promise<void> {
  const forMs = options.forMs ?? QUIET_MS;
  const after = await watchAfterTerminal(session, jobId, terminal, forMs);
  // Evidence only when a check fails: the window is not free.
  const evidence = () => evidenceAround(session, terminal, ...(after ? [after] : []));
  if (options.oneTerminal !== undefined) {
    t.must(options.oneTerminal, after === undefined || !isTerminal(after), () => ({
      expected: `exactly one terminal for job ${jobId}: ${brief(terminal)}`,
      actual: `a second terminal: ${brief(after)}`,
      ...evidence(),
    }));
  }
  t.must('LIFE-002', after === undefined, () => ({
    expected: `nothing for job ${jobId} after ${brief(terminal)} (watched ${forMs} ms)`,
    actual: brief(after),
    ...evidence(),
  }));
}

/** The first job.event, job.result or job.error of `jobId` after its terminal, watched for `forMs`; undefined when none. */
export function watchAfterTerminal(session: Session, jobId: string, terminal: WireFrame, forMs = QUIET_MS): Promise<WireFrame | undefined> {
  return session.watch((f) => f.job_id === jobId && SEQUENCED_TYPES.has(String(f.type)), {
    description: `any job.event, job.result or job.error of ${jobId} after its terminal`,
    forMs,
    after: markAfter(session, terminal),
  });
}
