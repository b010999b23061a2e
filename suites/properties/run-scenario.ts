// Runs one scenario against a server over the wire and judges the whole history. All
// sessions share one transcript; each connection is labelled `<session> principal:<role>`
// so the checkers know who is behind it (suites/checkers/principals.ts). Actions fire on
// what the clients have received; every wait is bounded. A run always ends cleanly: every
// job observed to its terminal, or the bound it was given recorded as a note. Then the
// checkers read the transcript (declared complete: every job had time to end) and an
// optional server probe adds what the wire cannot show.
import { checkTranscript, principalLabel, type CheckerFactory, type Violation } from '../checkers/index.ts';
import type { Profile } from '../harness/config.ts';
import type { Connection } from '../harness/connection.ts';
import { assertServerStop, isHarnessError, isSlowReply } from '../harness/errors.ts';
import { isWireFrame, payloadOf, type WireFrame } from '../harness/frames.ts';
import { isRejection } from '../harness/job-holdings.ts';
import { connect, type Session } from '../harness/session.ts';
import { Transcript } from '../harness/transcript.ts';
import type { TranscriptEntry } from '../harness/transcript-types.ts';
import { jobPhase, scheduleSignature, type CancelOrdering, type JobPhase, type RunExploration } from './exploration.ts';
import type { ServerProbe } from './probe.ts';
import { Progress } from './progress.ts';
import { describeTrigger, expectedEventTotals, type ResumePlan, type Scenario, type ScenarioAction, type ScenarioSession } from './scenario.ts';
import { durationBound } from './script-duration.ts';
import { Turns } from './turns.ts';

export interface ScenarioTarget {
  readonly url: string;
  readonly tokens: { readonly primary: string; readonly secondary?: string };
  readonly profile: Profile;
  /** Bound of each wait for an answer or a trigger. */
  readonly timeoutMs: number;
}

export interface RunOptions {
  readonly checkers: readonly CheckerFactory[];
  readonly probe?: ServerProbe;
}

export interface ScenarioRun {
  readonly violations: readonly Violation[];
  /** The redacted transcript. */
  readonly transcript: readonly TranscriptEntry[];
  readonly exploration: RunExploration;
  /** What did not go as planned: bounds hit, refused resumes, skipped actions. */
  readonly notes: readonly string[];
  /**
   * Names the kinds of secret (never their values) that appear in `text`: a last check
   * before anything derived from this run is written to disk.
   */
  readonly secretsIn: (text: string) => string[];
}

/** The run could not start or was cut short by something other than a server violation. */
export class ScenarioAborted extends Error {
  override readonly name = 'ScenarioAborted';
}

/** An answer to a cancel may never come (DESIGN §5: any ack or error is allowed, so is none). */
const CANCEL_ANSWER_MS = 1000;

type ClientState = 'connected' | 'cut' | 'gone' | 'unavailable';

interface Client {
  readonly plan: ScenarioSession;
  readonly turns: Turns;
  session: Session | undefined;
  state: ClientState;
  ackedSeq: number;
  sinceAck: number;
  /** The job whose job.submit awaits its job.accepted (one at a time per session). */
  pendingSubmit: number | undefined;
}

/** A client for `plan`, not connected yet. */
function newClient(plan: ScenarioSession): Client {
  return { plan, turns: new Turns(), session: undefined, state: 'unavailable', ackedSeq: 0, sinceAck: 0, pendingSubmit: undefined };
}

interface CancelRecord {
  readonly job: number;
  readonly foreign: boolean;
  readonly afterTerminal: boolean;
  readonly sent: boolean;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

class Execution {
  readonly #scenario: Scenario;
  readonly #target: ScenarioTarget;
  readonly #options: RunOptions;
  readonly #transcript = new Transcript();
  readonly #progress: Progress;
  readonly #clients = new Map<string, Client>();
  readonly #notes: string[] = [];
  readonly #secrets = new Map<string, string>();
  readonly #cancels: CancelRecord[] = [];
  readonly #disconnects: JobPhase[] = [];
  #boundedWaits = 0;
  /** Why this run could not carry out its scenario, if it could not (the first reason). */
  #unexercised: string | undefined;

