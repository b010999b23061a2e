// Session messages (v1.1 §6): hello/welcome, the three resume forms, close/bye, ping,
// ack and list_jobs.
import { ARCP_VERSION, FEATURES, negotiateFeatures, type Message } from '../spec/index.ts';
import { agentInventory } from './agents.ts';
import { freeExpiredEvents } from './housekeeping.ts';
import { secretsEqual } from './auth.ts';
import type { Connection } from './connection.ts';
import { isoNow, newResumeToken, randomId } from './ids.ts';
import { RequestError } from './request-error.ts';
import type { Runtime } from './runtime.ts';
import type { Session } from './session.ts';
import type { Job } from './job.ts';
import { listRow, mayHoldCredentials } from './views.ts';

export const RUNTIME_INFO = Object.freeze({ name: 'arcp-reference', version: '0.1.0' });

/** Sessions resumed at least once (the resume-once defect consumes their resume record). */
const resumedOnce = new WeakSet<Session>();
/** Date.now() of each session's last pong (the pong-debounced defect). */
const lastPongAt = new WeakMap<Session, number>();

interface ResumeRequest {
  readonly session_id: string;
  readonly resume_token: string;
  readonly last_event_seq: number;
}

function requireFeature(session: Session, feature: (typeof FEATURES)[number], type: string): void {
  if (!session.has(feature)) {
    throw new RequestError('INVALID_REQUEST', `${type} needs the ${feature} feature, which this session did not negotiate`);
  }
}

/** v1.1 §6.1-6.3: a hello opens a session, or resumes one (hello.resume or flat fields). */
export function onHello(rt: Runtime, conn: Connection, msg: Message<'session.hello'>): void {
  const { payload } = msg;
  const resume = payload.resume ?? flatResume(msg);
  // The resume-skips-auth defect: the resume branch is taken before the bearer check.
  if (resume !== undefined && rt.config.defects.has('resume-skips-auth')) return resumeSession(rt, conn, undefined, resume);
  const principal = payload.auth?.scheme === 'bearer' ? rt.auth.principalOf(payload.auth.token) : undefined;
  if (principal === undefined) return conn.refuse('UNAUTHENTICATED', 'missing or invalid bearer token');
  if (resume !== undefined) return resumeSession(rt, conn, principal, resume);
  const features = negotiateFeatures(payload.capabilities?.features ?? [], FEATURES);
  const session = rt.createSession(principal, features);
  conn.bind(session);
  // ping-before-welcome: the heartbeat starts on attach and its first ping beats the welcome out.
  if (session.has('heartbeat') && rt.config.defects.has('ping-before-welcome')) session.outbound.send('session.ping', { nonce: randomId('p_', 8), sent_at: isoNow() });
  sendWelcome(rt, session);
}

// The flat form: resume_token and last_event_seq in the hello payload, session_id there or
// on the envelope (a profile option, DESIGN §5).
function flatResume(msg: Message<'session.hello'>): ResumeRequest | undefined {
  const { resume_token, last_event_seq } = msg.payload;
  if (resume_token === undefined) return undefined;
  const session_id = msg.payload.session_id ?? msg.session_id;
  if (session_id === undefined || last_event_seq === undefined) {
    throw new RequestError('INVALID_REQUEST', 'a resume needs session_id, resume_token and last_event_seq');
  }
  return { session_id, resume_token, last_event_seq };
}

/** v1.1 §6.3: the session.resume message. Its auth is optional; the resume token authenticates. */
export function onResume(rt: Runtime, conn: Connection, msg: Message<'session.resume'>): void {
  const { auth, ...resume } = msg.payload;
  let principal: string | undefined;
  if (auth !== undefined) {
    principal = auth.scheme === 'bearer' ? rt.auth.principalOf(auth.token) : undefined;
    if (principal === undefined) return conn.refuse('UNAUTHENTICATED', 'missing or invalid bearer token');
  }
  resumeSession(rt, conn, principal, resume);
}

