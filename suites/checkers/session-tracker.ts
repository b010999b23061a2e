// The shared reading of a multi-connection transcript: which connection belongs to which
// session (welcome, or the resume it asked for), where each resume started and what it owes,
// who owns and who subscribes to each job, who cancelled, and what each session has already
// received, per event_seq. Every checker consumes this instead of re-deriving it. State is
// per connection, session and job; frames themselves are not kept (seq-history.ts keeps a
// bounded fingerprint per seq).
import type { ConnectionEntry, FrameEntry, TranscriptEntry } from '../harness/transcript-types.ts';
import { isDelegatedAccept, jobErrorRole } from '../harness/job-holdings.ts';
import { principalFromLabel } from './principals.ts';
import { DEFAULT_REPLAY_WINDOW, type Lookup, type Receipt, SeqHistory } from './seq-history.ts';
import {
  fingerprintOf,
  isCancelledTerminal,
  isObject,
  isSequencedFrame,
  isTerminalFrame,
  readWireFrame,
  stringField,
  terminalStatusOf,
  type WireFrame,
} from './wire.ts';

/** Pending requests a connection remembers while waiting for replies. */
const MAX_PENDING_REQUESTS = 256;

export type ResumeForm = 'hello' | 'hello-flat' | 'session.resume';

export interface ResumePoint {
  readonly conn: string;
  /** Transcript index of the resume request. */
  readonly index: number;
  readonly lastEventSeq: number;
  readonly form: ResumeForm;
  /** The resumed session: from the request, or learnt from the welcome (flat form). */
  sessionId: string | undefined;
  /** The session's highest seq received on any connection when the resume was asked. */
  owed: Receipt | undefined;
  outcome: 'pending' | 'welcomed' | 'failed';
  welcomeIndex: number | undefined;
}

export interface ConnState {
  readonly id: string;
  readonly label: string | undefined;
  readonly principal: string | undefined;
  readonly openIndex: number | undefined;
  sessionId: string | undefined;
  /** The welcome received on this connection. */
  welcomeIndex: number | undefined;
  /** The resume this connection asked for, if it is a resume connection. */
  resume: ResumePoint | undefined;
  /** Where the client dropped it, began closing it, or sent session.close / session.bye. */
  clientCutIndex: number | undefined;
  /** Where the client sent session.close / session.bye on it. */
  sessionCloseIndex: number | undefined;
  /** Where the socket ended (dropped or closed). */
  endIndex: number | undefined;
  framesIn: number;
  framesOut: number;
  pendingSubmit: { readonly index: number; readonly input: unknown } | undefined;
  readonly pendingSubscribes: Map<string, number>;
  readonly pendingLists: Map<string, number>;
}

export interface TerminalRecord {
  readonly session: string;
  readonly seq: number;
  readonly index: number;
  readonly type: string;
  /** The final status it reports, when it reports a known one. */
  readonly status: string | undefined;
  readonly cancelled: boolean;
}

export interface Subscription {
  readonly index: number;
  /** The job's status when the subscription was acknowledged (`current_status`). */
  readonly status: string | undefined;
  active: boolean;
}

export interface SessionState {
  readonly id: string;
  /** True when the welcome named no session: the id is a local stand-in, never compared. */
  readonly anonymous: boolean;
  readonly principal: string | undefined;
  /** Connection ids in the order they joined. */
  readonly conns: string[];
  readonly history: SeqHistory;
  readonly owned: Set<string>;
  readonly subscriptions: Map<string, Subscription>;
  /** First terminal the session received per job. */
  readonly terminals: Map<string, TerminalRecord>;
  /** The latest disconnect of any of its connections. */
  lastDisconnect: { readonly index: number; readonly how: 'drop' | 'close' } | undefined;
}

