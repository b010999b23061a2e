// The runtime's shared state and the session lifecycle: create, attach, detach, expire.
// Handlers (session-handlers.ts, job-handlers.ts) work on it; server.ts wires it to sockets.
import { randomId, MessageIds, newResumeToken } from './ids.ts';
import { Authenticator } from './auth.ts';
import { cancelledPayload, type Job } from './job.ts';
import { JobRegistry } from './jobs.ts';
import type { Config } from './options.ts';
import { Session, type Link } from './session.ts';
import { Subscriptions } from './subscriptions.ts';

export type DetachReason = 'close' | 'drop' | 'heartbeat' | 'superseded';

export interface SessionStats {
  readonly sessionId: string;
  readonly principal: string;
  readonly attached: boolean;
  readonly lastSeq: number;
  readonly bufferedEvents: number;
}

export interface RuntimeStats {
  /** Sessions that can still be resumed (attached or within the window). */
  readonly sessions: number;
  readonly attachedSessions: number;
  readonly jobs: number;
  readonly activeJobs: number;
  /** Job -> session delivery rows across all jobs. */
  readonly subscriptionRows: number;
  /** Rows whose session is gone for good (must be 0; the subscription-leak defect grows it). */
  readonly orphanedSubscriptionRows: number;
  /** Events buffered for resume in live sessions. */
  readonly bufferedEvents: number;
  /** Events buffered in gone sessions' outboxes (must be 0). */
  readonly orphanedBufferedEvents: number;
  readonly sessionDetails: readonly SessionStats[];
}

export class Runtime {
  readonly config: Config;
  readonly ids = new MessageIds();
  readonly auth: Authenticator;
  readonly sessions = new Map<string, Session>();
  readonly jobs = new JobRegistry();
  readonly subscriptions: Subscriptions;
  #stopped = false;

  constructor(config: Config) {
    this.config = config;
    this.auth = new Authenticator(config.tokens);
    this.subscriptions = new Subscriptions(this.jobs, config.defects);
  }

  createSession(principal: string, features: readonly string[]): Session {
    const session = new Session(randomId('sess_', 12), principal, features, newResumeToken(), this.config, this.ids);
    this.sessions.set(session.id, session);
    return session;
  }

  attach(session: Session, link: Link): void {
    clearTimeout(session.expiryTimer);
    session.expiryTimer = undefined;
    session.link = link;
    session.outbound.attach(link.socket);
  }

  /**
   * The transport is gone (closed, dropped, heartbeat lost, or taken over by a resume). The
   * session and its jobs live on; the session stays resumable for the window (v1.1 §6.4, §6.7).
   */
  detach(session: Session, reason: DetachReason): void {
    session.link = undefined;
    session.outbound.detach();
    if (reason === 'superseded') return; // a resume is attaching a new transport right now
    if (reason === 'close' && this.config.defects.has('close-cancels-jobs')) this.#endSubmittedJobs(session, 'session closed');
    if (reason !== 'close' && this.config.defects.has('drop-kills-jobs')) this.#endSubmittedJobs(session, 'session transport lost');
    if (this.#stopped) return;
    // Unref'd: the listening server keeps the process alive; a pending expiry must not.
    session.expiryTimer = setTimeout(() => this.expire(session), this.config.resumeWindowSec * 1000).unref();
  }

  /** The resume window passed: the session is gone for good. */
  expire(session: Session): void {
    clearTimeout(session.expiryTimer);
    session.expired = true;
    this.sessions.delete(session.id);
    this.subscriptions.dropSession(session);
    if (!this.config.defects.has('subscription-leak')) session.outbound.log.clear();
  }

  /** The job is retained no longer. */
  forgetJob(job: Job): void {
    this.subscriptions.dropJob(job);
    this.jobs.remove(job);
  }

  /** Whether the session's principal may know the job exists. */
  canSee(session: Session, job: Job): boolean {
    return job.principal === session.principal || this.subscriptions.observes(session, job) || session.delivered.has(job.id);
  }

  shutdown(): void {
    this.#stopped = true;
    for (const job of this.jobs.all()) job.shutdown();
    for (const session of this.sessions.values()) clearTimeout(session.expiryTimer);
  }

  stats(): RuntimeStats {
    const sessions = [...this.sessions.values()];
    const rows = this.subscriptions.rows();
    let activeJobs = 0;
    for (const job of this.jobs.all()) if (job.terminal === undefined) activeJobs += 1;
    return {
      sessions: sessions.length,
      attachedSessions: sessions.filter((s) => s.link !== undefined).length,
      jobs: this.jobs.size,
      activeJobs,
      subscriptionRows: rows.total,
      orphanedSubscriptionRows: rows.orphaned,
      bufferedEvents: sessions.reduce((n, s) => n + s.outbound.log.size, 0),
      orphanedBufferedEvents: rows.orphanedBufferedEvents,
      sessionDetails: sessions.map((s) => ({
        sessionId: s.id,
        principal: s.principal,
        attached: s.link !== undefined,
        lastSeq: s.outbound.lastSeq,
        bufferedEvents: s.outbound.log.size,
      })),
    };
  }

  // The close-cancels-jobs and drop-kills-jobs defects: the session's running jobs die with it.
  #endSubmittedJobs(session: Session, message: string): void {
    for (const job of this.jobs.all()) {
      if (job.submitterSessionId === session.id && job.terminal === undefined) void job.end('job.error', cancelledPayload(message), 'cancelled');
    }
  }
}