// v1.0 §6.3: welcome with the same session_id and a fresh token, then every buffered frame
// with seq > last_event_seq, then live. All in one synchronous turn, so nothing interleaves.
function resumeSession(rt: Runtime, conn: Connection, principal: string | undefined, request: ResumeRequest): void {
  const session = rt.sessions.get(request.session_id);
  if (session === undefined || (resumedOnce.has(session) && rt.config.defects.has('resume-once'))) {
    return conn.refuse('RESUME_WINDOW_EXPIRED', 'no resumable session with that id (never existed or its window passed)');
  }
  const tokenValid = secretsEqual(request.resume_token, session.resumeToken);
  const foreign = principal !== undefined && principal !== session.principal && !rt.config.defects.has('resume-any-principal');
  if (!tokenValid || foreign) {
    return conn.refuse('UNAUTHENTICATED', 'resume token is not this session\'s current token');
  }
  const { last_event_seq: last } = request;
  if (last > session.outbound.lastSeq) {
    return conn.refuse('INVALID_REQUEST', `last_event_seq ${last} is ahead of the session (latest ${session.outbound.lastSeq})`);
  }
  freeExpiredEvents(rt, session, Date.now());
  // resume-gap-replay: a seq the buffer no longer covers replays from the oldest one kept.
  if (!session.outbound.log.covers(last) && !rt.config.defects.has('resume-gap-replay')) {
    return conn.refuse('RESUME_WINDOW_EXPIRED', `events after ${last} are no longer buffered`, { oldest_buffered_seq: session.outbound.log.first });
  }
  if (session.link !== undefined) {
    const previous = session.link;
    rt.detach(session, 'superseded');
    previous.close(1000, 'session resumed on another connection');
  }
  if (!rt.config.defects.has('resume-token-reused')) session.resumeToken = newResumeToken();
  resumedOnce.add(session);
  // resume-features-reset: the resumed session is rebuilt with every feature the runtime has.
  if (rt.config.defects.has('resume-features-reset')) session.features = new Set(FEATURES);
  conn.bind(session);
  sendWelcome(rt, session);
  let from = last + 1;
  if (rt.config.defects.has('replay-drops-events')) from = last + 2;
  if (rt.config.defects.has('replay-duplicates')) from = Math.max(1, last);
  // An empty entry is a number the control-consumes-seq defect took without a frame.
  for (const frame of session.outbound.log.slice(from, session.outbound.lastSeq)) if (frame !== '') session.outbound.write(frame);
}

function sendWelcome(rt: Runtime, session: Session): void {
  session.outbound.send('session.welcome', {
    session_id: session.id,
    runtime: RUNTIME_INFO,
    // token-needs-features: the token is minted only where features were negotiated.
    resume_token: session.features.size === 0 && rt.config.defects.has('token-needs-features') ? undefined : session.resumeToken,
    resume_window_sec: rt.config.resumeWindowSec,
    heartbeat_interval_sec: rt.config.heartbeatSec,
    capabilities: {
      encodings: ['json'],
      features: [...FEATURES],
      agents: agentInventory(session.has('agent_versions')),
    },
  });
}

/** v1.1 §6.7: close answers session.closed; v1.0 §6.4: after bye nothing more is sent. Jobs go on. */
export function onClose(rt: Runtime, conn: Connection, session: Session, msg: Message<'session.close'> | Message<'session.bye'>): void {
  // bye-keeps-streaming: a bye starts a graceful close that lingers with the session attached.
  if (msg.type === 'session.bye' && rt.config.defects.has('bye-keeps-streaming')) {
    return void setTimeout(() => {
      if (session.link === conn) rt.detach(session, 'close');
      conn.close(1000, 'session closed');
    }, 500).unref();
  }
  if (msg.type === 'session.close' && !rt.config.variants.has('no-session-closed')) session.outbound.send('session.closed', { reason: msg.payload.reason ?? 'client requested close' });
  rt.detach(session, 'close');
  conn.close(1000, 'session closed');
}