/**
 * How much authority the session sending a job.cancel has over the job. DESIGN §5 reads
 * the spec as "only the submitting principal may cancel" (as the reference runtime does):
 * `owner` (the session got the job's job.accepted), `same-principal` (another session of
 * the submitting principal, subscribed or not: subscribing confers no authority, but takes
 * none away either), `foreign-subscriber` (a subscriber session of another principal),
 * `other-principal` (another principal's session that did not subscribe), or `unknown`
 * (a non-owner session whose principal or the submitter's is not known: not judged).
 */
export type CancelAuthority = 'owner' | 'same-principal' | 'foreign-subscriber' | 'other-principal' | 'unknown';

export interface CancelSummary {
  count: number;
  lastIndex: number | undefined;
  /** First cancel by the owner or the same principal. */
  firstAuthorizedIndex: number | undefined;
  /** First cancel whose authority could not be told. */
  firstUnknownIndex: number | undefined;
  firstForeign: { readonly index: number; readonly session: string; readonly authority: CancelAuthority } | undefined;
}

export interface JobState {
  readonly id: string;
  /** Sessions that received its job.accepted, first the submitting one. */
  readonly owners: string[];
  /** Sessions that received its job.subscribed (see SessionState.subscriptions for activity). */
  readonly subscribers: Set<string>;
  acceptedIndex: number | undefined;
  submitterPrincipal: string | undefined;
  /** First terminal received anywhere. */
  firstTerminal: TerminalRecord | undefined;
  readonly cancels: CancelSummary;
}

/** What the tracker learnt about the frame it was just fed. */
export interface FrameFacts {
  readonly entry: FrameEntry;
  readonly wire: WireFrame | undefined;
  readonly conn: Readonly<ConnState>;
  /** The session the frame belongs to (its connection's, when it has one). */
  readonly session: Readonly<SessionState> | undefined;
  /** The job the frame names, if it names one the tracker knows of. */
  readonly job: Readonly<JobState> | undefined;
  /** Server frame in the event_seq sequence (job.event, job.result, job.error for a job). */
  readonly sequenced: boolean;
  /** For sequenced frames with a valid seq in a session: the session's earlier receipt of that seq. */
  readonly receipt: Lookup | undefined;
  /** First receipt of its seq in its session: counts toward every per-job rule exactly once. */
  readonly fresh: boolean;
  readonly fingerprint: number | undefined;
  /** The session's terminal for this job before this frame. */
  readonly priorTerminal: TerminalRecord | undefined;
  /** On job.accepted: the job.submit it answers on this connection. */
  readonly answers: { readonly index: number; readonly input: unknown } | undefined;
  /** On session.jobs / job.subscribed: where its request was sent, when known. */
  readonly requestIndex: number | undefined;
  /** On job.cancel: the sender's authority over the job. */
  readonly cancelAuthority: CancelAuthority | undefined;
}

export interface TrackerOptions {
  /** Principal names by connection id or session id; wins over `principal:` labels. */
  readonly principals?: Readonly<Record<string, string>>;
  /** Seqs remembered per session for replay comparison (seq-history.ts). */
  readonly replayWindow?: number;
}

function remember<K, V>(map: Map<K, V>, key: K, value: V): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > MAX_PENDING_REQUESTS) {
    const oldest = map.keys().next();
    if (!oldest.done) map.delete(oldest.value);
  }
}

function seqField(value: unknown, key: string): number | undefined {
  if (!isObject(value)) return undefined;
  const v = value[key];
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : undefined;
}

/** The resume a client frame asks for (DESIGN §5: three forms), if it asks for one. */
function resumeRequest(wire: WireFrame): { form: ResumeForm; sessionId: string | undefined; lastEventSeq: number } | undefined {
  const p = wire.payload;
  if (wire.type === 'session.resume') {
    const lastEventSeq = seqField(p, 'last_event_seq');
    return lastEventSeq === undefined ? undefined : { form: 'session.resume', sessionId: stringField(p, 'session_id') ?? wire.sessionId, lastEventSeq };
  }
  if (wire.type !== 'session.hello') return undefined;
  if (isObject(p.resume)) {
    const lastEventSeq = seqField(p.resume, 'last_event_seq');
    if (lastEventSeq !== undefined) return { form: 'hello', sessionId: stringField(p.resume, 'session_id'), lastEventSeq };
  }
  const flatSeq = seqField(p, 'last_event_seq');
  if (flatSeq !== undefined && (p.resume_token !== undefined || p.session_id !== undefined)) {
    return { form: 'hello-flat', sessionId: stringField(p, 'session_id') ?? wire.sessionId, lastEventSeq: flatSeq };
  }
  return undefined;
}

