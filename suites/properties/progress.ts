// What the clients of a running scenario have received, and bounded waits on it. Triggers
// are counts of received frames, so a run is paced by the server, not by sleeps. Counts are
// per session and per event_seq: a replay after a resume does not count twice.
import { isTerminalStatus } from '../../spec/primitives.ts';
import type { Trigger } from './scenario.ts';

export type JobAdmission = 'pending' | 'accepted' | 'rejected';

interface JobProgress {
  admission: JobAdmission;
  jobId: string | undefined;
  /** Marked events of a complete run (upper bound when branches race to end). */
  readonly expectedTotal: number;
  /** Most marked events any one session has received. */
  maxMarked: number;
  /** The first terminal any session received: its type and final_status. */
  firstTerminal: { readonly type: string; readonly status: string | undefined } | undefined;
}

interface SessionProgress {
  /** `seq job_id` pairs received: a replayed frame is not counted again. */
  readonly seqs: Set<string>;
  readonly marked: Map<number, number>;
  readonly terminals: Set<number>;
  readonly subscribed: Set<number>;
  /** Subscriptions made while the job was still running: their terminal is owed. */
  readonly owedTerminals: Set<number>;
  disconnected: boolean;
}

interface Waiter {
  readonly met: () => boolean;
  readonly resolve: (met: boolean) => void;
  timer?: NodeJS.Timeout;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

const SEQUENCED = new Set(['job.event', 'job.result', 'job.error']);
/**
 * Seqs remembered per session (to tell a replay from a new event). A scenario's jobs emit a
 * few hundred; past this a server is flooding them, and later replays count as new.
 */
const MAX_SEQS_PER_SESSION = 65_536;

export class Progress {
  readonly #jobs: JobProgress[];
  readonly #byId = new Map<string, number>();
  readonly #sessions = new Map<string, SessionProgress>();
  readonly #waiters = new Set<Waiter>();

  constructor(expectedTotals: readonly number[]) {
    this.#jobs = expectedTotals.map((expectedTotal) => ({ admission: 'pending', jobId: undefined, expectedTotal, maxMarked: 0, firstTerminal: undefined }));
  }

  // ---- updates ------------------------------------------------------------------------

  accepted(job: number, jobId: string): void {
    const p = this.#job(job);
    p.admission = 'accepted';
    p.jobId = jobId;
    this.#byId.set(jobId, job);
    this.#notify();
  }

  rejected(job: number): void {
    this.#job(job).admission = 'rejected';
    this.#notify();
  }

  /** A job.subscribed arrived; `currentStatus` is what it reported. */
  subscribed(session: string, job: number, currentStatus: unknown): void {
    const s = this.#session(session);
    s.subscribed.add(job);
    if (!(typeof currentStatus === 'string' && isTerminalStatus(currentStatus))) s.owedTerminals.add(job);
    this.#notify();
  }

  disconnected(session: string): void {
    this.#session(session).disconnected = true;
    this.#notify();
  }

  /** Feeds one received frame of `session`; returns whether it carried a new event_seq. */
  observe(session: string, frame: unknown): boolean {
    const f = record(frame);
    if (f === undefined || typeof f.type !== 'string' || !SEQUENCED.has(f.type)) return false;
    const seq = f.event_seq;
    if (typeof seq !== 'number' || !Number.isSafeInteger(seq)) return false;
    const s = this.#session(session);
    const job = typeof f.job_id === 'string' ? this.#byId.get(f.job_id) : undefined;
    // Frames of no job of the scenario (a flooding server's) pace the run but are not
    // remembered: a flood of them grew this set by millions of keys.
    if (job === undefined) {
      this.#notify();
      return true;
    }
    // Keyed with the job too, so a server that reuses a seq across jobs still paces the run.
    const key = `${seq} ${f.job_id as string}`;
    if (s.seqs.has(key)) return false;
    if (s.seqs.size < MAX_SEQS_PER_SESSION) s.seqs.add(key);
    this.#count(s, job, f);
    this.#notify();
    return true;
  }

