// One job (v1.1 §7): its state machine, its position-numbered history, and fan-out of
// every event to the sessions observing it. Exactly one terminal: `end` is the only way
// to a terminal and the first call wins; nothing is published after it.
import type { Credential, JobStatusName } from '../spec/index.ts';
import type { Config } from './options.ts';
import type { LeaseState } from './lease.ts';
import { isoNow } from './ids.ts';
import { SeqRing } from './seq-ring.ts';
import type { JobEntry, JobWire, Session } from './session.ts';

export interface JobInit {
  readonly id: string;
  /** Creation order, for listing and cursors. */
  readonly number: number;
  readonly principal: string;
  readonly submitterSessionId: string;
  readonly agentName: string;
  readonly agentVersion: string;
  readonly lease: LeaseState;
  readonly credentials: readonly Credential[] | undefined;
  readonly traceId: string;
  /** Set for a delegated child job (v1.0 §10.1). */
  readonly parentJobId?: string | undefined;
  readonly idempotencyKey: string | undefined;
  /** Canonical form of the submit parameters, for idempotency (v1.1 §7.2). */
  readonly fingerprint: string;
  readonly maxRuntimeSec: number | undefined;
  /** on_cancel.linger_ms of the script. */
  readonly lingerMs: number;
}

type TerminalPayload = Record<string, unknown> & { final_status: string };

/** Thrown inside the agent when it must stop; never escapes the runner. */
export const STOPPED = Symbol('job stopped');

/** What the submit fixed about a job; the job carries it as its own read-only fields. */
type JobFacts = Omit<JobInit, 'maxRuntimeSec' | 'lingerMs' | 'credentials'>;

// Declaration merging: the facts are typed here and set in one step by the constructor.
export interface Job extends JobFacts {}

export class Job implements JobWire {
  readonly createdAt = isoNow();
  readonly wirePart: string;
  /** Sessions receiving this job's events live (submitter, subscribers, idempotent resubmitters). */
  readonly observers = new Set<Session>();
  /** Events and terminal by position 1..n, bounded by count and by the resume window. */
  readonly history: SeqRing<JobEntry>;
  /** The payload every (idempotent) job.accepted for this job carries. */
  acceptedPayload: Record<string, unknown> = {};
  status: JobStatusName = 'pending';
  /** Positions published so far (events + terminal). */
  position = 0;
  terminal: { readonly pos: number; readonly entry: JobEntry } | undefined;
  endedAtMs: number | undefined;
  cancelRequested = false;
  /** The live credentials (v1.1 §9.8); a rotation replaces a value. Set from JobInit. */
  declare credentials: readonly Credential[] | undefined;
  credentialsRevoked = false;
  /** The agent as views show it once the job ended (archived-agent-unversioned: the bare name). */
  archivedAgent: string | undefined;
  readonly #config: Config;
  readonly #stop = new AbortController();
  readonly #cancel = new AbortController();
  readonly #timers: NodeJS.Timeout[] = [];
  readonly #lingerMs: number;
  /** Credential rotations so far (the rotation-id-missing defect drops the id from the second on). */
  #rotations = 0;
  /** The submitter's frame for the latest position (subscribed-foreign-seq defect only). */
  #ownerFrame: string | undefined;

  constructor(init: JobInit, config: Config) {
    const { maxRuntimeSec, lingerMs, ...facts } = init;
    Object.assign(this, facts);
    this.#lingerMs = lingerMs;
    this.#config = config;
    this.history = new SeqRing<JobEntry>(config.jobHistoryCap);
    this.wirePart = `,"job_id":${JSON.stringify(init.id)},"trace_id":${JSON.stringify(init.traceId)}`;
    this.#armTimers(maxRuntimeSec);
  }

  /** The runtime's switched-on defects (the agent runner re-creates some of them). */
  get defects(): Config['defects'] {
    return this.#config.defects;
  }

  get agentRef(): string {
    return `${this.agentName}@${this.agentVersion}`;
  }

  /** Aborted when the agent must stop at once. */
  get stopSignal(): AbortSignal {
    return this.#stop.signal;
  }

  /** Aborted when a cancel is accepted (wakes wait_cancel). */
  get cancelSignal(): AbortSignal {
    return this.#cancel.signal;
  }

  get stopped(): boolean {
    return this.#stop.signal.aborted;
  }