/** The tracker's state is read-only to everyone but the tracker (checkers read, never write). */
export class SessionTracker {
  private readonly conns = new Map<string, ConnState>();
  private readonly sessionsById = new Map<string, SessionState>();
  private readonly jobsById = new Map<string, JobState>();
  private readonly principals: Readonly<Record<string, string>>;
  private readonly replayWindow: number;
  private last: FrameFacts | undefined;
  private lastEntry: TranscriptEntry | undefined;

  constructor(options: TrackerOptions = {}) {
    this.principals = options.principals ?? {};
    this.replayWindow = options.replayWindow ?? DEFAULT_REPLAY_WINDOW;
  }

  /** Feeds one entry; call before any checker sees it. */
  observe(entry: TranscriptEntry): void {
    this.lastEntry = entry;
    this.last = undefined;
    if (entry.kind === 'conn') this.observeConnection(entry);
    else this.last = this.observeFrame(entry);
  }

  /** What the tracker learnt about `entry`, which must be the frame it was fed last. */
  facts(entry: FrameEntry): FrameFacts {
    if (this.lastEntry !== entry || this.last === undefined) {
      throw new Error(`SessionTracker was not fed transcript entry #${entry.index} last; feed the tracker before the checkers`);
    }
    return this.last;
  }

  connection(id: string): Readonly<ConnState> | undefined {
    return this.conns.get(id);
  }

  session(id: string): Readonly<SessionState> | undefined {
    return this.sessionsById.get(id);
  }

  job(id: string): Readonly<JobState> | undefined {
    return this.jobsById.get(id);
  }

  connections(): IterableIterator<Readonly<ConnState>> {
    return this.conns.values();
  }

  sessions(): IterableIterator<Readonly<SessionState>> {
    return this.sessionsById.values();
  }

  jobs(): IterableIterator<Readonly<JobState>> {
    return this.jobsById.values();
  }

  /** The connection a session listens on now: its latest one. */
  currentConnection(session: Readonly<SessionState>): Readonly<ConnState> | undefined {
    const id = session.conns.at(-1);
    return id === undefined ? undefined : this.conns.get(id);
  }

  /** Whether the session is still attached at the end: its latest connection was not cut by the client. */
  isAttached(session: Readonly<SessionState>): boolean {
    const conn = this.currentConnection(session);
    return conn !== undefined && conn.clientCutIndex === undefined && conn.resume?.outcome !== 'failed';
  }

  /** Words for a session in messages, e.g. `session s1` or `the unnamed session of c1`. */
  describeSession(session: Readonly<SessionState>): string {
    return session.anonymous ? `the unnamed session of ${session.conns[0] ?? '?'}` : `session ${session.id}`;
  }

  // ---- connections ------------------------------------------------------------------

  private connState(id: string, opening?: ConnectionEntry): ConnState {
    let conn = this.conns.get(id);
    if (conn === undefined) {
      conn = {
        id,
        label: opening?.label,
        principal: this.principals[id] ?? principalFromLabel(opening?.label),
        openIndex: opening?.index,
        sessionId: undefined,
        welcomeIndex: undefined,
        resume: undefined,
        clientCutIndex: undefined,
        sessionCloseIndex: undefined,
        endIndex: undefined,
        framesIn: 0,
        framesOut: 0,
        pendingSubmit: undefined,
        pendingSubscribes: new Map(),
        pendingLists: new Map(),
      };
      this.conns.set(id, conn);
    }
    return conn;
  }