  #count(s: SessionProgress, job: number, f: Record<string, unknown>): void {
    const p = this.#job(job);
    const payload = record(f.payload);
    if (f.type === 'job.event') {
      if (record(record(payload?.body)?.marker) === undefined) return;
      const n = (s.marked.get(job) ?? 0) + 1;
      s.marked.set(job, n);
      p.maxMarked = Math.max(p.maxMarked, n);
      return;
    }
    s.terminals.add(job);
    if (p.firstTerminal === undefined) {
      const status = payload?.final_status;
      p.firstTerminal = { type: f.type as string, status: typeof status === 'string' && isTerminalStatus(status) ? status : undefined };
    }
  }

  // ---- reads -------------------------------------------------------------------------

  jobCount(): number {
    return this.#jobs.length;
  }

  admission(job: number): JobAdmission {
    return this.#job(job).admission;
  }

  jobId(job: number): string | undefined {
    return this.#job(job).jobId;
  }

  jobIndex(jobId: string): number | undefined {
    return this.#byId.get(jobId);
  }

  expectedTotal(job: number): number {
    return this.#job(job).expectedTotal;
  }

  terminalSeen(job: number): boolean {
    return this.#job(job).firstTerminal !== undefined;
  }

  firstTerminal(job: number): { readonly type: string; readonly status: string | undefined } | undefined {
    return this.#job(job).firstTerminal;
  }

  markedIn(session: string, job: number): number {
    return this.#sessions.get(session)?.marked.get(job) ?? 0;
  }

  terminalIn(session: string, job: number): boolean {
    return this.#sessions.get(session)?.terminals.has(job) ?? false;
  }

  isSubscribed(session: string, job: number): boolean {
    return this.#sessions.get(session)?.subscribed.has(job) ?? false;
  }

  /** Subscribed while the job was running: the job's terminal must reach this session. */
  owesTerminal(session: string, job: number): boolean {
    return this.#sessions.get(session)?.owedTerminals.has(job) ?? false;
  }

  /** Whether a trigger's condition holds now (a finished or refused job satisfies any job trigger). */
  holds(trigger: Trigger): boolean {
    switch (trigger.on) {
      case 'start':
        return true;
      case 'disconnected':
        return this.#sessions.get(trigger.session)?.disconnected ?? false;
      default: {
        const p = this.#job(trigger.job);
        if (p.admission === 'rejected' || p.firstTerminal !== undefined) return true;
        if (p.admission !== 'accepted') return false;
        if (trigger.on === 'accepted') return true;
        if (trigger.on === 'events') return p.maxMarked >= trigger.count;
        if (trigger.on === 'remaining') return p.maxMarked >= p.expectedTotal - trigger.count;
        return false; // terminal: only firstTerminal satisfies it
      }
    }
  }

  // ---- waits -------------------------------------------------------------------------

  /** Resolves true once `met()` holds, false when `boundMs` passes first. */
  until(met: () => boolean, boundMs: number): Promise<boolean> {
    if (met()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter: Waiter = { met, resolve };
      waiter.timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        resolve(false);
      }, boundMs);
      this.#waiters.add(waiter);
    });
  }

  /** Resolves every pending wait as not met (the run is being abandoned). */
  abandon(): void {
    for (const waiter of [...this.#waiters]) {
      clearTimeout(waiter.timer);
      this.#waiters.delete(waiter);
      waiter.resolve(false);
    }
  }

  #notify(): void {
    for (const waiter of [...this.#waiters]) {
      if (!waiter.met()) continue;
      clearTimeout(waiter.timer);
      this.#waiters.delete(waiter);
      waiter.resolve(true);
    }
  }

  #job(job: number): JobProgress {
    const p = this.#jobs[job];
    if (p === undefined) throw new Error(`scenario has no job ${job}`);
    return p;
  }

  #session(name: string): SessionProgress {
    let s = this.#sessions.get(name);
    if (s === undefined) {
      s = { seqs: new Set(), marked: new Map(), terminals: new Set(), subscribed: new Set(), owedTerminals: new Set(), disconnected: false };
      this.#sessions.set(name, s);
    }
    return s;
  }
}