  constructor(scenario: Scenario, target: ScenarioTarget, options: RunOptions) {
    this.#scenario = scenario;
    this.#target = target;
    this.#options = options;
    this.#progress = new Progress(expectedEventTotals(scenario));
    this.#secret('bearer token', target.tokens.primary);
    if (target.tokens.secondary !== undefined) this.#secret('bearer token', target.tokens.secondary);
  }

  async execute(): Promise<ScenarioRun> {
    await this.#options.probe?.before();
    try {
      await this.#openSessions();
      await Promise.all([...this.#clients.values()].map((client) => this.#runSession(client)));
      await this.#settle();
      // Judged before the clean-up below, whose closes are not part of the scenario.
      const entries = [...this.#transcript.entries];
      const violations = checkTranscript(entries, this.#options.checkers, { complete: true });
      if (this.#options.probe !== undefined) violations.push(...(await this.#options.probe.after({ entries })));
      return {
        violations,
        transcript: entries,
        exploration: this.#exploration(entries),
        notes: this.#notes,
        secretsIn: (text) => [...new Set([...this.#secrets].filter(([value]) => text.includes(value)).map(([, kind]) => kind))],
      };
    } finally {
      this.#progress.abandon();
      await this.#closeAll();
    }
  }

  // ---- sessions ------------------------------------------------------------------------

  async #openSessions(): Promise<void> {
    for (const plan of this.#scenario.sessions) {
      const client = newClient(plan);
      this.#clients.set(plan.name, client);
      const token = this.#tokenOf(plan.principal);
      if (token === undefined) {
        this.#note(`${plan.name}: no token for the ${plan.principal} principal; its actions are skipped`);
        continue;
      }
      try {
        await this.#attach(client, token);
      } catch (error) {
        assertServerStop(error);
        // Without its first session a scenario cannot run at all.
        if (plan === this.#scenario.sessions[0]) throw new ScenarioAborted(`cannot open the submitting session: ${error.message}`, { cause: error });
        this.#note(`${plan.name}: cannot open a session (${error.message}); its actions are skipped`);
      }
    }
  }

  #tokenOf(principal: ScenarioSession['principal']): string | undefined {
    return principal === 'primary' ? this.#target.tokens.primary : this.#target.tokens.secondary;
  }

  /** Opens the client's session and starts tracking it; a harness error reaches the caller, which knows what it means. */
  async #attach(client: Client, token: string): Promise<Session> {
    const session = await connect(this.#target.url, {
      token,
      transcript: this.#transcript,
      profile: this.#target.profile,
      timeoutMs: this.#target.timeoutMs,
      label: `${client.plan.name} ${principalLabel(client.plan.principal)}`,
    });
    client.session = session;
    client.state = 'connected';
    this.#collectResumeToken(session);
    this.#track(client, session.connection);
    return session;
  }

  /** Counts what a connection receives, feeds triggers, sends acks and learns secrets. */
  #track(client: Client, connection: Connection): void {
    const name = client.plan.name;
    const onFrame = (frame: unknown, recorded: unknown): void => {
      this.#learnCredentials(frame);
      // A rejection naming a job (a foreign cancel's job.error) is no job's terminal.
      if (isWireFrame(recorded) && recorded.type === 'job.error' && isRejection(recorded)) return;
      // Learn the job id at once: its events may arrive in the same read as the job.accepted,
      // before the submit's own continuation runs.
      if (client.pendingSubmit !== undefined && isWireFrame(frame) && frame.type === 'job.accepted') {
        const jobId = payloadOf(frame).job_id ?? frame.job_id;
        if (typeof jobId === 'string') this.#progress.accepted(client.pendingSubmit, jobId);
        client.pendingSubmit = undefined;
      }
      if (!this.#progress.observe(name, frame)) return;
      if (client.plan.ackEvery > 0 && ++client.sinceAck >= client.plan.ackEvery) {
        client.sinceAck = 0;
        queueMicrotask(() => this.#ack(client, connection));
      }
    };
    for (const entry of connection.inbox) onFrame(entry.frame, entry.frame);
    connection.addInboundListener((frame, entry) => onFrame(frame, entry.frame));
  }

  #ack(client: Client, connection: Connection): void {
    const session = client.session;
    const seq = session?.lastEventSeq;
    if (session === undefined || seq === undefined || session.connection !== connection || !connection.isOpen) return;
    if (!session.features.has('ack') || seq <= client.ackedSeq) return;
    session.send('session.ack', { last_processed_seq: seq });
    client.ackedSeq = seq;
  }

  #learnCredentials(frame: unknown): void {
    if (!isWireFrame(frame)) return;
    const payload = payloadOf(frame);
    const lists = [payload.credentials, ...(Array.isArray(payload.jobs) ? payload.jobs.map((j) => (isWireFrame(j) ? j.credentials : undefined)) : [])];
    for (const list of lists) {
      if (!Array.isArray(list)) continue;
      for (const credential of list) if (isWireFrame(credential) && typeof credential.value === 'string') this.#secret('credential value', credential.value);
    }
  }

  #collectResumeToken(session: Session): void {
    if (session.resumeToken !== undefined) this.#secret('resume token', session.resumeToken);
  }

  #secret(kind: string, value: string): void {
    if (value.length >= 4) this.#secrets.set(value, kind);
  }

  #live(client: Client): Session | undefined {
    return client.state === 'connected' && client.session?.connection.isOpen ? client.session : undefined;
  }

  // ---- actions --------------------------------------------------------------------------

  async #runSession(client: Client): Promise<void> {
    const submits = client.plan.actions.filter((a) => a.op === 'submit');
    const others = client.plan.actions.filter((a) => a.op !== 'submit');
    await Promise.all([
      (async () => {
        for (const action of submits) await this.#act(client, action);
      })(),
      ...others.map((action) => this.#act(client, action)),
    ]);
  }

  async #act(client: Client, action: ScenarioAction): Promise<void> {
    const name = client.plan.name;
    if (!(await this.#progress.until(() => this.#progress.holds(action.when), this.#target.timeoutMs))) {
      this.#bounded(`${name} ${action.op}: ${describeTrigger(action.when)} not reached within ${this.#target.timeoutMs} ms; acting anyway`);
    }
    const turn = client.turns.take();
    try {
      switch (action.op) {
        case 'submit':
          return await turn.run(() => this.#submit(client, action.job));
        case 'subscribe': {
          const jobId = await this.#jobId(action.job, `${name} subscribe`);
          return await turn.run(() => this.#subscribe(client, action.job, jobId, action.history));
        }
        case 'cancel': {
          const jobId = await this.#jobId(action.job, `${name} cancel`);
          return await turn.run(() => this.#cancel(client, action.job, jobId, action.times));
        }
        case 'disconnect':
          return await turn.run(() => this.#disconnect(client, action.how, action.resume));
        case 'list':
          return await turn.run(() => this.#list(client));
      }
    } catch (error) {
      assertServerStop(error);
      // A reply seen coming slower than the wait bound: every later wait of the campaign would
      // run out the same way, for minutes. The campaign ends on it (reporters/slow-server.ts).
      if (isSlowReply(error)) throw new ScenarioAborted(`${name} ${action.op}: ${error.message}`, { cause: error });
      this.#note(`${name} ${action.op}: ${error.message}`);
      if (isHarnessError(error, 'closed')) this.#unexercised ??= `${name} lost its session at its ${action.op}: ${error.message}`;
    } finally {
      turn.release();
    }
  }

  /** The job's id once accepted (bounded wait); undefined when it never was. */
  async #jobId(job: number, who: string): Promise<string | undefined> {
    const p = this.#progress;
    if (!(await p.until(() => p.admission(job) !== 'pending', this.#target.timeoutMs))) this.#bounded(`${who}: job ${job} not accepted within ${this.#target.timeoutMs} ms`);
    return p.jobId(job);
  }

  async #submit(client: Client, job: number): Promise<void> {
    const session = this.#live(client);
    const spec = this.#scenario.jobs[job];
    if (session === undefined || spec === undefined) {
      this.#skipped(client, `job ${job} not submitted`);
      this.#progress.rejected(job);
      return;
    }
    const payload: Record<string, unknown> = { agent: this.#target.profile.agent, input: spec.script };
    if (spec.leaseRequest !== undefined) payload.lease_request = spec.leaseRequest;
    if (spec.expiresInMs !== undefined) payload.lease_constraints = { expires_at: new Date(Date.now() + spec.expiresInMs).toISOString() };
    let frame: WireFrame;
    client.pendingSubmit = job;
    try {
      frame = await session.request('job.submit', payload, (f) => f.type === 'job.accepted' || isRejection(f), {
        description: `job.accepted or a rejection for the submit of job ${job}`,
        timeoutMs: this.#target.timeoutMs,
      });
    } catch (error) {
      client.pendingSubmit = undefined;
      this.#progress.rejected(job);
      this.#unexercised ??= `job ${job} was never accepted`;
      throw error;
    }
    client.pendingSubmit = undefined;
    const jobId = payloadOf(frame).job_id ?? frame.job_id;
    if (frame.type !== 'job.accepted' || typeof jobId !== 'string') {
      const p = payloadOf(frame);
      this.#note(`job ${job} was not accepted: ${String(frame.type)} ${String(p.code ?? '')} ${String(p.message ?? '')}`.trim());
      this.#unexercised ??= `job ${job} was never accepted (${String(frame.type)} ${String(p.code ?? '')})`.replace(' )', ')');
      this.#progress.rejected(job);
      return;
    }
    if (this.#progress.admission(job) !== 'accepted') this.#progress.accepted(job, jobId);
  }

  async #subscribe(client: Client, job: number, jobId: string | undefined, history: boolean): Promise<void> {
    if (jobId === undefined) return;
    const session = this.#live(client);
    if (session === undefined) return this.#skipped(client, `subscribe to job ${job} skipped`);
    const frame = await session.request(
      'job.subscribe',
      { job_id: jobId, history },
      (f) => (f.type === 'job.subscribed' && (f.job_id === jobId || payloadOf(f).job_id === jobId)) || isRejection(f),
      { description: `job.subscribed or a rejection for job ${job}`, timeoutMs: this.#target.timeoutMs },
    );
    if (frame.type === 'job.subscribed') this.#progress.subscribed(client.plan.name, job, payloadOf(frame).current_status);
    else this.#note(`${client.plan.name}: subscribe to job ${job} refused (${String(payloadOf(frame).code)})`);
  }

  async #cancel(client: Client, job: number, jobId: string | undefined, times: 1 | 2): Promise<void> {
    const foreign = client.plan.principal !== this.#scenario.sessions[0]?.principal;
    if (jobId === undefined) {
      this.#cancels.push({ job, foreign, afterTerminal: false, sent: false });
      return;
    }
    const session = this.#live(client);
    if (session === undefined) {
      this.#cancels.push({ job, foreign, afterTerminal: false, sent: false });
      return this.#skipped(client, `cancel of job ${job} skipped`);
    }
    const after = session.mark();
    for (let k = 0; k < times; k++) {
      this.#cancels.push({ job, foreign, afterTerminal: this.#progress.terminalSeen(job), sent: true });
      session.send('job.cancel', { job_id: jobId, reason: 'property scenario' }, { job_id: jobId });
    }
    // Collect the answers (job.cancelled or a rejection) so the next request is not confused by them.
    let answers = 0;
    const answered = await session.watch(
      (f) => {
        if ((f.type === 'job.cancelled' && (f.job_id === jobId || payloadOf(f).job_id === jobId)) || isRejection(f)) answers++;
        return answers >= times;
      },
      { description: `answers to ${times} cancel(s) of job ${job}`, forMs: Math.min(this.#target.timeoutMs, CANCEL_ANSWER_MS), after },
    );
    if (answered === undefined && session.connection.isOpen) this.#boundedWaits += 1;
  }

  async #list(client: Client): Promise<void> {
    const session = this.#live(client);
    if (session === undefined || !session.features.has('list_jobs')) return;
    await session.request('session.list_jobs', {}, (f, requestId) => (f.type === 'session.jobs' && payloadOf(f).request_id === requestId) || isRejection(f), {
      description: 'session.jobs',
      timeoutMs: this.#target.timeoutMs,
    });
  }

  async #disconnect(client: Client, how: 'drop' | 'close', resume: ResumePlan | null): Promise<void> {
    const session = this.#live(client);
    if (session === undefined) return this.#skipped(client, `${how} skipped`);
    this.#recordPhases(client);
    client.state = 'cut';
    if (how === 'drop') session.drop();
    else await session.close({ reason: 'property scenario', timeoutMs: Math.min(this.#target.timeoutMs, 1000) });
    this.#progress.disconnected(client.plan.name);
    if (resume === null) {
      client.state = 'gone';
      return;
    }
    if (resume.afterMs > 0) await sleep(resume.afterMs);
    const owed = session.lastEventSeq ?? 0;
    const lastEventSeq = Math.max(client.ackedSeq, owed - resume.seqBack);
    try {
      const resumed = await session.resume({ lastEventSeq, timeoutMs: this.#target.timeoutMs });
      client.state = 'connected';
      this.#collectResumeToken(session);
      this.#track(client, resumed.connection);
      if (owed > lastEventSeq) await this.#awaitReplay(client, resumed.connection, owed);
    } catch (error) {
      assertServerStop(error);
      client.state = 'gone';
      this.#note(`${client.plan.name}: resume at last_event_seq ${lastEventSeq} failed (${error.message})`);
      this.#unexercised ??= `${client.plan.name} could not resume (${error.message})`;
    }
  }

  /**
   * The welcome may come before the replay: before the session's next action (which may cut
   * this connection) the replay up to `owed`, the highest seq the session had received, must
   * have arrived, or the run would end it unseen. Bounded; a replay that never comes is the
   * resume checker's to judge.
   */
  async #awaitReplay(client: Client, connection: Connection, owed: number): Promise<void> {
    const caughtUp = await connection.watch((f) => typeof f.event_seq === 'number' && f.event_seq >= owed, {
      description: `the replay up to event_seq ${owed}`,
      forMs: this.#target.timeoutMs,
      after: 0,
    });
    if (caughtUp === undefined) this.#bounded(`${client.plan.name}: the replay after the resume did not reach event_seq ${owed} within ${this.#target.timeoutMs} ms`);
  }

  /** Where this cut falls in each job the session receives. */
  #recordPhases(client: Client): void {
    const p = this.#progress;
    const owner = client.plan === this.#scenario.sessions[0];
    for (let job = 0; job < p.jobCount(); job++) {
      const receives = p.admission(job) === 'accepted' && (owner || p.isSubscribed(client.plan.name, job));
      if (receives) this.#disconnects.push(jobPhase(p.markedIn(client.plan.name, job), p.expectedTotal(job), p.terminalIn(client.plan.name, job)));
    }
  }

  // ---- the end ---------------------------------------------------------------------------

  /** Waits (bounded) until every attached session receiving a job has its terminal. */
  async #settle(): Promise<void> {
    const p = this.#progress;
    const waits: Promise<void>[] = [];
    for (let job = 0; job < p.jobCount(); job++) {
      if (p.admission(job) !== 'accepted') continue;
      const bound = this.#target.timeoutMs + durationBound(this.#scenario.jobs[job]?.script);
      const observers = [...this.#clients.values()].filter(
        (c) => this.#live(c) !== undefined && (c.plan === this.#scenario.sessions[0] || p.owesTerminal(c.plan.name, job)),
      );
      if (observers.length === 0) {
        waits.push(this.#watchFromFreshSession(job, bound));
        continue;
      }
      for (const client of observers) {
        waits.push(
          p.until(() => p.terminalIn(client.plan.name, job), bound).then((ended) => {
            if (!ended) this.#bounded(`${client.plan.name}: no terminal for job ${job} within ${bound} ms`);
          }),
        );
      }
    }
    await Promise.all(waits);
  }

  /** No attached session receives the job: watch it to its end from a fresh session. */
  async #watchFromFreshSession(job: number, bound: number): Promise<void> {
    const p = this.#progress;
    if (p.terminalSeen(job)) return;
    const owner = this.#scenario.sessions[0];
    const name = `settle-${job}`;
    const plan: ScenarioSession = { name, principal: owner?.principal ?? 'primary', ackEvery: 0, actions: [] };
    const client = newClient(plan);
    const token = this.#tokenOf(plan.principal);
    if (token === undefined) return;
    let session: Session;
    try {
      session = await this.#attach(client, token);
    } catch (error) {
      assertServerStop(error);
      return this.#note(`${name}: cannot open a session to watch job ${job} to its end (${error.message})`);
    }
    this.#clients.set(name, client);
    if (!session.features.has('subscribe')) return this.#note(`job ${job}: no attached session receives it and subscribe is not negotiated; its end is unobserved`);
    await this.#subscribe(client, job, p.jobId(job), true);
    if (!(await p.until(() => p.terminalIn(name, job) || p.terminalSeen(job), bound))) this.#bounded(`${name}: no terminal for job ${job} within ${bound} ms`);
  }

  async #closeAll(): Promise<void> {
    await Promise.all(
      [...this.#clients.values()].map(async (client) => {
        const connection = client.session?.connection;
        if (connection !== undefined && connection.isOpen) await connection.closeSocket(1000, 'scenario done', 500);
      }),
    );
  }

  #exploration(entries: readonly TranscriptEntry[]): RunExploration {
    const p = this.#progress;
    const cancels = this.#cancels.map((c): CancelOrdering => {
      if (!c.sent) return 'unsent';
      if (c.foreign) return 'foreign';
      if (c.afterTerminal) return 'after-terminal';
      return p.firstTerminal(c.job)?.status === 'cancelled' ? 'before-terminal' : 'lost-race';
    });
    return {
      schedule: scheduleSignature(entries, (id) => p.jobIndex(id)),
      cancels,
      disconnects: [...this.#disconnects],
      boundedWaits: this.#boundedWaits,
      ...(this.#unexercised === undefined ? {} : { unexercised: this.#unexercised }),
    };
  }

  /** An action its session cannot do now; a session that never opened was noted once already. */
  #skipped(client: Client, what: string): void {
    if (client.state !== 'unavailable') this.#note(`${client.plan.name}: ${what} (session ${client.state === 'gone' ? 'gone' : 'not connected'})`);
  }

  #note(text: string): void {
    this.#notes.push(this.#transcript.redactor.redactText(text));
  }

  #bounded(text: string): void {
    this.#boundedWaits += 1;
    this.#note(text);
  }
}

/** Runs `scenario` against `target`; see the file comment. Throws ScenarioAborted when it cannot start, or the server replies slower than the wait bound. */
export function runScenario(scenario: Scenario, target: ScenarioTarget, options: RunOptions): Promise<ScenarioRun> {
  return new Execution(scenario, target, options).execute();
}