  private observeConnection(entry: ConnectionEntry): void {
    const conn = this.connState(entry.conn, entry.event === 'open' ? entry : undefined);
    if (entry.event === 'open') return;
    if (entry.event === 'dropped' || entry.event === 'closing') conn.clientCutIndex ??= entry.index;
    if (entry.event === 'dropped' || entry.event === 'closed') {
      if (conn.endIndex !== undefined) return;
      conn.endIndex = entry.index;
      const session = conn.sessionId === undefined ? undefined : this.sessionsById.get(conn.sessionId);
      // After a session.close it is a close (v1.1 §6.7); any other end of the socket is a drop.
      const closed = conn.sessionCloseIndex !== undefined && entry.index > conn.sessionCloseIndex;
      if (session !== undefined) session.lastDisconnect = { index: entry.index, how: closed ? 'close' : 'drop' };
    }
  }

  // ---- sessions ---------------------------------------------------------------------

  private sessionState(id: string, conn: ConnState, anonymous = false): SessionState {
    let session = this.sessionsById.get(id);
    if (session === undefined) {
      session = {
        id,
        anonymous,
        principal: this.principals[id] ?? conn.principal,
        conns: [],
        history: new SeqHistory(this.replayWindow),
        owned: new Set(),
        subscriptions: new Map(),
        terminals: new Map(),
        lastDisconnect: undefined,
      };
      this.sessionsById.set(id, session);
    }
    return session;
  }

  private bind(conn: ConnState, sessionId: string, anonymous = false): SessionState {
    const session = this.sessionState(sessionId, conn, anonymous);
    if (conn.sessionId !== sessionId) {
      this.detach(conn);
      conn.sessionId = sessionId;
      if (!session.conns.includes(conn.id)) session.conns.push(conn.id);
    }
    return session;
  }

  /** Takes a connection out of its session (a refused resume, or a welcome naming another session). */
  private detach(conn: ConnState): void {
    const session = this.sessionOf(conn);
    const at = session?.conns.indexOf(conn.id) ?? -1;
    if (at >= 0) session?.conns.splice(at, 1);
    conn.sessionId = undefined;
  }

  private sessionOf(conn: ConnState): SessionState | undefined {
    return conn.sessionId === undefined ? undefined : this.sessionsById.get(conn.sessionId);
  }

  private jobState(id: string): JobState {
    let job = this.jobsById.get(id);
    if (job === undefined) {
      job = {
        id,
        owners: [],
        subscribers: new Set(),
        acceptedIndex: undefined,
        submitterPrincipal: undefined,
        firstTerminal: undefined,
        cancels: { count: 0, lastIndex: undefined, firstAuthorizedIndex: undefined, firstUnknownIndex: undefined, firstForeign: undefined },
      };
      this.jobsById.set(id, job);
    }
    return job;
  }

  private cancelAuthority(session: SessionState, job: JobState): CancelAuthority {
    if (job.owners.includes(session.id)) return 'owner';
    if (session.principal === undefined || job.submitterPrincipal === undefined) return 'unknown';
    if (session.principal === job.submitterPrincipal) return 'same-principal';
    return session.subscriptions.has(job.id) ? 'foreign-subscriber' : 'other-principal';
  }

  // ---- frames -----------------------------------------------------------------------

  private observeFrame(entry: FrameEntry): FrameFacts {
    const conn = this.connState(entry.conn);
    if (entry.dir === 'in') conn.framesIn++;
    else conn.framesOut++;
    const wire = readWireFrame(entry.frame);
    const facts: Mutable<FrameFacts> = {
      entry,
      wire,
      conn,
      session: this.sessionOf(conn),
      job: wire?.jobId === undefined ? undefined : this.jobsById.get(wire.jobId),
      sequenced: false,
      receipt: undefined,
      fresh: false,
      fingerprint: undefined,
      priorTerminal: undefined,
      answers: undefined,
      requestIndex: undefined,
      cancelAuthority: undefined,
    };
    if (wire === undefined) return facts;
    if (entry.dir === 'out') this.observeClientFrame(entry, wire, conn, facts);
    else this.observeServerFrame(entry, wire, conn, facts);
    return facts;
  }

