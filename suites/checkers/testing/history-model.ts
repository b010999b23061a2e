// A tiny model of a correct ARCP server and its clients, for property tests of the checkers:
// sessions that submit jobs with concurrent branches, interleaved emissions fanned out to
// subscribers in their own seq spaces, cancels (sometimes twice), drops, closes, and resumes
// at or below what was received (replaying from the session's log). Every transcript it
// renders is one a correct server could produce, so the checkers must find nothing in it.
import type { AgentScript } from '../../../spec/agent-script.ts';
import type { TranscriptEntry } from '../../harness/transcript-types.ts';
import { type ConnBuilder, transcript, type TranscriptBuilder } from './transcript-builder.ts';

/** One step of a scenario; indices are taken modulo what exists, so every step is meaningful or a no-op. */
export type Command =
  | { readonly op: 'submit'; readonly session: number; readonly counts: readonly number[] }
  | { readonly op: 'emit'; readonly job: number; readonly branch: number }
  | { readonly op: 'finish'; readonly job: number }
  | { readonly op: 'cancel'; readonly job: number; readonly twice: boolean }
  | { readonly op: 'drop'; readonly session: number }
  | { readonly op: 'close'; readonly session: number }
  | { readonly op: 'resume'; readonly session: number; readonly back: number; readonly welcomeFirst: boolean }
  | { readonly op: 'subscribe'; readonly session: number; readonly job: number }
  | { readonly op: 'list'; readonly session: number };

export interface Scenario {
  readonly sessions: number;
  readonly commands: readonly Command[];
  /** Per session: how far below what it received the closing resume goes (>= 1 forces a replay). */
  readonly finalBack: readonly number[];
}

type LogItem =
  | { readonly kind: 'event'; readonly job: string; readonly branch: string; readonly i: number }
  | { readonly kind: 'result'; readonly job: string }
  | { readonly kind: 'cancelled'; readonly job: string };

interface ModelSession {
  readonly id: string;
  conn: ConnBuilder | undefined;
  /** Every sequenced frame of the session; seq = position + 1. */
  readonly log: LogItem[];
  /** Highest seq the client received. */
  received: number;
}

interface ModelJob {
  readonly id: string;
  readonly owner: ModelSession;
  readonly counts: readonly number[];
  readonly emitted: number[];
  status: 'running' | 'success' | 'cancelled';
  readonly subscribers: ModelSession[];
}

export function scriptFor(counts: readonly number[]): AgentScript {
  return {
    steps: [{ op: 'parallel', branches: counts.map((count) => [{ op: 'emit', kind: 'log', count }]) }, { op: 'finish' }],
  };
}

class Model {
  private readonly t: TranscriptBuilder = transcript();
  private readonly sessions: ModelSession[] = [];
  private readonly jobs: ModelJob[] = [];
  private conns = 0;
  private lists = 0;

  constructor(sessionCount: number) {
    for (let k = 0; k < sessionCount; k++) {
      const id = `s${k + 1}`;
      this.sessions.push({ id, conn: this.t.session(this.nextConn(), id, 'alice'), log: [], received: 0 });
    }
  }

  run(scenario: Scenario): TranscriptEntry[] {
    this.submit(this.sessions[0]!, [2]); // every history has a job with a few frames
    for (const command of scenario.commands) this.apply(command);
    for (const job of this.jobs) this.finish(job);
    this.sessions.forEach((session, k) => {
      if (session.conn !== undefined) this.drop(session);
      this.resume(session, Math.max(1, scenario.finalBack[k] ?? 1), k % 2 === 0);
    });
    return this.t.build();
  }

  private nextConn(): string {
    return `c${++this.conns}`;
  }

  private session(n: number): ModelSession {
    return this.sessions[n % this.sessions.length]!;
  }

  private job(n: number): ModelJob | undefined {
    return this.jobs.length === 0 ? undefined : this.jobs[n % this.jobs.length];
  }