/** v1.1 §6.4: answer a ping promptly (whether or not heartbeat was negotiated). */
export function onPing(rt: Runtime, session: Session, msg: Message<'session.ping'>): void {
  const now = Date.now();
  // pong-debounced: a ping within a second of the last pong is taken for a flood and dropped.
  if (now - (lastPongAt.get(session) ?? 0) < 1000 && rt.config.defects.has('pong-debounced')) return;
  lastPongAt.set(session, now);
  // control-consumes-seq: the message counter behind event_seq counts heartbeats too.
  if (rt.config.defects.has('control-consumes-seq')) session.outbound.skipSeq();
  const payload = { ping_nonce: msg.payload.nonce, received_at: isoNow() };
  // pong-no-session-id: the fast path builds its own envelope and forgets session_id.
  if (rt.config.defects.has('pong-no-session-id')) return session.outbound.write(JSON.stringify({ arcp: ARCP_VERSION, id: rt.ids.next(), type: 'session.pong', payload }));
  session.outbound.send('session.pong', payload);
}

/** v1.1 §6.5. */
export function onAck(rt: Runtime, session: Session, msg: Message<'session.ack'>): void {
  requireFeature(session, 'ack', 'session.ack');
  const seq = msg.payload.last_processed_seq;
  if (seq > session.outbound.lastSeq) {
    throw new RequestError('INVALID_REQUEST', `last_processed_seq ${seq} is ahead of the session (latest ${session.outbound.lastSeq})`);
  }
  session.acknowledge(seq);
  if (rt.config.defects.has('control-consumes-seq')) session.outbound.skipSeq();
}

/** Whether a listing row carries the job's credentials: for the submitter only (the list-rows-credentials defect: for anyone, while they are live). */
function rowCredentials(rt: Runtime, job: Job, principal: string): boolean {
  if (rt.config.defects.has('list-rows-credentials')) return job.credentials !== undefined && !job.credentialsRevoked;
  return mayHoldCredentials(job, principal);
}

/** v1.1 §6.6: the principal's jobs, filtered and paged; credentials only for the submitter. */
export function onListJobs(rt: Runtime, session: Session, msg: Message<'session.list_jobs'>): void {
  requireFeature(session, 'list_jobs', 'session.list_jobs');
  const { filter, limit, cursor } = msg.payload;
  // list-filter-leak: the filtered query path forgets the principal scope; open-subscribe lists everyone's on purpose.
  const everyone =
    rt.config.defects.has('list-jobs-leak') || (filter !== undefined && rt.config.defects.has('list-filter-leak')) || rt.config.variants.has('open-subscribe');
  const { jobs, nextCursor } = rt.jobs.list({
    principal: everyone ? undefined : session.principal,
    finished: !rt.config.variants.has('forget-finished-jobs'),
    ...(filter?.status ? { status: filter.status } : {}),
    ...(filter?.agent ? { agent: filter.agent } : {}),
    ...(filter?.created_after ? { createdAfter: filter.created_after } : {}),
    limit: limit ?? 100,
    cursor: cursor ?? null,
  });
  const omitCursor = nextCursor === null && rt.config.variants.has('no-next-cursor');
  const payload = {
    request_id: msg.id,
    jobs: jobs.map((job) => listRow(job, session.principal, rowCredentials(rt, job, session.principal))),
    ...(omitCursor ? {} : { next_cursor: nextCursor }),
  };
  // listing-envelope-v1: the listing module's own copy of the version constant is stale.
  if (rt.config.defects.has('listing-envelope-v1')) {
    return session.outbound.write(JSON.stringify({ arcp: '1.0', id: rt.ids.next(), type: 'session.jobs', session_id: session.id, payload }));
  }
  session.outbound.send('session.jobs', payload);
}