  private observeClientFrame(entry: FrameEntry, wire: WireFrame, conn: ConnState, facts: Mutable<FrameFacts>): void {
    const session = this.sessionOf(conn);
    const resume = resumeRequest(wire);
    if (resume !== undefined) {
      const resumed = resume.sessionId === undefined ? undefined : this.sessionsById.get(resume.sessionId);
      conn.resume = {
        conn: conn.id,
        index: entry.index,
        lastEventSeq: resume.lastEventSeq,
        form: resume.form,
        sessionId: resume.sessionId,
        owed: resumed?.history.highest,
        outcome: 'pending',
        welcomeIndex: undefined,
      };
      // Replayed frames may come before the welcome (v1.0 §6.3): they already belong to it.
      if (resume.sessionId !== undefined) facts.session = this.bind(conn, resume.sessionId);
      return;
    }
    switch (wire.type) {
      case 'session.close':
      case 'session.bye':
        conn.clientCutIndex ??= entry.index;
        conn.sessionCloseIndex ??= entry.index;
        if (session !== undefined) session.lastDisconnect = { index: entry.index, how: 'close' };
        return;
      case 'job.submit':
        conn.pendingSubmit = { index: entry.index, input: wire.payload.input };
        return;
      case 'job.subscribe':
        if (wire.jobId !== undefined) remember(conn.pendingSubscribes, wire.jobId, entry.index);
        return;
      case 'job.unsubscribe': {
        const subscription = wire.jobId === undefined ? undefined : session?.subscriptions.get(wire.jobId);
        if (subscription !== undefined) subscription.active = false;
        return;
      }
      case 'session.list_jobs':
        if (wire.id !== undefined) remember(conn.pendingLists, wire.id, entry.index);
        return;
      case 'job.cancel': {
        if (session === undefined || wire.jobId === undefined) return;
        const job = this.jobState(wire.jobId);
        facts.job = job;
        const authority = this.cancelAuthority(session, job);
        facts.cancelAuthority = authority;
        const cancels = job.cancels;
        cancels.count++;
        cancels.lastIndex = entry.index;
        if (authority === 'owner' || authority === 'same-principal') cancels.firstAuthorizedIndex ??= entry.index;
        else if (authority === 'unknown') cancels.firstUnknownIndex ??= entry.index;
        else cancels.firstForeign ??= { index: entry.index, session: session.id, authority };
        return;
      }
      default:
        return;
    }
  }

  private observeServerFrame(entry: FrameEntry, wire: WireFrame, conn: ConnState, facts: Mutable<FrameFacts>): void {
    switch (wire.type) {
      case 'session.welcome':
        this.observeWelcome(entry, wire, conn, facts);
        return;
      case 'session.error':
        // A refused resume (e.g. RESUME_WINDOW_EXPIRED) leaves the connection sessionless.
        if (conn.resume?.outcome === 'pending' && conn.welcomeIndex === undefined) {
          conn.resume.outcome = 'failed';
          this.detach(conn);
          facts.session = undefined;
        }
        return;
      case 'job.accepted':
        this.observeAccepted(entry, wire, conn, facts);
        return;
      case 'job.subscribed': {
        const session = this.sessionOf(conn);
        if (session === undefined || wire.jobId === undefined) return;
        facts.requestIndex = conn.pendingSubscribes.get(wire.jobId);
        conn.pendingSubscribes.delete(wire.jobId);
        const job = this.jobState(wire.jobId);
        facts.job = job;
        job.subscribers.add(session.id);
        session.subscriptions.set(wire.jobId, { index: entry.index, status: stringField(wire.payload, 'current_status'), active: true });
        return;
      }
      case 'session.jobs': {
        const requestId = stringField(wire.payload, 'request_id');
        if (requestId === undefined) return;
        facts.requestIndex = conn.pendingLists.get(requestId);
        conn.pendingLists.delete(requestId);
        return;
      }
      default:
        if (isSequencedFrame(wire) && !this.isRejection(wire, conn)) this.observeSequenced(entry, wire, conn, facts);
    }
  }