  /**
   * An event from the agent or the runtime; `body` may come pre-serialized as JSON (the
   * agent's hot loop does that). Nothing is published after the terminal.
   */
  publishEvent(kind: string, body: Record<string, unknown> | string, feature?: JobEntry['feature']): void | Promise<void> {
    if (this.terminal !== undefined && !this.#config.defects.has('event-after-terminal')) return;
    if (this.status === 'pending') this.status = 'running';
    // progress-fraction-string: a fractional `current` is formatted for display.
    if (kind === 'progress' && typeof body === 'object' && this.#config.defects.has('progress-fraction-string')) body = displayProgress(body);
    const entry = this.#eventEntry(kind, body);
    return this.#publish(feature === undefined ? entry : { ...entry, feature });
  }

  #eventEntry(kind: string, body: Record<string, unknown> | string): JobEntry {
    const bodyJson = typeof body === 'string' ? body : JSON.stringify(body);
    return { type: 'job.event', json: `{"kind":${JSON.stringify(kind)},"ts":"${isoNow()}","body":${bodyJson}}` };
  }

  /**
   * v1.1 §9.8.2: re-issues every credential of the job and announces each new value in a
   * status event (runtime-added, so unmarked) that only the submitting principal's sessions
   * receive (v1.1 §14). `issue` makes a credential's new form.
   */
  async rotateCredentials(issue: (prior: Credential) => Credential): Promise<void> {
    if (this.credentials === undefined || this.terminal !== undefined) return;
    this.credentials = this.credentials.map(issue);
    this.acceptedPayload.credentials = this.credentials;
    this.#rotations += 1;
    for (const { id, value } of this.credentials) {
      // rotation-id-missing: a re-rotation is announced from the refresher's record, which keeps no id.
      const body = this.#rotations > 1 && this.#config.defects.has('rotation-id-missing') ? { phase: 'credential_rotated', value } : { phase: 'credential_rotated', id, value };
      await this.#publish({ ...this.#eventEntry('status', body), principal: this.principal });
    }
  }

  /** The job's one terminal (v1.1 §7.3). Later calls do nothing. */
  end(type: 'job.result' | 'job.error', payload: TerminalPayload, status: JobStatusName): void | Promise<void> {
    if (this.terminal !== undefined) return;
    // timeout-status-error: the status column knows no timed_out; the wire terminal does.
    this.status = status === 'timed_out' && this.#config.defects.has('timeout-status-error') ? 'error' : status;
    this.endedAtMs = Date.now();
    if (this.#config.defects.has('archived-agent-unversioned')) this.archivedAgent = this.agentName;
    this.credentialsRevoked = true; // v1.1 §9.8.2: revoke at the upstream on any terminal
    for (const timer of this.#timers) clearTimeout(timer);
    // The event-after-terminal defect forgets to stop the agent.
    if (!this.#config.defects.has('event-after-terminal')) this.#stop.abort();
    let entry: JobEntry = { type, json: JSON.stringify(payload) };
    // timeout-error-no-job-id: the watchdog puts job_id in the payload, not on the envelope.
    if (status === 'timed_out' && this.#config.defects.has('timeout-error-no-job-id')) {
      entry = { type, json: JSON.stringify({ job_id: this.id, ...payload }), wirePart: `,"trace_id":${JSON.stringify(this.traceId)}` };
    }
    this.terminal = { pos: this.position + 1, entry };
    return this.#publish(entry);
  }

  /** The agent ran to its end: its outcome, unless a cancel was accepted first (then CANCELLED). */
  agentFinished(type: 'job.result' | 'job.error', payload: TerminalPayload, status: JobStatusName): void | Promise<void> {
    // linger-finish-wins: an agent that finishes while it lingers after a cancel ends the job its way.
    const finishWins = this.#config.defects.has('linger-finish-wins') && type === 'job.result';
    if (this.cancelRequested && !finishWins) return this.#endCancelled();
    return this.end(type, payload, status);
  }

  /** v1.1 §7.4: an accepted cancel; the terminal follows at once or after on_cancel.linger_ms. */
  requestCancel(): void {
    this.cancelRequested = true;
    this.#cancel.abort();
    // linger-waits-for-agent: no timer bounds the linger; the agent's own end brings the terminal.
    if (this.#lingerMs > 0 && this.#config.defects.has('linger-waits-for-agent')) return;
    if (this.#lingerMs > 0) this.#timers.push(setTimeout(() => void this.#endCancelled(), this.#lingerMs).unref());
    else void this.#endCancelled();
  }

  /** Whether the job still runs its on_cancel.linger_ms after an accepted cancel. */
  get lingering(): boolean {
    return this.cancelRequested && this.terminal === undefined && this.#lingerMs > 0;
  }

  /**
   * A CANCELLED job.error published past the once-guard of `end`, and the status flipped:
   * only the cancel-after-terminal and linger-cancel-twice defects call this.
   */
  cancelAfterTerminal(): void | Promise<void> {
    this.status = 'cancelled';
    return this.#publish({ type: 'job.error', json: JSON.stringify(cancelledPayload('cancelled by client')) });
  }

  /** Stops the agent and timers without a terminal (runtime shutdown). */
  shutdown(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#stop.abort();
  }

  /** Resolves once every attached observer's socket backlog is below the high-water mark. */
  async waitForCapacity(): Promise<void> {
    while (!this.stopped && this.#overHighWater()) await new Promise((resolve) => setTimeout(resolve, 2));
  }

  #overHighWater(): boolean {
    for (const session of this.observers) {
      if (session.outbound.backlogBytes > this.#config.socketHighWaterBytes) return true;
    }
    return false;
  }

  // timeout-needs-submitter: the watchdog lives on the submitter's connection.
  #submitterAttached(): boolean {
    return [...this.observers].some((s) => s.id === this.submitterSessionId && s.link !== undefined);
  }

  #endCancelled(): void | Promise<void> {
    // lingering-cancel-as-result: the linger path builds its terminal as a result.
    if (this.#lingerMs > 0 && this.#config.defects.has('lingering-cancel-as-result')) return this.end('job.result', { final_status: 'cancelled' }, 'cancelled');
    return this.end('job.error', cancelledPayload('cancelled by client'), 'cancelled');
  }

  #publish(entry: JobEntry): void | Promise<void> {
    const pos = ++this.position;
    this.history.push(pos, entry, Date.now());
    let pending: Promise<void>[] | undefined;
    const foreign = this.#config.defects.has('subscribed-foreign-seq');
    for (const session of this.observers) {
      const sent = foreign ? this.#deliverForeign(session, pos, entry) : session.deliver(this, pos, entry);
      if (sent !== undefined) (pending ??= []).push(sent);
    }
    return pending === undefined ? undefined : Promise.all(pending).then(() => undefined);
  }

  // The subscribed-foreign-seq defect: subscribers get the very frame stamped for the
  // submitter's session (its session_id and seq) instead of one of their own.
  #deliverForeign(session: Session, pos: number, entry: JobEntry): void | Promise<void> {
    if (session.id !== this.submitterSessionId) return session.deliver(this, pos, entry, this.#ownerFrame);
    const sent = session.deliver(this, pos, entry);
    const { log, lastSeq } = session.outbound;
    this.#ownerFrame = log.slice(lastSeq, lastSeq)[0];
    return sent;
  }

  #armTimers(maxRuntimeSec: number | undefined): void {
    if (maxRuntimeSec !== undefined) {
      this.#timers.push(
        setTimeout(() => {
          if (this.#config.defects.has('timeout-needs-submitter') && !this.#submitterAttached()) return;
          void this.end('job.error', { code: 'TIMEOUT', message: `exceeded max_runtime_sec ${maxRuntimeSec}`, retryable: false, final_status: 'timed_out' }, 'timed_out');
        }, Math.min(maxRuntimeSec * 1000, MAX_TIMER_MS)).unref(),
      );
    }
    // v1.1 §9.5: the runtime MAY end a job whose lease expired without waiting for an
    // operation; the watchdog does so after a grace (v1.1 §14), emitting a status first.
    const expiresAt = this.lease.expiresAtMs;
    if (expiresAt !== undefined && expiresAt + this.#config.leaseGraceMs - Date.now() <= MAX_TIMER_MS) {
      this.#timers.push(
        setTimeout(() => {
          void (async () => {
            await this.publishEvent('status', { phase: 'lease_expired', message: 'lease expired; ending the job' });
            const payload = leaseExpiredPayload();
            // watchdog-retryable: the watchdog's own form of the error says retryable.
            if (this.#config.defects.has('watchdog-retryable')) payload.retryable = true;
            await this.end('job.error', payload, 'error');
          })();
        }, Math.max(0, expiresAt + this.#config.leaseGraceMs - Date.now())).unref(),
      );
    }
  }
}

/** setTimeout's largest delay (~24.8 days); longer leases are enforced at each operation only. */
const MAX_TIMER_MS = 2 ** 31 - 1;

function displayProgress(body: Record<string, unknown>): Record<string, unknown> {
  const { current } = body;
  return typeof current === 'number' && !Number.isInteger(current) ? { ...body, current: current.toFixed(1) } : body;
}

export function cancelledPayload(message: string): TerminalPayload {
  return { code: 'CANCELLED', message, retryable: false, final_status: 'cancelled' };
}

export function leaseExpiredPayload(): TerminalPayload {
  return { code: 'LEASE_EXPIRED', message: 'lease expired', retryable: false, final_status: 'error' };
}