  private apply(command: Command): void {
    switch (command.op) {
      case 'submit':
        return this.submit(this.session(command.session), command.counts);
      case 'emit': {
        const job = this.job(command.job);
        if (job?.status !== 'running') return;
        const b = command.branch % job.counts.length;
        if (job.emitted[b]! < job.counts[b]!) this.emit(job, b);
        return;
      }
      case 'finish': {
        const job = this.job(command.job);
        return job === undefined ? undefined : this.finish(job);
      }
      case 'cancel': {
        const job = this.job(command.job);
        return job === undefined ? undefined : this.cancel(job, command.twice);
      }
      case 'drop': {
        const session = this.session(command.session);
        return session.conn === undefined ? undefined : this.drop(session);
      }
      case 'close': {
        const session = this.session(command.session);
        const conn = session.conn;
        if (conn === undefined) return;
        conn.close();
        conn.closedAck();
        conn.closed();
        session.conn = undefined;
        return;
      }
      case 'resume': {
        const session = this.session(command.session);
        return session.conn === undefined ? this.resume(session, command.back, command.welcomeFirst) : undefined;
      }
      case 'subscribe':
        return this.subscribe(this.session(command.session), command.job);
      case 'list':
        return this.list(this.session(command.session));
    }
  }

  private submit(session: ModelSession, counts: readonly number[]): void {
    const conn = session.conn;
    if (conn === undefined || counts.length === 0) return;
    const job: ModelJob = { id: `j${this.jobs.length + 1}`, owner: session, counts, emitted: counts.map(() => 0), status: 'running', subscribers: [] };
    conn.submit(scriptFor(counts));
    conn.accepted(job.id);
    this.jobs.push(job);
  }

  /** Appends an item to every watching session's log and delivers it where connected. */
  private publish(job: ModelJob, item: LogItem): void {
    for (const session of [job.owner, ...job.subscribers]) {
      session.log.push(item);
      if (session.conn !== undefined) this.deliver(session, session.conn, session.log.length);
    }
  }

  private deliver(session: ModelSession, conn: ConnBuilder, seq: number): void {
    const item = session.log[seq - 1]!;
    if (item.kind === 'event') conn.event(item.job, { marker: [item.branch, item.i], seq });
    else if (item.kind === 'result') conn.result(item.job, { seq });
    else conn.cancelledTerminal(item.job, { seq });
    session.received = Math.max(session.received, seq);
  }

  private emit(job: ModelJob, b: number): void {
    const i = job.emitted[b]!;
    job.emitted[b] = i + 1;
    this.publish(job, { kind: 'event', job: job.id, branch: `0.${b}`, i });
  }

  private finish(job: ModelJob): void {
    if (job.status !== 'running') return;
    job.counts.forEach((count, b) => {
      while (job.emitted[b]! < count) this.emit(job, b);
    });
    job.status = 'success';
    this.publish(job, { kind: 'result', job: job.id });
  }

  private cancel(job: ModelJob, twice: boolean): void {
    const conn = job.owner.conn;
    if (conn === undefined) return;
    conn.cancel(job.id);
    if (twice) conn.cancel(job.id);
    conn.cancelled(job.id); // live: acknowledged before the terminal; terminal: any ack is allowed
    if (job.status !== 'running') return;
    job.status = 'cancelled';
    this.publish(job, { kind: 'cancelled', job: job.id });
  }

  private drop(session: ModelSession): void {
    session.conn?.drop();
    session.conn = undefined;
  }

  private resume(session: ModelSession, back: number, welcomeFirst: boolean): void {
    const conn = this.t.open(this.nextConn(), 'principal:alice');
    const last = Math.max(0, session.received - back);
    conn.resume(session.id, last);
    if (welcomeFirst) conn.welcome(session.id);
    for (let seq = last + 1; seq <= session.log.length; seq++) this.deliver(session, conn, seq);
    if (!welcomeFirst) conn.welcome(session.id);
    session.conn = conn;
  }

  private subscribe(session: ModelSession, n: number): void {
    const job = this.job(n);
    const conn = session.conn;
    if (job === undefined || conn === undefined || job.owner === session || job.subscribers.includes(session)) return;
    conn.subscribe(job.id);
    conn.subscribed(job.id, job.status);
    if (job.status === 'running') job.subscribers.push(session);
  }

  private list(session: ModelSession): void {
    const conn = session.conn;
    if (conn === undefined) return;
    const id = `L${++this.lists}`;
    conn.listJobs(id);
    conn.jobs(id, this.jobs.filter((j) => j.owner === session).map((j) => ({ job_id: j.id, status: j.status })));
  }
}

/** Renders a scenario as the transcript a correct server would produce. */
export function renderScenario(scenario: Scenario): TranscriptEntry[] {
  return new Model(scenario.sessions).run(scenario);
}