  private observeWelcome(entry: FrameEntry, wire: WireFrame, conn: ConnState, facts: Mutable<FrameFacts>): void {
    const named = wire.sessionId ?? stringField(wire.payload, 'session_id');
    const resume = conn.resume?.outcome === 'pending' ? conn.resume : undefined;
    if (resume !== undefined) {
      resume.outcome = 'welcomed';
      resume.welcomeIndex = entry.index;
      if (resume.sessionId === undefined && named !== undefined) {
        resume.sessionId = named;
        resume.owed = this.sessionsById.get(named)?.history.highest;
      }
    }
    const id = named ?? resume?.sessionId;
    facts.session = id !== undefined ? this.bind(conn, id) : this.bind(conn, `\u0000unnamed:${conn.id}`, true);
    conn.welcomeIndex = entry.index;
  }

  private observeAccepted(entry: FrameEntry, wire: WireFrame, conn: ConnState, facts: Mutable<FrameFacts>): void {
    if (!isDelegatedAccept(wire)) {
      facts.answers = conn.pendingSubmit;
      conn.pendingSubmit = undefined;
    }
    const session = this.sessionOf(conn);
    if (session === undefined || wire.jobId === undefined) return;
    const job = this.jobState(wire.jobId);
    facts.job = job;
    if (!job.owners.includes(session.id)) job.owners.push(session.id);
    if (job.acceptedIndex === undefined) {
      job.acceptedIndex = entry.index;
      job.submitterPrincipal = session.principal;
    }
    session.owned.add(job.id);
  }

  /** A job.error naming no job its session holds answers a request: no terminal, no seq owed (harness/job-holdings.ts). */
  private isRejection(wire: WireFrame, conn: ConnState): boolean {
    if (wire.type !== 'job.error') return false;
    const session = this.sessionOf(conn);
    return jobErrorRole(wire.jobId, (id) => session !== undefined && (session.owned.has(id) || session.subscriptions.has(id))) === 'rejection';
  }

  private observeSequenced(entry: FrameEntry, wire: WireFrame, conn: ConnState, facts: Mutable<FrameFacts>): void {
    facts.sequenced = true;
    const session = this.sessionOf(conn);
    const job = wire.jobId === undefined ? undefined : this.jobState(wire.jobId);
    facts.job = job;
    if (session === undefined || wire.seq === undefined) return;
    const fingerprint = fingerprintOf(wire);
    const receipt = session.history.lookup(wire.seq);
    facts.fingerprint = fingerprint;
    facts.receipt = receipt;
    facts.fresh = receipt.state === 'new';
    if (facts.fresh) session.history.record(wire.seq, fingerprint, entry.index);
    if (job === undefined) return;
    facts.priorTerminal = session.terminals.get(job.id);
    // A different frame under a seq already seen is no replay: the seq is SEQ-001/002's to
    // judge, but the terminal was still delivered (else LIFE-001 would judge the same frame again).
    const reusedSeq = receipt.state === 'seen' && receipt.receipt.fingerprint !== fingerprint;
    if ((facts.fresh || reusedSeq) && facts.priorTerminal === undefined && isTerminalFrame(wire)) {
      const record: TerminalRecord = {
        session: session.id,
        seq: wire.seq,
        index: entry.index,
        type: wire.type,
        status: terminalStatusOf(wire),
        cancelled: isCancelledTerminal(wire),
      };
      session.terminals.set(job.id, record);
      job.firstTerminal ??= record;
    }
  }
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
